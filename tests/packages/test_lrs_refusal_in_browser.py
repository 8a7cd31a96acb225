"""An AU's refused or missing credentials in the browser: the 401 must not carry an HTTP Basic
challenge, or the browser shows its login dialog over the course and the AU's request never
returns (ADL's CATAPULT suite, packages 005-1 and 008-1, hung on it)."""

from lms.xapi import vocabulary as v
from tests.packages.test_cmi5_flow import (
    VERSION,
    au_statement,
    launch,
    open_session,
    send,
)


def test_an_ended_sessions_token_is_refused_without_a_basic_challenge(
    client, package_course, learner
):
    launched, token, data = open_session(client, package_course, 0)
    assert send(client, token, au_statement(launched, data, v.VERB_INITIALIZED)).status_code == 204
    launch(client, package_course, 0)  # the relaunch abandons the first session

    refused = send(client, token, au_statement(launched, data, v.VERB_TERMINATED))

    assert refused.status_code == 401
    assert "WWW-Authenticate" not in refused.headers


def test_wrong_credentials_get_no_challenge_but_none_at_all_get_basic(client):
    wrong = client.get(
        "/xapi/statements", headers={**VERSION, "Authorization": "Basic bm90OnJpZ2h0"}
    )
    missing = client.get("/xapi/statements", headers=VERSION)

    assert wrong.status_code == 401
    assert "WWW-Authenticate" not in wrong.headers
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Basic realm="Uptake LRS"'


def test_a_pages_script_without_credentials_gets_no_challenge(client):
    page_script = {**VERSION, "Origin": "http://lms.test", "Authorization": ""}
    response = client.put("/xapi/statements?statementId=x", json={}, headers=page_script)
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response.headers
