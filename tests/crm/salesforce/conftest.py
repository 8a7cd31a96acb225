"""Recorded Salesforce replies (tests/crm/salesforce/recorded, in the REST API's documented
formats) served by `responses`, and a connector signed in with a throwaway RSA key."""

import json
from pathlib import Path

import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lms.crm.connectors.base import ConnectionSettings
from lms.crm.connectors.salesforce import Salesforce

RECORDED = Path(__file__).parent / "recorded"
MY_DOMAIN = "https://acme.my.salesforce.com"
TOKEN_URL = f"{MY_DOMAIN}/services/oauth2/token"
API = f"{MY_DOMAIN}/services/data/v62.0"
QUERY_URL = f"{API}/query/"
CONSUMER_KEY = "3MVG9rZjd7MXFdLhTestConsumerKey.For.Uptake"
USERNAME = "uptake-api@acme.com"
USR1, USR2, USR3 = "0055g00000Usr01AAB", "0055g00000Usr02AAB", "0055g00000Usr03AAB"
API_USER, GHOST = "0055g00000ApiUsAAJ", "0055g00000GhostAAB"


def recorded(name: str):
    text = (RECORDED / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def private_pem(rsa_key) -> str:
    return rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
def settings(private_pem) -> ConnectionSettings:
    return ConnectionSettings(
        base_url=MY_DOMAIN,
        options={"consumer_key": CONSUMER_KEY, "username": USERNAME},
        secret=private_pem,
    )


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def connector(settings, api) -> Salesforce:
    return Salesforce(settings, session=requests.Session())


def reply(api, url: str, name: str, *, method: str = "GET", status: int = 200, **headers):
    """Queue a recorded reply; replies to one URL are served in the order queued."""
    api.add(method, url, json=recorded(name), status=status, headers=headers or None)


def signed_in(api, name: str = "token.json") -> None:
    reply(api, TOKEN_URL, name, method="POST")


def described(api, native: str) -> None:
    reply(api, f"{API}/sobjects/{native}/describe", f"describe_{native.lower()}.json")


def queried(api, *names: str) -> None:
    for name in names:
        reply(api, QUERY_URL, name)


def soql_sent(api) -> list[str]:
    """The SOQL of every query request made, in order."""
    return [
        call.request.params["q"]
        for call in api.calls
        if call.request.url.startswith(QUERY_URL) and "q" in call.request.params
    ]
