"""Access and log-in rules, tested without an app."""

from datetime import datetime, timedelta

import pytest

from lms.auth.rules import (
    LOCKOUT_PERIOD,
    LOGIN_WINDOW,
    MAX_FAILED_LOGINS,
    can_edit_people,
    can_list_people,
    can_view_person,
    failures_in_window,
    is_locked,
    lock_after_failure,
    parse_roles,
    password_problem,
)

NOW = datetime(2026, 10, 5, 9, 0, 0)
LEARNER = frozenset({"learner"})
HR = frozenset({"learner", "hr"})
ADMIN = frozenset({"learner", "admin"})

# A small organisation: 1 manages 2 and 3; 2 manages 4. Chains list a person's managers upwards.
CHAIN = {1: [], 2: [1], 3: [1], 4: [2, 1]}


def can_see(viewer_id, roles, person_id):
    return can_view_person(viewer_id, roles, person_id, CHAIN[person_id])


# can_view_person ---------------------------------------------------------------------------


@pytest.mark.parametrize("person_id", [1, 2, 3, 4])
def test_admin_sees_everyone(person_id):
    assert can_see(3, ADMIN, person_id)


@pytest.mark.parametrize("person_id", [1, 2, 3, 4])
def test_hr_sees_everyone(person_id):
    assert can_see(3, HR, person_id)


def test_a_learner_sees_themselves():
    assert can_see(4, LEARNER, 4)


def test_a_manager_sees_a_direct_report():
    assert can_see(2, LEARNER, 4)


def test_a_manager_sees_their_reports_reports():
    assert can_see(1, LEARNER, 4)


def test_a_peer_is_hidden():
    assert not can_see(3, LEARNER, 2)


def test_a_report_cannot_see_their_manager():
    assert not can_see(4, LEARNER, 2)


def test_a_report_cannot_see_their_managers_manager():
    assert not can_see(4, LEARNER, 1)


# Directory and editing ---------------------------------------------------------------------


@pytest.mark.parametrize(("roles", "allowed"), [(LEARNER, False), (HR, True), (ADMIN, True)])
def test_only_hr_and_admins_list_people(roles, allowed):
    assert can_list_people(roles) is allowed


@pytest.mark.parametrize(("roles", "allowed"), [(LEARNER, False), (HR, False), (ADMIN, True)])
def test_only_admins_edit_people(roles, allowed):
    assert can_edit_people(roles) is allowed


# Lock-out ----------------------------------------------------------------------------------


def test_failures_below_the_limit_do_not_lock():
    assert lock_after_failure(MAX_FAILED_LOGINS - 1, NOW) is None


def test_the_fifth_failure_locks_for_fifteen_minutes():
    assert MAX_FAILED_LOGINS == 5
    assert lock_after_failure(5, NOW) == NOW + timedelta(minutes=15)


def test_failures_past_the_limit_keep_locking():
    assert lock_after_failure(MAX_FAILED_LOGINS + 3, NOW) == NOW + LOCKOUT_PERIOD


def test_an_account_never_locked_is_not_locked():
    assert not is_locked(None, NOW)


def test_an_account_is_locked_until_its_lock_ends():
    assert is_locked(NOW + timedelta(seconds=1), NOW)


def test_an_account_is_unlocked_at_the_moment_its_lock_ends():
    assert not is_locked(NOW, NOW)


def test_an_expired_lock_does_not_lock():
    assert not is_locked(NOW - timedelta(seconds=1), NOW)


# Passwords ---------------------------------------------------------------------------------


def test_a_nine_character_password_is_too_short():
    assert password_problem("abcdefghi", "ann@example.com") == "Use at least 10 characters."


def test_a_ten_character_password_is_long_enough():
    assert password_problem("abcdefghij", "ann@example.com") is None


def test_the_email_address_is_refused_as_a_password():
    problem = password_problem("Ann.Lee@Example.com", "ann.lee@example.com")
    assert problem == "Do not use your e-mail address as your password."


def test_part_of_the_email_address_is_refused_as_a_password():
    problem = password_problem("Annabelle-Lee", "annabelle-lee@example.com")
    assert problem == "Do not use your e-mail address as your password."


def test_a_password_of_three_different_characters_is_refused():
    problem = password_problem("abcabcabcabc", "ann@example.com")
    assert problem == "Use more than three different characters."


def test_a_password_of_four_different_characters_is_accepted():
    assert password_problem("abcdabcdabcd", "ann@example.com") is None


# Roles from an import cell -----------------------------------------------------------------


def test_an_empty_roles_cell_makes_a_learner():
    assert parse_roles("") == ({"learner"}, [])


def test_everyone_is_a_learner_whatever_the_cell_says():
    roles, problems = parse_roles("hr")
    assert roles == {"learner", "hr"}
    assert problems == []


@pytest.mark.parametrize(
    "cell", ["hr;admin", "hr, admin", "hr | admin", "hr admin", " HR ; Admin "]
)
def test_roles_may_be_separated_by_semicolons_commas_bars_or_spaces(cell):
    assert parse_roles(cell) == ({"learner", "hr", "admin"}, [])


def test_manager_is_refused_because_it_follows_from_having_reports():
    roles, problems = parse_roles("hr; manager")
    assert roles == {"learner", "hr"}
    assert len(problems) == 1
    assert "'manager' is not assigned" in problems[0]
    assert "manager_email" in problems[0]


def test_an_unknown_role_is_refused_by_name_with_the_choices():
    roles, problems = parse_roles("hr; superuser")
    assert roles == {"learner", "hr"}
    assert problems == ["unknown role 'superuser' (use admin, hr, learner)"]


def test_every_unknown_role_is_reported():
    _, problems = parse_roles("boss, chief")
    assert len(problems) == 2


def test_failures_count_within_the_window_and_start_again_after_it():
    assert failures_in_window(0, None, NOW) == (1, NOW)
    assert failures_in_window(3, NOW, NOW + timedelta(minutes=5)) == (4, NOW)
    assert failures_in_window(4, NOW, NOW + LOGIN_WINDOW) == (1, NOW + LOGIN_WINDOW)
