"""The pure rules of signing in through a provider: no app, no database."""

from lms.auth.sso.rules import (
    PasswordPolicy,
    SignInSettings,
    display_name,
    may_use_password,
    roles_from_groups,
)

MAPPED = SignInSettings(hr_groups=frozenset({"HR"}), admin_groups=frozenset({"IT Admins"}))


def test_groups_grant_the_roles_they_map_to():
    assert roles_from_groups({"learner"}, ["HR", "Sales"], MAPPED) == {"learner", "hr"}


def test_leaving_a_mapped_group_removes_its_role():
    assert roles_from_groups({"learner", "hr", "admin"}, ["IT Admins"], MAPPED) == {
        "learner",
        "admin",
    }


def test_a_role_without_mapped_groups_stays_as_uptake_has_it():
    only_hr = SignInSettings(hr_groups=frozenset({"HR"}))
    assert roles_from_groups({"learner", "admin"}, [], only_hr) == {"learner", "admin"}


def test_passwords_work_for_everyone_while_on():
    assert may_use_password("ann@example.com", PasswordPolicy(enabled=True))


def test_only_the_break_glass_account_keeps_its_password_when_off():
    policy = PasswordPolicy(enabled=False, break_glass_email="root@example.com")
    assert may_use_password("ROOT@example.com ", policy)
    assert not may_use_password("ann@example.com", policy)
    assert not may_use_password("", PasswordPolicy(enabled=False))


def test_a_person_made_without_a_name_is_named_after_their_e_mail():
    assert display_name(None, "ann.lee@example.com") == "ann.lee"
    assert display_name(" Ann Lee ", "ann@example.com") == "Ann Lee"
