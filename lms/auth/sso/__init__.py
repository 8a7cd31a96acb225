"""Signing in through the company's identity provider (OpenID Connect, SAML 2.0)."""
