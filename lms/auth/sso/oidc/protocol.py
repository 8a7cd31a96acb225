"""Talking to the OpenID provider: discovery, the authorization request, the code exchange,
the ID token's checks, and the logout URL. Uses Authlib (its OAuth 2 client for PKCE and
the token request; its ID token claims on joserfc for the checks). Never reads the request."""

import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from lms.auth.sso.oidc import rules
from lms.auth.sso.oidc.rules import OidcRefused, OidcSettings
from lms.auth.sso.people import SignInClaims

HTTP_TIMEOUT_SECONDS = 10
METADATA_TTL_SECONDS = 3600
_metadata_cache: dict[str, tuple[float, dict]] = {}


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser's session keeps between the redirect out and the callback."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def oidc_settings(config: Mapping) -> OidcSettings | None:
    """The configured provider, or None when OpenID Connect is not set up."""
    if not config.get("OIDC_ISSUER"):
        return None
    return OidcSettings(
        issuer=config["OIDC_ISSUER"],
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        scopes=config["OIDC_SCOPES"],
        provider_name=config["OIDC_PROVIDER_NAME"],
        email_claim=config["OIDC_EMAIL_CLAIM"],
        name_claim=config["OIDC_NAME_CLAIM"],
        groups_claim=config["OIDC_GROUPS_CLAIM"],
        hr_id_claim=config.get("OIDC_HR_ID_CLAIM"),
    )


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefused(f"Your identity provider could not be reached ({url}).") from exc


def provider_metadata(settings: OidcSettings) -> dict:
    """The provider's discovery document, kept for an hour; its issuer must be the one
    configured, character for character."""
    cached = _metadata_cache.get(settings.issuer)
    if cached and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return cached[1]
    metadata = _get_json(settings.issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer", "").rstrip("/") != settings.issuer:
        raise OidcRefused(f"The provider at {settings.issuer} names another issuer.")
    _metadata_cache[settings.issuer] = (time.monotonic(), metadata)
    return metadata


def _client(settings: OidcSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.client_id,
        settings.client_secret,
        scope=settings.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def begin_sign_in(
    settings: OidcSettings, metadata: dict, *, redirect_uri: str, next_url: str | None
) -> tuple[str, PendingSignIn]:
    """The provider's authorization URL, and what to keep until the callback: a fresh
    state, nonce and PKCE code verifier (sent as its S256 challenge)."""
    pending = PendingSignIn(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),
        next_url=next_url,
    )
    with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=pending.state,
            code_verifier=pending.code_verifier,
            nonce=pending.nonce,
        )
    return url, pending


def finish_sign_in(
    settings: OidcSettings,
    metadata: dict,
    pending: PendingSignIn | None,
    args: Mapping,
    *,
    redirect_uri: str,
    now: datetime,
) -> tuple[SignInClaims, str]:
    """The claims of the person the provider signed in, and their ID token (for logout),
    once the callback's state matches, the code is exchanged with the PKCE verifier, and
    the ID token's signature, issuer, audience, times and nonce are checked."""
    rules.check_state(pending.state if pending else None, args.get("state"))
    code = rules.check_callback(dict(args))
    token = _exchange_code(settings, metadata, code, pending.code_verifier, redirect_uri)
    if not token.get("id_token"):
        raise OidcRefused("Your identity provider sent no ID token.")
    claims = verify_id_token(
        token["id_token"],
        settings=settings,
        metadata=metadata,
        nonce=pending.nonce,
        access_token=token.get("access_token"),
        now=now,
    )
    if settings.email_claim not in claims and token.get("access_token"):
        claims = _with_userinfo(claims, metadata, token["access_token"])
    return sign_in_claims(settings, claims), token["id_token"]


def _with_userinfo(claims: dict, metadata: dict, access_token: str) -> dict:
    """The ID token's claims completed from the userinfo endpoint, for providers that keep
    the e-mail and groups out of the ID token; the ID token's own claims win, and userinfo
    must be about the same person (`sub`)."""
    endpoint = metadata.get("userinfo_endpoint")
    if not endpoint:
        return claims
    try:
        response = requests.get(
            endpoint,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=HTTP_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefused("Your identity provider would not say who you are (userinfo).") from exc
    if info.get("sub") != claims["sub"]:
        raise OidcRefused("Your identity provider's userinfo names someone else.")
    return info | claims


def _exchange_code(settings, metadata, code, code_verifier, redirect_uri) -> dict:
    with _client(settings, redirect_uri) as client:
        try:
            return dict(
                client.fetch_token(
                    metadata["token_endpoint"],
                    code=code,
                    code_verifier=code_verifier,
                    timeout=HTTP_TIMEOUT_SECONDS,
                )
            )
        except Exception as exc:  # noqa: BLE001  (Authlib's and requests' errors alike)
            raise OidcRefused(
                f"Your identity provider would not exchange the sign-in code: {exc}"
            ) from exc


def verify_id_token(
    id_token: str,
    *,
    settings: OidcSettings,
    metadata: dict,
    nonce: str,
    now: datetime,
    access_token: str | None = None,
    jwks: dict | None = None,
) -> dict:
    """The ID token's claims once its signature verifies against the provider's keys
    (fetched again once if it names a key not yet seen), it was issued by the configured
    issuer for this client, it is within its times (a minute's leeway), and it carries
    this sign-in's nonce. `jwks` is for tests that bring keys of their own."""
    algorithms = rules.signing_algorithms(metadata)
    try:
        token = _decode(id_token, jwks or _jwks(metadata), algorithms)
    except InvalidKeyIdError:
        token = _decode(id_token, jwks or _jwks(metadata, refresh=True), algorithms)
    options = {
        # The discovery document's own spelling (a trailing slash and all), already
        # checked against OIDC_ISSUER.
        "iss": {"essential": True, "value": metadata.get("issuer", settings.issuer)},
        "aud": {"essential": True, "value": settings.client_id},
        "exp": {"essential": True},
        "nonce": {"essential": True, "value": nonce},
    }
    params = {"nonce": nonce, "client_id": settings.client_id, "access_token": access_token}
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(now=rules.timestamp(now), leeway=rules.CLOCK_LEEWAY_SECONDS)
    except JoseError as exc:
        raise OidcRefused(f"The ID token was refused: {_claim_problem(exc)}") from exc
    return dict(claims)


def _decode(id_token: str, jwks: dict, algorithms: list[str]):
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        return jwt.decode(id_token, KeySet.import_key_set(jwks), registry=registry)
    except InvalidKeyIdError:
        raise
    except (JoseError, ValueError) as exc:
        raise OidcRefused(
            "The ID token's signature does not verify with your identity provider's keys."
        ) from exc


def _claim_problem(exc: JoseError) -> str:
    """Which check failed, in words."""
    text = getattr(exc, "description", None) or str(exc)
    for claim, words in (
        ("exp", "it has expired"),
        ("aud", "it was issued for another application"),
        ("iss", "it was issued by another provider"),
        ("nonce", "it does not belong to this sign-in (nonce)"),
        ("iat", "it was issued in the future"),
        ("nbf", "it is not valid yet"),
    ):
        if f'"{claim}"' in text or f"'{claim}'" in text:
            return words
    return text


_jwks_cache: dict[str, dict] = {}


def _jwks(metadata: dict, *, refresh: bool = False) -> dict:
    uri = metadata["jwks_uri"]
    if refresh or uri not in _jwks_cache:
        _jwks_cache[uri] = _get_json(uri)
    return _jwks_cache[uri]


def sign_in_claims(settings: OidcSettings, claims: Mapping) -> SignInClaims:
    """What the ID token says about the person, under the configured claim names."""
    rules.check_email_verified(dict(claims))
    hr_id = claims.get(settings.hr_id_claim) if settings.hr_id_claim else None
    return SignInClaims(
        email=claims.get(settings.email_claim),
        hr_id=str(hr_id) if hr_id is not None else None,
        name=claims.get(settings.name_claim),
        groups=rules.groups_from(claims.get(settings.groups_claim)),
        provider=rules.PROVIDER,
        subject=str(claims["sub"]),
    )


def logout_url(
    settings: OidcSettings, metadata: dict, *, id_token: str | None, after_logout: str
) -> str | None:
    """RP-initiated logout at the provider, when it offers an end_session_endpoint."""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    params = {"client_id": settings.client_id, "post_logout_redirect_uri": after_logout}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
