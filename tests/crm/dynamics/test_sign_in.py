"""Signing in: client credentials posted to the tenant's Entra ID token endpoint (after msal
reads its OpenID configuration), the token kept while valid, a token the Web API refuses
acquired again exactly once, and refusals named without the secret."""

import pytest
import requests

from lms.crm.connectors.base import ConnectionSettings, ConnectorError, NotAuthorised
from lms.crm.connectors.dynamics import Dynamics
from lms.crm.connectors.registry import build
from tests.crm.dynamics.conftest import (
    API,
    CLIENT_ID,
    OPENID_URL,
    ORG,
    SECRET,
    TENANT,
    TOKEN_URL,
    USR1,
    calls_to,
    recorded,
    reply,
    signed_in,
    token_requests,
)

CHALLENGE = (  # what the Web API sends with a 401
    f"Bearer authorization_uri=https://login.microsoftonline.com/{TENANT}/oauth2/authorize, "
    f"resource_id={ORG}/"
)


def test_the_token_is_asked_of_the_tenant_with_the_client_secret_for_the_environment(
    connector, api
):
    signed_in(api)
    reply(api, "systemusers", "systemusers_page2.json")

    connector.users()

    assert [c.request.url for c in api.calls][:2] == [OPENID_URL, TOKEN_URL]
    assert token_requests(api) == [
        {
            "client_id": [CLIENT_ID],
            "client_secret": [SECRET],
            "grant_type": ["client_credentials"],
            "scope": ["https://acme.crm4.dynamics.com/.default"],
            "client_info": ["1"],
        }
    ]
    assert not [c for c in api.calls if "discovery/instance" in c.request.url]


def test_web_api_calls_carry_the_token_and_odata_headers(connector, api):
    signed_in(api)
    reply(api, "systemusers", "systemusers_page2.json")

    connector.users()

    (call,) = calls_to(api, "systemusers")
    headers = call.request.headers
    assert headers["Authorization"] == f"Bearer {recorded('token.json')['access_token']}"
    assert (headers["OData-Version"], headers["OData-MaxVersion"]) == ("4.0", "4.0")
    assert headers["Accept"] == "application/json"
    assert headers["Prefer"] == (
        'odata.include-annotations="OData.Community.Display.V1.FormattedValue",'
        "odata.maxpagesize=1000"
    )


def test_a_token_is_kept_while_valid(connector, api):
    signed_in(api)
    reply(api, "systemusers", "systemusers_page2.json")

    connector.users()
    connector.users()

    assert len(token_requests(api)) == 1
    assert len(calls_to(api, "systemusers")) == 2


def test_an_expired_token_is_acquired_again_once_and_the_request_repeated(connector, api):
    signed_in(api)
    api.add(
        "GET",
        f"{API}systemusers",
        body="",
        status=401,
        headers={"WWW-Authenticate": CHALLENGE},
    )
    api.add("POST", TOKEN_URL, json=recorded("token_renewed.json"))
    reply(api, "systemusers", "systemusers_page2.json")

    users = connector.users()

    assert [user.name for user in users] == ["Petra Klein", "# Uptake Integration"]
    assert len(token_requests(api)) == 2
    first, second = calls_to(api, "systemusers")
    assert first.request.headers["Authorization"].endswith(recorded("token.json")["access_token"])
    renewed = recorded("token_renewed.json")["access_token"]
    assert second.request.headers["Authorization"] == f"Bearer {renewed}"


def test_a_token_refused_again_is_not_authorised_after_one_renewal(connector, api):
    signed_in(api)
    api.add("GET", f"{API}systemusers", body="", status=401)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    assert refused.value.message.startswith(
        "Dynamics 365 refused to read systemusers (HTTP 401) with a token just issued"
    )
    assert "application user of acme.crm4.dynamics.com" in refused.value.message
    assert len(token_requests(api)) == 2
    assert len(calls_to(api, "systemusers")) == 2


def test_refused_client_credentials_are_not_authorised_and_name_entras_reason(connector, api):
    signed_in(api, "token_refused.json", status=401)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    message = refused.value.message
    assert f"refused the client credentials of app {CLIENT_ID} in tenant {TENANT}" in message
    assert "invalid_client: AADSTS7000215: Invalid client secret provided." in message
    assert "has not expired" in message
    assert SECRET not in message
    assert calls_to(api, "systemusers") == []


def test_a_refused_renewal_is_not_authorised(connector, api):
    signed_in(api)
    api.add("GET", f"{API}systemusers", body="", status=401)
    api.add("POST", TOKEN_URL, json=recorded("token_refused.json"), status=401)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    assert "AADSTS7000215" in refused.value.message
    assert len(calls_to(api, "systemusers")) == 1


def test_an_unknown_tenant_is_not_authorised_naming_the_tenant(connector, api):
    api.add("GET", OPENID_URL, json=recorded("tenant_not_found.json"), status=400)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    assert f"does not know the tenant {TENANT!r}" in refused.value.message
    assert SECRET not in refused.value.message


def test_an_app_registration_that_is_no_user_of_the_environment_is_not_authorised(connector, api):
    signed_in(api)
    reply(api, "systemusers", "error_user_not_in_org.json", status=403)

    with pytest.raises(NotAuthorised) as refused:
        connector.users()

    assert refused.value.message == (
        "Dynamics 365 refused to read systemusers (HTTP 403 0x80072560: The user is not a "
        "member of the organization.): add the app registration as an application user of "
        "the environment in the Power Platform admin center"
    )


class FixedTokens:
    """A token source standing in for Entra ID."""

    def __init__(self):
        self.renewals = 0

    def token(self) -> str:
        return f"token-{self.renewals}"

    def renew(self) -> str:
        self.renewals += 1
        return self.token()


def test_a_token_source_given_replaces_entra_id(api):
    tokens = FixedTokens()
    connector = Dynamics(ConnectionSettings(ORG), session=requests.Session(), token_source=tokens)
    api.add("GET", f"{API}systemusers", body="", status=401)
    reply(api, "systemusers", "systemusers_by_id.json")

    users = connector.users()

    assert [user.crm_id for user in users][0] == USR1
    assert tokens.renewals == 1
    assert calls_to(api, "systemusers")[1].request.headers["Authorization"] == "Bearer token-1"
    assert token_requests(api) == []


def test_the_registry_builds_the_dynamics_connector(settings):
    connector = build("dynamics", settings, session=requests.Session())

    assert isinstance(connector, Dynamics)
    assert (connector.kind, connector.title) == ("dynamics", "Microsoft Dynamics 365")
    assert connector.api == "https://acme.crm4.dynamics.com/api/data/v9.2/"


def test_the_address_may_omit_the_scheme_and_end_in_a_slash():
    settings = ConnectionSettings(
        "acme.crm4.dynamics.com/", {"tenant_id": TENANT, "client_id": CLIENT_ID}, SECRET
    )

    assert Dynamics(settings).api == "https://acme.crm4.dynamics.com/api/data/v9.2/"


@pytest.mark.parametrize(
    ("base_url", "options", "secret", "says"),
    [
        (ORG, {"client_id": CLIENT_ID}, SECRET, "tenant_id"),
        (ORG, {"tenant_id": TENANT}, SECRET, "client_id"),
        (ORG, {"tenant_id": TENANT, "client_id": CLIENT_ID}, None, "client secret"),
        ("http://acme.crm4.dynamics.com", {}, SECRET, "not an environment URL"),
    ],
)
def test_incomplete_settings_are_named_without_the_secret(base_url, options, secret, says):
    with pytest.raises(ConnectorError) as refused:
        Dynamics(ConnectionSettings(base_url, options, secret))

    assert says in refused.value.message
    assert SECRET not in refused.value.message
