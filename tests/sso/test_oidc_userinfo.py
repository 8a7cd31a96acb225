"""A provider that keeps the e-mail out of the ID token (oidc-provider in its conforming mode):
Uptake completes the claims from userinfo, for the same `sub` only."""

import pytest
from sqlalchemy import select

from lms.auth.sso.models import SignInLink
from lms.database import db
from tests.sso.provider import provider_settings, running_provider
from tests.sso.test_oidc_flow import ACCOUNTS, CALLBACK, callback, sign_in_at_provider


@pytest.fixture(scope="module")
def userinfo_issuer():
    with running_provider(
        redirect_uris=[CALLBACK], accounts=ACCOUNTS, claims_in_userinfo_only=True
    ) as url:
        yield url


@pytest.fixture
def oidc(app, userinfo_issuer, monkeypatch):
    for name, value in provider_settings(userinfo_issuer).items():
        monkeypatch.setitem(app.config, name, value)


def test_the_e_mail_and_groups_come_from_userinfo(client, oidc, make_user, monkeypatch, app):
    monkeypatch.setitem(app.config, "SSO_HR_GROUPS", frozenset({"Uptake HR"}))
    hana = make_user(email="hana@example.com")
    assert callback(client, sign_in_at_provider(client, "hana")).status_code == 302
    assert db.session.scalar(select(SignInLink.user_id)) == hana.id
    assert hana.roles == {"learner", "hr"}
