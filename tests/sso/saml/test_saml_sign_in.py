"""SAML sign-in through pysaml2's IdP, in-process: a signed answer to Uptake's request signs
the person in; unsigned, tampered, mis-addressed, expired, replayed and unsolicited answers,
and people Uptake does not know, are refused with a page naming the problem, an audit entry,
and nothing else changed."""

import base64
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from lms.auth.audit import services as audit
from lms.auth.models import AuditEntry, User
from lms.auth.sso.models import SignInLink
from lms.auth.sso.saml.models import SamlRequest, UsedAssertion
from lms.database import db
from tests.sso.saml.conftest import ANN, post_answer
from tests.sso.saml_idp.identity_provider import answer


def counts() -> dict:
    """What a refused sign-in must leave as it was."""
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, SignInLink, UsedAssertion, SamlRequest)
    } | {"answered": db.session.scalar(select(func.count(SamlRequest.answered_at)))}


def refusals() -> list[str]:
    entries = select(AuditEntry.summary).where(AuditEntry.action == audit.SIGN_IN_REFUSED)
    return list(db.session.scalars(entries))


def assert_refused(client, response, words: str, before: dict) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page
    assert "Sign-in refused" in page and words in page
    assert counts() == before
    assert any(words in summary for summary in refusals())
    assert client.get("/account").status_code == 302  # not signed in


def test_a_signed_assertion_signs_the_person_in_and_links_their_account(
    client, idp, saml_request, ann
):
    response = post_answer(client, answer(idp, saml_request(), email=ANN))

    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/"
    assert "My plan" in client.get("/").get_data(as_text=True)
    link = db.session.scalar(select(SignInLink).where(SignInLink.provider == "saml"))
    assert (link.user, link.subject) == (ann, ANN)
    assert db.session.scalar(select(func.count()).select_from(UsedAssertion)) == 1


def test_the_person_lands_where_they_were_going(client, idp, saml_request, ann):
    response = post_answer(client, answer(idp, saml_request("/account"), email=ANN))
    assert response.headers["Location"] == "/account"


def test_an_unsigned_assertion_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    response = post_answer(client, answer(idp, request, email=ANN, sign=False))
    assert_refused(client, response, "assertion is not signed", before)


def test_an_assertion_changed_after_signing_is_refused(client, idp, saml_request, ann, make_user):
    make_user(email="mallory@example.com")
    request, before = saml_request(), counts()
    xml = base64.b64decode(answer(idp, request, email=ANN)).decode()
    tampered = xml.replace(f">{ANN}<", ">mallory@example.com<")
    assert tampered != xml
    response = post_answer(client, base64.b64encode(tampered.encode()).decode())
    assert_refused(client, response, "signature", before)


def test_an_assertion_for_another_audience_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    saml_response = answer(idp, request, email=ANN, audience="https://other.example/sp")
    response = post_answer(client, saml_response)
    assert_refused(client, response, "issued for another service", before)


def test_an_expired_assertion_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    saml_response = answer(idp, request, email=ANN, shift=-timedelta(minutes=8))
    response = post_answer(client, saml_response)
    assert_refused(client, response, "has expired", before)


def test_an_assertion_not_valid_yet_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    saml_response = answer(idp, request, email=ANN, shift=timedelta(minutes=5))
    response = post_answer(client, saml_response)
    assert_refused(client, response, "not valid yet", before)


def test_a_replayed_assertion_is_refused(client, app, idp, saml_request, ann):
    saml_response = answer(idp, saml_request(), email=ANN)
    assert post_answer(client, saml_response).status_code == 302
    other_browser = app.test_client()
    before = counts()

    response = post_answer(other_browser, saml_response)

    assert_refused(other_browser, response, "already been used", before)


def test_an_answer_to_a_request_uptake_never_sent_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    forged = SimpleNamespace(
        id="id-never-sent",
        assertion_consumer_service_url=request.assertion_consumer_service_url,
        issuer=request.issuer,
    )
    response = post_answer(client, answer(idp, forged, email=ANN))
    assert_refused(client, response, "did not ask for this sign-in", before)


def test_a_person_uptake_does_not_know_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    response = post_answer(client, answer(idp, request, email="stranger@example.com"))
    assert_refused(client, response, "nobody matching stranger@example.com", before)
    assert any("sign-in for stranger@example.com" in summary for summary in refusals())


def test_something_that_is_not_a_saml_response_is_refused(client, idp, ann):
    before = counts()
    response = post_answer(client, "not base64 at all <xml>")
    assert_refused(client, response, "could not be read", before)


def test_the_identity_providers_groups_give_the_roles_they_are_mapped_to(
    client, app, idp, saml_request, ann, monkeypatch
):
    monkeypatch.setitem(app.config, "SSO_HR_GROUPS", frozenset({"Uptake HR"}))
    saml_response = answer(idp, saml_request(), email=ANN, groups=["Sales", "Uptake HR"])
    assert post_answer(client, saml_response).status_code == 302
    assert "hr" in ann.roles


def test_people_are_matched_by_the_hr_id_attribute_when_configured(
    client, app, idp, saml_request, make_user, monkeypatch
):
    person = make_user(email="someone.else@example.com")
    person.employee_id = "E-1042"
    db.session.commit()
    monkeypatch.setitem(app.config, "SSO_MATCH_BY", "hr_id")
    monkeypatch.setitem(app.config, "SAML_ATTRIBUTE_HR_ID", "employeeNumber")
    saml_response = answer(idp, saml_request(), email=ANN, extra={"employeeNumber": ["E-1042"]})
    assert post_answer(client, saml_response).status_code == 302
    link = db.session.scalar(select(SignInLink).where(SignInLink.provider == "saml"))
    assert link.user == person


def test_a_second_answer_to_an_answered_request_is_refused(client, app, idp, saml_request, ann):
    request = saml_request()
    assert post_answer(client, answer(idp, request, email=ANN)).status_code == 302
    other_browser, before = app.test_client(), counts()
    response = post_answer(other_browser, answer(idp, request, email=ANN))
    assert_refused(other_browser, response, "already been completed", before)


def test_xml_with_entities_is_refused_unread(client, idp, ann):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="x" '
        'Version="2.0" IssueInstant="2026-12-06T00:00:00Z">&b;</samlp:Response>'
    )
    before = counts()
    response = post_answer(client, base64.b64encode(bomb.encode()).decode())
    assert_refused(client, response, "could not be read", before)


def test_requests_and_assertions_past_their_time_are_forgotten(client, idp, saml_request, ann):
    long_ago = datetime(2026, 1, 1)
    db.session.add(SamlRequest(id="id-old", sent_at=long_ago, expires_at=long_ago))
    db.session.add(UsedAssertion(id="id-used", used_at=long_ago, expires_at=long_ago))
    db.session.commit()
    saml_request()
    assert db.session.get(SamlRequest, "id-old") is None
    assert db.session.get(UsedAssertion, "id-used") is None


def test_an_assertion_id_longer_than_uptake_keeps_is_refused(client, idp, saml_request, ann):
    request, before = saml_request(), counts()
    saml_response = answer(idp, request, email=ANN, assertion_id="_" + "a" * 150)
    response = post_answer(client, saml_response)
    assert_refused(client, response, "could not verify", before)
