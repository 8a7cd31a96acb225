"""How the connector signs in to Salesforce: the OAuth 2.0 JWT bearer flow (an assertion signed
with the connected app's certificate key, naming the API user) or the client-credentials flow
(the app's run-as user), both against the org's My Domain."""

import time
from dataclasses import dataclass, field
from pathlib import Path

import jwt

from lms.crm.connectors import http
from lms.crm.connectors.base import ConnectionSettings, ConnectorError

JWT_LIFETIME = 180  # seconds; Salesforce refuses an assertion that lives longer than 3 minutes
DEFAULT_LOGIN_URL = "https://login.salesforce.com"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_CREDENTIALS = "client_credentials"


@dataclass(frozen=True)
class SignIn:
    """How an access token is got from the My Domain's token endpoint."""

    token_url: str
    consumer_key: str
    flow: str  # "jwt" or CLIENT_CREDENTIALS
    username: str | None
    audience: str
    secret: str = field(repr=False)  # the private key PEM, or the consumer secret

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, my_domain: str) -> "SignIn":
        options = settings.options
        consumer_key = (options.get("consumer_key") or "").strip()
        flow = (options.get("flow") or "jwt").strip().lower()
        username = (options.get("username") or "").strip() or None
        if not consumer_key:
            raise ConnectorError("Salesforce needs the connected app's consumer_key option")
        if flow not in ("jwt", CLIENT_CREDENTIALS):
            raise ConnectorError(f"Salesforce flow {flow!r} is neither jwt nor client_credentials")
        if not settings.secret:
            raise ConnectorError(
                "Salesforce needs its secret (the private key, or consumer secret)"
            )
        if flow == "jwt" and not username:
            raise ConnectorError("Salesforce's JWT sign-in needs the API user's username option")
        secret = _private_key(settings.secret) if flow == "jwt" else settings.secret
        audience = (options.get("login_url") or DEFAULT_LOGIN_URL).rstrip("/")
        return cls(
            f"{my_domain}/services/oauth2/token", consumer_key, flow, username, audience, secret
        )

    def form(self) -> dict[str, str]:
        """The token request's body; a JWT assertion is signed afresh each time."""
        if self.flow == CLIENT_CREDENTIALS:
            return {
                "grant_type": "client_credentials",
                "client_id": self.consumer_key,
                "client_secret": self.secret,
            }
        claims = {
            "iss": self.consumer_key,
            "sub": self.username,
            "aud": self.audience,
            "exp": int(time.time()) + JWT_LIFETIME,
        }
        try:
            assertion = jwt.encode(claims, self.secret, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError):
            raise ConnectorError(
                "the Salesforce secret is not a PEM RSA private key (nor a file holding one)"
            ) from None
        return {"grant_type": JWT_GRANT, "assertion": assertion}


def _private_key(secret: str) -> str:
    """The PEM itself, or read from the path the secret names. An environment variable often
    holds the PEM with literal "\\n"s; they are made line breaks."""
    if "-----BEGIN" in secret:
        return secret.replace("\\n", "\n") if "\n" not in secret else secret
    try:
        return Path(secret).expanduser().read_text()
    except (OSError, ValueError) as error:
        raise ConnectorError(
            "the Salesforce secret is neither a PEM private key nor a readable key file "
            f"({type(error).__name__})"
        ) from None


def my_domain_of(base_url: str) -> str:
    """The org's My Domain origin from the connection's address."""
    my_domain = http.origin(base_url, ("https", "http"))
    if my_domain is None:
        raise ConnectorError(f"the Salesforce address {base_url!r} is not a My Domain URL")
    return my_domain
