"""A SAML 2.0 identity provider for the tests: pysaml2's own IdP (saml2.server.Server),
served by server.py on 127.0.0.1 or used in-process to craft answers Uptake must refuse."""
