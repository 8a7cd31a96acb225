"""The same assertion posted by several browsers at the same moment, on PostgreSQL: it signs
in once; the others are refused as replayed. The requests run in threads, each with its own
session and connection, so the test uses a database of its own with committed data."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import func, select

from lms.auth.sso.models import SignInLink
from lms.auth.sso.saml.models import UsedAssertion
from lms.database import db
from tests.browser.walk import person
from tests.conftest import app_of_its_own, load_reference_data, run_at_once
from tests.databases import BACKEND
from tests.sso.saml.conftest import IDP_URL, connect
from tests.sso.saml_idp.identity_provider import answer, parse_signed_request

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent requests need PostgreSQL (row locks, threads)"
)
BROWSERS = 4
ANN = "ann.race@example.com"


def seed() -> None:
    load_reference_data()
    db.session.add(person(ANN, "Ann Race", "sales_rep"))


def test_one_assertion_posted_at_once_by_several_browsers_signs_in_once(tmp_path):
    with app_of_its_own(tmp_path / "db", seed) as app:
        idp = connect(app.config, tmp_path, IDP_URL)
        location = app.test_client().get("/auth/saml/sign-in").headers["Location"]
        request = parse_signed_request(idp, dict(parse_qsl(urlsplit(location).query)))
        saml_response = answer(idp, request, email=ANN)
        statuses = [None] * BROWSERS

        def post(n: int, start) -> None:
            client = app.test_client()
            start.wait(timeout=10)
            response = client.post("/auth/saml/acs", data={"SAMLResponse": saml_response})
            statuses[n] = (response.status_code, "already been used" in response.text)

        run_at_once(post, BROWSERS)
        with app.app_context():
            used = db.session.scalar(select(func.count()).select_from(UsedAssertion))
            links = db.session.scalar(select(func.count()).select_from(SignInLink))
            db.session.remove()

    assert sorted(statuses) == [(302, False)] + [(403, True)] * (BROWSERS - 1), statuses
    assert (used, links) == (1, 1)
