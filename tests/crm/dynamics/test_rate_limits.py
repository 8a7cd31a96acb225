"""Dataverse's service protection limits (HTTP 429 with Retry-After) and HTTP 503 are
RateLimited; any other refusal is a ConnectorError naming what was read and the status."""

import pytest

from lms.crm.connectors.base import ConnectorError, RateLimited
from lms.crm.connectors.dynamics import DataverseRefused
from tests.crm.dynamics.conftest import LEAD, SECRET, environment, reply, signed_in

CURSOR = f"2026-11-30T12:30:00Z,{LEAD[4]}"


def test_a_service_protection_limit_is_rate_limited_with_its_retry_after(connector, api):
    signed_in(api)
    environment(api)
    reply(api, "leads", "error_throttled.json", status=429, **{"Retry-After": "120"})

    with pytest.raises(RateLimited) as limited:
        connector.pull("lead", CURSOR)

    assert limited.value.retry_after == 120.0
    assert limited.value.message == (
        "Dynamics 365 asked to wait while reading leads (HTTP 429 0x80072322: Number of "
        "requests exceeded the limit of 6000 over time window of 300 seconds.)"
    )


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [({"Retry-After": "30"}, 30.0), ({}, None), ({"Retry-After": "00:01:30"}, 90.0)],
)
def test_an_unavailable_service_is_rate_limited(connector, api, headers, retry_after):
    signed_in(api)
    reply(api, "systemusers", "error_unavailable.json", status=503, **headers)

    with pytest.raises(RateLimited) as limited:
        connector.users()

    assert limited.value.retry_after == retry_after
    assert "reading systemusers (HTTP 503 0x80040216:" in limited.value.message


def test_any_other_refusal_names_the_table_status_and_code(connector, api):
    signed_in(api)
    environment(api)
    reply(api, "leads", "error_bad_property.json", status=400)

    with pytest.raises(ConnectorError) as refused:
        connector.pull("lead", CURSOR)

    assert not isinstance(refused.value, RateLimited)
    assert isinstance(refused.value, DataverseRefused)
    assert (refused.value.status, refused.value.code) == (400, "0x80060888")
    assert refused.value.message == (
        "Dynamics 365 refused to read leads (HTTP 400 0x80060888: Could not find a property "
        "named 'salesstage' on type 'Microsoft.Dynamics.CRM.opportunity'.)"
    )
    assert SECRET not in refused.value.message


def test_an_unreachable_environment_is_a_connector_error(connector, api):
    signed_in(api)  # nothing answers at the environment's address

    with pytest.raises(ConnectorError) as refused:
        connector.users()

    assert refused.value.message == (
        "could not reach acme.crm4.dynamics.com to read systemusers (ConnectionError)"
    )
