"""Salesforce's API request limit and HTTP 429/503 are RateLimited, with the Retry-After given."""

import pytest

from lms.crm.connectors.base import ConnectorError, RateLimited
from lms.crm.connectors.salesforce import SalesforceRefused
from tests.crm.salesforce.conftest import QUERY_URL, described, reply, signed_in


def test_request_limit_exceeded_is_rate_limited(connector, api):
    signed_in(api)
    reply(api, QUERY_URL, "error_request_limit.json", status=403)

    with pytest.raises(RateLimited) as limited:
        connector.users()

    assert "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded." in limited.value.message
    assert "HTTP 403" in limited.value.message
    assert limited.value.retry_after is None  # Salesforce names no time: the limit rolls over 24 h


@pytest.mark.parametrize("status", [429, 503])
def test_too_many_requests_and_unavailable_carry_retry_after(connector, api, status):
    signed_in(api)
    described(api, "Lead")
    api.add("GET", QUERY_URL, body="Too busy", status=status, headers={"Retry-After": "120"})

    with pytest.raises(RateLimited) as limited:
        connector.pull("lead", "2026-11-30T12:30:00Z,00Q5g00000Ld003EAB")

    assert limited.value.retry_after == 120.0
    assert f"HTTP {status}" in limited.value.message


def test_any_other_refusal_is_a_connector_error_naming_the_code(connector, api):
    signed_in(api)
    api.add(
        "GET",
        QUERY_URL,
        json=[{"message": "API is disabled for this User", "errorCode": "API_CURRENTLY_DISABLED"}],
        status=403,
    )

    with pytest.raises(ConnectorError) as refused:
        connector.users()

    assert not isinstance(refused.value, RateLimited)
    assert isinstance(refused.value, SalesforceRefused)
    assert refused.value.message == (
        "Salesforce refused to read User (HTTP 403 API_CURRENTLY_DISABLED: "
        "API is disabled for this User)"
    )
