"""The ID token's checks (lms.auth.sso.oidc.protocol.verify_id_token) on tokens the test
signs itself, with a key of its own: no app, no provider."""

from datetime import datetime, timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from lms.auth.sso.oidc.protocol import verify_id_token
from lms.auth.sso.oidc.rules import OidcRefused, OidcSettings, timestamp

NOW = datetime(2026, 12, 6, 9, 0, 0)
ISSUER = "https://login.example.com"
SETTINGS = OidcSettings(
    issuer=ISSUER,
    client_id="uptake",
    client_secret="secret",
    scopes="openid email",
    provider_name="Example",
    email_claim="email",
    name_claim="name",
    groups_claim="groups",
    hr_id_claim=None,
)
METADATA = {"issuer": ISSUER, "id_token_signing_alg_values_supported": ["RS256", "HS256"]}
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
JWKS = {"keys": [KEY.as_dict(private=False)]}


def id_token(key=KEY, alg="RS256", **changes) -> str:
    claims = {
        "iss": ISSUER,
        "sub": "ann",
        "aud": "uptake",
        "iat": timestamp(NOW),
        "exp": timestamp(NOW + timedelta(minutes=5)),
        "nonce": "n-1",
        "email": "ann@example.com",
    } | changes
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key)


def verify(token: str, nonce: str = "n-1", now: datetime = NOW) -> dict:
    return verify_id_token(
        token, settings=SETTINGS, metadata=METADATA, nonce=nonce, now=now, jwks=JWKS
    )


def test_a_good_token_gives_its_claims():
    assert verify(id_token())["email"] == "ann@example.com"


def test_a_token_for_another_application_is_refused():
    with pytest.raises(OidcRefused, match="issued for another application"):
        verify(id_token(aud="someone-else"))


def test_a_token_from_another_issuer_is_refused():
    with pytest.raises(OidcRefused, match="issued by another provider"):
        verify(id_token(iss="https://evil.example.com"))


def test_a_tampered_token_is_refused():
    header, payload, signature = id_token().split(".")
    forged = id_token(email="boss@example.com").split(".")[1]
    with pytest.raises(OidcRefused, match="signature does not verify"):
        verify(f"{header}.{forged}.{signature}")


def test_a_token_signed_with_another_key_is_refused():
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(OidcRefused, match="signature does not verify"):
        verify(id_token(key=other))


def test_a_token_signed_with_the_client_secret_is_refused():
    secret = OctKey.import_key("secret" * 6)
    with pytest.raises(OidcRefused, match="signature does not verify"):
        verify(id_token(key=secret, alg="HS256"))


def test_an_expired_token_is_refused():
    with pytest.raises(OidcRefused, match="expired"):
        verify(id_token(), now=NOW + timedelta(minutes=7))


def test_a_minute_of_clock_difference_is_allowed():
    assert verify(id_token(), now=NOW + timedelta(minutes=5, seconds=30))


def test_a_token_of_another_sign_in_is_refused():
    with pytest.raises(OidcRefused, match="nonce"):
        verify(id_token(), nonce="n-2")


def test_a_token_without_a_nonce_is_refused():
    with pytest.raises(OidcRefused):
        verify(id_token(nonce=None))


def test_the_issuer_is_compared_as_the_provider_spells_it():
    slashed = {**METADATA, "issuer": ISSUER + "/"}
    token = id_token(iss=ISSUER + "/")
    assert verify_id_token(
        token, settings=SETTINGS, metadata=slashed, nonce="n-1", now=NOW, jwks=JWKS
    )
