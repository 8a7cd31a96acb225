"""Fixtures for LRS tests: client credentials with chosen scopes, and request headers."""

import base64

import pytest

from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_READ_MINE, SCOPE_WRITE, create_client
from tests.conftest import T0


@pytest.fixture
def make_client(app):
    """An LRS client; returns (client, headers) with HTTP Basic auth and the version header."""

    def make(*scopes: str, name: str = "CRM"):
        client, secret = create_client(name, set(scopes or (SCOPE_WRITE, SCOPE_READ_ALL)), now=T0)
        token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
        return client, headers

    return make


@pytest.fixture
def lrs_headers(make_client):
    """Headers of a client that may write and read everything."""
    return make_client(SCOPE_WRITE, SCOPE_READ_ALL)[1]


__all__ = ["SCOPE_READ_ALL", "SCOPE_READ_MINE", "SCOPE_WRITE"]
