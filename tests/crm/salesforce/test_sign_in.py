"""Signing in: the JWT bearer flow's assertion (signed, with Salesforce's claims), the
client-credentials flow, and an expired session signed in again exactly once."""

import time
from urllib.parse import parse_qs

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from lms.crm.connectors.base import ConnectionSettings, ConnectorError, NotAuthorised, RateLimited
from lms.crm.connectors.registry import build
from lms.crm.connectors.salesforce import Salesforce
from tests.crm.salesforce.conftest import (
    CONSUMER_KEY,
    MY_DOMAIN,
    QUERY_URL,
    TOKEN_URL,
    USERNAME,
    queried,
    recorded,
    reply,
    signed_in,
)


def token_requests(api) -> list[dict[str, list[str]]]:
    return [parse_qs(call.request.body) for call in api.calls if call.request.url == TOKEN_URL]


def test_the_jwt_assertion_is_signed_with_the_key_and_names_app_user_and_audience(
    connector, api, rsa_key
):
    signed_in(api)
    queried(api, "users_batch2.json")
    before = int(time.time())

    connector.users()

    (body,) = token_requests(api)
    assert body["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    assertion = body["assertion"][0]
    assert jwt.get_unverified_header(assertion)["alg"] == "RS256"
    claims = jwt.decode(
        assertion,
        rsa_key.public_key(),
        algorithms=["RS256"],
        audience="https://login.salesforce.com",
    )
    assert claims["iss"] == CONSUMER_KEY
    assert claims["sub"] == USERNAME
    assert claims["aud"] == "https://login.salesforce.com"
    assert before + 170 <= claims["exp"] <= int(time.time()) + 180  # Salesforce allows 3 minutes
    another_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            assertion, another_key.public_key(), algorithms=["RS256"], audience=claims["aud"]
        )


def test_the_api_calls_carry_the_token_salesforce_issued(connector, api):
    signed_in(api)
    queried(api, "users_batch2.json")

    connector.users()

    query = next(call for call in api.calls if call.request.url.startswith(QUERY_URL))
    token = recorded("token.json")["access_token"]
    assert query.request.headers["Authorization"] == f"Bearer {token}"


def test_a_sandbox_login_url_is_the_audience_and_the_key_may_be_a_file(
    api, tmp_path, private_pem, rsa_key
):
    key_file = tmp_path / "uptake.key"
    key_file.write_text(private_pem)
    settings = ConnectionSettings(
        base_url="acme--uat.sandbox.my.salesforce.com/",
        options={
            "consumer_key": CONSUMER_KEY,
            "username": USERNAME,
            "login_url": "https://test.salesforce.com",
        },
        secret=str(key_file),
    )
    connector = Salesforce(settings, session=requests.Session())
    api.add(
        "POST",
        "https://acme--uat.sandbox.my.salesforce.com/services/oauth2/token",
        json=recorded("token.json"),
    )
    queried(api, "users_batch2.json")

    connector.users()

    assertion = parse_qs(api.calls[0].request.body)["assertion"][0]
    claims = jwt.decode(
        assertion,
        rsa_key.public_key(),
        algorithms=["RS256"],
        audience="https://test.salesforce.com",
    )
    assert claims["aud"] == "https://test.salesforce.com"


def test_a_pem_held_with_escaped_line_breaks_signs_too(api, private_pem, rsa_key):
    one_line = private_pem.strip().replace("\n", "\\n")
    settings = ConnectionSettings(
        MY_DOMAIN, {"consumer_key": CONSUMER_KEY, "username": USERNAME}, one_line
    )
    signed_in(api)
    queried(api, "users_batch2.json")

    Salesforce(settings, session=requests.Session()).users()

    assertion = token_requests(api)[0]["assertion"][0]
    assert (
        jwt.decode(
            assertion,
            rsa_key.public_key(),
            algorithms=["RS256"],
            audience="https://login.salesforce.com",
        )["sub"]
        == USERNAME
    )


def test_client_credentials_posts_the_consumer_key_and_secret_to_the_my_domain(api):
    settings = ConnectionSettings(
        MY_DOMAIN,
        {"consumer_key": CONSUMER_KEY, "flow": "client_credentials"},
        "consumer-secret-42",
    )
    signed_in(api)
    queried(api, "users_batch2.json")

    Salesforce(settings, session=requests.Session()).users()

    assert token_requests(api) == [
        {
            "grant_type": ["client_credentials"],
            "client_id": [CONSUMER_KEY],
            "client_secret": ["consumer-secret-42"],
        }
    ]


def test_the_registry_builds_the_salesforce_connector(settings):
    connector = build("salesforce", settings, session=requests.Session())

    assert isinstance(connector, Salesforce)
    assert (connector.kind, connector.title) == ("salesforce", "Salesforce")


@pytest.mark.parametrize(
    ("options", "secret", "says"),
    [
        ({"username": USERNAME}, "pem", "consumer_key"),
        ({"consumer_key": CONSUMER_KEY}, "pem", "username"),
        ({"consumer_key": CONSUMER_KEY, "username": USERNAME}, None, "secret"),
        ({"consumer_key": CONSUMER_KEY, "flow": "password"}, "x", "'password'"),
        (
            {"consumer_key": CONSUMER_KEY, "username": USERNAME},
            "/nonexistent/key.pem",
            "FileNotFoundError",
        ),
    ],
)
def test_incomplete_settings_are_named_without_the_secret(private_pem, options, secret, says):
    secret = private_pem if secret == "pem" else secret
    with pytest.raises(ConnectorError) as refused:
        Salesforce(ConnectionSettings(MY_DOMAIN, options, secret))

    assert says in refused.value.message
    assert "/nonexistent/key.pem" not in refused.value.message
    assert "PRIVATE KEY" not in refused.value.message


def test_an_expired_session_is_signed_in_again_once_and_the_request_repeated(connector, api):
    signed_in(api)
    reply(api, QUERY_URL, "error_invalid_session.json", status=401)
    signed_in(api, "token_refreshed.json")
    queried(api, "users_batch2.json")

    users = connector.users()

    assert [user.name for user in users] == ["Lena Vogel", "Uptake Integration"]
    assert len(token_requests(api)) == 2
    last_query = [call for call in api.calls if call.request.url.startswith(QUERY_URL)][-1]
    refreshed = recorded("token_refreshed.json")["access_token"]
    assert last_query.request.headers["Authorization"] == f"Bearer {refreshed}"


def test_a_refused_refresh_is_not_authorised_and_names_salesforces_reason(
    connector, api, private_pem
):
    signed_in(api)
    reply(api, QUERY_URL, "error_invalid_session.json", status=401)
    reply(api, TOKEN_URL, "token_refused.json", method="POST", status=400)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    message = refused.value.message
    assert "HTTP 400 invalid_grant: user hasn't approved this consumer" in message
    assert "acme.my.salesforce.com" in message
    assert "PRIVATE KEY" not in message and private_pem[40:80] not in message


def test_a_session_refused_again_after_signing_in_is_not_authorised_after_one_retry(connector, api):
    signed_in(api)
    reply(api, QUERY_URL, "error_invalid_session.json", status=401)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    assert "HTTP 401" in refused.value.message
    assert len(token_requests(api)) == 2
    assert len([c for c in api.calls if c.request.url.startswith(QUERY_URL)]) == 2


def test_a_busy_token_endpoint_is_a_rate_limit(connector, api):
    api.add(
        "POST", TOKEN_URL, body="Service Unavailable", status=503, headers={"Retry-After": "30"}
    )

    with pytest.raises(RateLimited) as limited:
        connector.users()

    assert limited.value.retry_after == 30.0
