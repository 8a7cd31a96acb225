"""Matching a provider's sign-in to a person (lms.auth.sso.people), against the database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.auth.audit import services as audit
from lms.auth.models import AuditEntry, User
from lms.auth.sso.models import SignInLink
from lms.auth.sso.people import SignInClaims, SignInRefused, person_for_sign_in, record_refused
from lms.auth.sso.rules import SignInSettings
from lms.database import db
from tests.conftest import T0

BY_EMAIL = SignInSettings()
MAPPED = SignInSettings(hr_groups=frozenset({"HR"}), admin_groups=frozenset({"IT Admins"}))


def claims(email="ann@example.com", *, subject="sub-ann", hr_id=None, groups=(), name=None):
    return SignInClaims(
        email=email, hr_id=hr_id, name=name, groups=tuple(groups), provider="oidc", subject=subject
    )


def entries(action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_person_is_matched_by_e_mail_whatever_its_case(make_user):
    ann = make_user(email="ann@example.com")
    assert person_for_sign_in(claims("Ann@Example.COM"), now=T0, settings=BY_EMAIL) is ann


def test_the_first_sign_in_links_the_account_so_a_changed_e_mail_still_signs_in(make_user):
    ann = make_user(email="ann@example.com")
    person_for_sign_in(claims(), now=T0, settings=BY_EMAIL)
    ann.email = "ann.lee@example.com"
    later = T0 + timedelta(days=3)
    assert person_for_sign_in(claims("ann.new@example.com"), now=later, settings=BY_EMAIL) is ann
    link = db.session.scalar(select(SignInLink).where(SignInLink.subject == "sub-ann"))
    assert (link.user, link.linked_at, link.last_signed_in_at) == (ann, T0, later)
    assert len(entries(audit.SIGN_IN_LINKED)) == 1


def test_matching_by_hr_id_ignores_the_e_mail(make_user):
    ann = make_user(email="ann@example.com")
    ann.employee_id = "E-17"
    settings = SignInSettings(match_by="hr_id")
    found = person_for_sign_in(claims("other@example.com", hr_id="E-17"), now=T0, settings=settings)
    assert found is ann
    with pytest.raises(SignInRefused, match="HR id"):
        person_for_sign_in(claims(subject="s2"), now=T0, settings=settings)


def test_an_unknown_person_is_refused_when_people_come_from_hr(app):
    with pytest.raises(SignInRefused, match="nobody matching nobody@example.com"):
        person_for_sign_in(claims("nobody@example.com"), now=T0, settings=BY_EMAIL)
    assert db.session.scalar(select(User).where(User.email == "nobody@example.com")) is None


def test_an_inactive_person_is_refused(make_user):
    make_user(email="ann@example.com", active=False)
    with pytest.raises(SignInRefused, match="deactivated"):
        person_for_sign_in(claims(), now=T0, settings=BY_EMAIL)


def test_just_in_time_creation_makes_the_person_as_an_admin_would(app):
    settings = SignInSettings(
        create_unknown_people=True, default_job_role="sales_rep", hr_groups=frozenset({"HR"})
    )
    new = claims("new@example.com", name="New Hire", groups=["HR"])
    person = person_for_sign_in(new, now=T0, settings=settings)
    assert (person.name, person.job_role.slug, person.hire_date) == (
        "New Hire",
        "sales_rep",
        T0.date(),
    )
    assert person.roles == {"learner", "hr"}
    [added] = entries(audit.PERSON_ADDED)
    assert (added.subject_id, added.details["via"]) == (person.id, "oidc sign-in")


def test_just_in_time_creation_is_off_by_default(app):
    with pytest.raises(SignInRefused, match="ask HR to add you"):
        person_for_sign_in(claims("new@example.com"), now=T0, settings=SignInSettings())


def test_groups_grant_and_remove_roles_on_each_sign_in_with_an_audit_entry(make_user):
    ann = make_user(email="ann@example.com", roles=["hr"])
    person_for_sign_in(claims(groups=["IT Admins"]), now=T0, settings=MAPPED)
    assert ann.roles == {"learner", "admin"}
    [entry] = entries(audit.ROLES_CHANGED)
    assert entry.details == {"granted": ["admin"], "removed": ["hr"], "via": "oidc sign-in"}
    person_for_sign_in(claims(groups=["IT Admins"]), now=T0, settings=MAPPED)
    assert len(entries(audit.ROLES_CHANGED)) == 1  # nothing changed, nothing said


def test_a_refused_sign_in_is_recorded(app):
    record_refused("oidc", "Uptake has nobody matching x.", now=T0, who="x@example.com")
    [entry] = entries(audit.SIGN_IN_REFUSED)
    assert (
        entry.summary == "Refused a oidc sign-in for x@example.com: Uptake has nobody matching x."
    )


def test_another_account_of_the_same_provider_is_refused_until_unlinked(make_user, runner):
    ann = make_user(email="ann@example.com")
    person_for_sign_in(claims(subject="old"), now=T0, settings=BY_EMAIL)
    with pytest.raises(SignInRefused, match="already signs in with another oidc account"):
        person_for_sign_in(claims(subject="new"), now=T0, settings=BY_EMAIL)
    result = runner.invoke(args=["users", "unlink-sign-in", "ann@example.com"])
    assert "1 identity-provider account(s) unlinked" in result.output
    assert person_for_sign_in(claims(subject="new"), now=T0, settings=BY_EMAIL) is ann
    [entry] = entries(audit.SIGN_IN_UNLINKED)
    assert entry.details == {"accounts": ["oidc:old"]}
