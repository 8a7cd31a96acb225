"""OpenID Connect sign-in: the authorization code flow with PKCE, state and nonce."""
