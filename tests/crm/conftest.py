"""Fixtures of the CRM tests: a connection (and its LRS client) to a scripted CRM."""

import pytest

from lms.crm.connections import create_connection
from lms.crm.connectors import registry
from tests.conftest import T0


@pytest.fixture
def connection(app):
    return create_connection(
        name="Scripted", kind="generic", base_url="https://crm.acme.test", now=T0
    )


@pytest.fixture
def scripted_kind(monkeypatch):
    """Connections of kind "hubspot" read the scripted CRM (`FromSettings`); its secret is
    in UPTAKE_TEST_CRM_TOKEN."""
    monkeypatch.setitem(
        registry.KINDS, "hubspot", ("tests.crm.scripted", "FromSettings", "HubSpot")
    )
    monkeypatch.setenv("UPTAKE_TEST_CRM_TOKEN", "token-from-env")
