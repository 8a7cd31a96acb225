"""What an OpenID provider's answers mean. Pure: plain values in, answers out."""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

PROVIDER = "oidc"
# Public-key algorithms only: an HMAC-signed ID token would be signed with the client secret,
# which Uptake's JWKS check could never vouch for.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
CLOCK_LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class OidcSettings:
    """The company's OpenID provider (lms.config.sign_in_settings)."""

    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    provider_name: str
    email_claim: str
    name_claim: str
    groups_claim: str
    hr_id_claim: str | None


class OidcRefused(Exception):
    """The provider's answer cannot be trusted or was a refusal; the message says which."""


def signing_algorithms(metadata: dict) -> list[str]:
    """The ID-token algorithms to accept: those the provider announces that are public-key
    ones; RS256 (which every provider must support) when it announces none."""
    announced = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    return [alg for alg in announced if alg in ASYMMETRIC_ALGORITHMS] or ["RS256"]


def check_state(expected: str | None, returned: str | None) -> None:
    """The callback's `state` must be the one this browser's sign-in began with."""
    if not expected or not returned or not hmac.compare_digest(expected, returned):
        raise OidcRefused(
            "This sign-in did not start here, or it was started again in another tab. "
            "Please sign in again."
        )


def check_callback(args: dict) -> str:
    """The authorization code from the callback's query, or the provider's own refusal."""
    if args.get("error"):
        described = args.get("error_description") or args["error"]
        raise OidcRefused(f"Your identity provider did not sign you in: {described}")
    if not args.get("code"):
        raise OidcRefused("Your identity provider sent no authorization code.")
    return args["code"]


def check_email_verified(claims: dict) -> None:
    """A provider that says the e-mail is not verified (`email_verified` false) cannot be
    taken at its word about it; one that says nothing is trusted, as Entra ID sends none."""
    if claims.get("email_verified") is False:
        raise OidcRefused(
            "Your identity provider says your e-mail address is not verified. Verify it "
            "there, then sign in again."
        )


def timestamp(now: datetime) -> int:
    """Seconds since the epoch of a naive UTC time (as lms.clock gives)."""
    return int(now.replace(tzinfo=UTC).timestamp())


def groups_from(value) -> tuple[str, ...]:
    """A groups claim as a tuple of names: a list, or one name on its own."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)
