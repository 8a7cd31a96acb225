"""SAML 2.0 sign-in (pysaml2): Uptake as a service provider of the company's identity
provider. The SP's metadata, the AuthnRequest by redirect, the assertion consumer service by
POST; the person it names is matched by lms.auth.sso.people, as for OpenID Connect."""
