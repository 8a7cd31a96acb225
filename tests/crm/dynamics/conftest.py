"""Recorded Dynamics 365 replies (tests/crm/dynamics/recorded, in the Dataverse Web API's and
Microsoft Entra ID's documented JSON formats) served by `responses`, and a connector whose
tokens come from msal talking to the recorded token endpoint."""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses

from lms.crm.connectors.base import ConnectionSettings
from lms.crm.connectors.dynamics import Dynamics

RECORDED = Path(__file__).parent / "recorded"
ORG = "https://acme.crm4.dynamics.com"
API = f"{ORG}/api/data/v9.2/"
TENANT = "8f3c2a71-5d4e-4b0a-9c1d-2e6f7a8b9c0d"
CLIENT_ID = "4a1b2c3d-5e6f-4071-8293-a4b5c6d7e8f9"
SECRET = "xYz8Q~uptake.Test-Secret_0123456789abcdEFG"
OPENID_URL = f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
TOKEN_URL = f"https://login.microsoftonline.com/{TENANT}/oauth2/v2.0/token"
USR1, USR2, USR3 = (f"7c1e4d2a-0b3f-4e5a-8c9d-1a2b3c4d5e0{i}" for i in (1, 2, 3))
API_USER = "7c1e4d2a-0b3f-4e5a-8c9d-1a2b3c4d5e0a"
GHOST = "7c1e4d2a-0b3f-4e5a-8c9d-1a2b3c4d5e99"
LEAD = {i: f"3f2a9b10-41c7-4c1e-9d00-00000000a00{i}" for i in range(1, 10)}
CONTACT1 = "5b8d0e2f-7a16-4e33-8f00-00000000c001"
ACCOUNT1 = "9e4f1a3b-2c5d-4e6f-8a00-00000000ac01"
AUDIT = {i: f"a0d1e2f3-0000-4a5b-8c6d-0000000000{i:02d}" for i in range(1, 40)}


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


@pytest.fixture
def settings() -> ConnectionSettings:
    return ConnectionSettings(
        base_url=ORG, options={"tenant_id": TENANT, "client_id": CLIENT_ID}, secret=SECRET
    )


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def connector(settings, api) -> Dynamics:
    return Dynamics(settings, session=requests.Session())


def reply(api, path: str, name: str, *, status: int = 200, **headers) -> None:
    """Queue a recorded Web API reply; replies to one path are served in the order queued."""
    url = path if path.startswith("https://") else f"{API}{path}"
    api.add("GET", url, json=recorded(name), status=status, headers=headers or None)


def signed_in(api, name: str = "token.json", *, status: int = 200) -> None:
    """The tenant's OpenID configuration (msal reads it once) and one token reply."""
    api.add("GET", OPENID_URL, json=recorded("openid_configuration.json"))
    api.add("POST", TOKEN_URL, json=recorded(name), status=status)


def environment(api, organization: str = "organization_audit_off.json") -> None:
    """The organization's audit settings and the six tables' definitions (no incident table:
    this environment has no Customer Service)."""
    reply(api, "organizations", organization)
    reply(api, "EntityDefinitions", "entity_definitions.json")


def token_requests(api) -> list[dict[str, list[str]]]:
    return [parse_qs(c.request.body) for c in api.calls if c.request.url == TOKEN_URL]


def requests_to(api, path: str) -> list[dict[str, str]]:
    """The query of every Web API GET of `path` (without its query), in order."""
    queries = []
    for call in api.calls:
        url = urlparse(call.request.url)
        if call.request.method == "GET" and url.path == f"/api/data/v9.2/{path}":
            queries.append({k: v[0] for k, v in parse_qs(url.query).items()})
    return queries


def calls_to(api, path: str) -> list:
    return [c for c in api.calls if urlparse(c.request.url).path == f"/api/data/v9.2/{path}"]
