"""The coaching rules, with no app and no database."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from lms.coaching import rules
from lms.errors import DomainError, FieldError, NotAllowed

MANAGER, LEARNER, DELEGATE, STRANGER, ADMIN, HR = 1, 2, 3, 4, 5, 6
T0 = datetime(2026, 10, 5, 9, 0)

CASE = rules.SignOffCase(
    signer_id=MANAGER,
    signer_roles=frozenset({"learner"}),
    learner_id=LEARNER,
    learner_name="Leo",
    learner_active=True,
    manager_id=MANAGER,
    delegate_ids=frozenset({DELEGATE}),
    signer_is_proficient=True,
    skill_title="Handle leads",
    skill_required=True,
    signed_steps=frozenset(),
)


def check(case=CASE, step=1, *, how="one_to_one", note="", override_reason=None):
    return rules.check_sign_off(case, step, how=how, note=note, override_reason=override_reason)


def as_signer(signer_id, roles=("learner",), **changes):
    return replace(CASE, signer_id=signer_id, signer_roles=frozenset(roles), **changes)


# Order ----------------------------------------------------------------------------------------


def test_steps_go_in_order():
    assert rules.next_step(set()) == 1
    assert rules.next_step({1, 2}) == 3
    assert rules.next_step({1, 2, 3, 4}) is None
    assert rules.step_reached({1, 2, 3}) == 3
    assert rules.step_reached({1, 2, 3, 4}) == 4


def test_the_first_step_needs_no_earlier_one():
    assert check() is False


@pytest.mark.parametrize(("signed", "step"), [(set(), 2), ({1}, 3), ({1, 2}, 4), (set(), 4)])
def test_a_step_is_refused_before_the_previous_one(signed, step):
    with pytest.raises(rules.StepOutOfOrder, match="comes before"):
        check(replace(CASE, signed_steps=frozenset(signed)), step, how=None, note="n")


def test_a_signed_step_is_not_signed_twice():
    with pytest.raises(rules.AlreadySigned):
        check(replace(CASE, signed_steps=frozenset({1})), 1)


def test_there_are_four_steps():
    with pytest.raises(DomainError, match="no coaching step 5"):
        check(replace(CASE, signed_steps=frozenset({1, 2, 3, 4})), 5, how=None)


# Who signs -----------------------------------------------------------------------------------


def test_nobody_signs_their_own_steps_not_even_an_admin():
    case = as_signer(LEARNER, ("learner", "admin"), manager_id=LEARNER)
    with pytest.raises(NotAllowed, match="own"):
        check(case, override_reason="I am an admin")


def test_the_manager_and_a_delegated_coach_may_sign():
    assert rules.authority(CASE) == rules.MANAGER
    assert rules.authority(as_signer(DELEGATE)) == rules.DELEGATE
    assert check(as_signer(DELEGATE)) is False


def test_anyone_else_is_refused():
    with pytest.raises(NotAllowed, match="manager or a coach delegated"):
        check(as_signer(STRANGER))


def test_hr_cannot_sign_unless_delegated():
    with pytest.raises(NotAllowed):
        check(as_signer(HR, ("learner", "hr")))
    assert check(as_signer(HR, ("learner", "hr"), delegate_ids=frozenset({HR}))) is False


def test_a_deactivated_learner_is_not_signed():
    with pytest.raises(NotAllowed, match="deactivated"):
        check(replace(CASE, learner_active=False))


def test_only_skills_the_role_requires_are_signed():
    with pytest.raises(NotAllowed, match="does not require"):
        check(replace(CASE, skill_required=False))


# Proficiency ----------------------------------------------------------------------------------


def test_a_coach_signs_only_a_skill_they_can_do():
    with pytest.raises(rules.NotProficient, match="not completed a course"):
        check(replace(CASE, signer_is_proficient=False))


def test_proficiency_is_a_completed_course_that_teaches_the_skill():
    assert rules.is_proficient({10, 11}, {11, 12})
    assert not rules.is_proficient({10}, {11, 12})
    assert not rules.is_proficient(set(), {11})


# Overrides ------------------------------------------------------------------------------------


def test_an_admin_overrides_who_may_sign_with_a_reason():
    case = as_signer(ADMIN, ("learner", "admin"))
    with pytest.raises(FieldError) as refused:
        check(case)
    assert refused.value.field == "override_reason"
    assert check(case, override_reason="Manager on leave") is True


def test_an_admin_overrides_proficiency_with_a_reason():
    case = replace(CASE, signer_roles=frozenset({"admin"}), signer_is_proficient=False)
    assert check(case, override_reason="Trained on the old system") is True


@pytest.mark.parametrize(
    ("signed", "step", "details", "error"),
    [
        ({1}, 3, {"how": None}, rules.StepOutOfOrder),
        ({1, 2, 3}, 4, {"how": None, "note": " "}, FieldError),
        (set(), 1, {"how": None}, FieldError),
        (set(), 1, {}, None),
    ],
)
def test_an_override_never_bypasses_order_or_the_step_details(signed, step, details, error):
    case = as_signer(ADMIN, ("admin",), signed_steps=frozenset(signed))
    if error is None:
        assert check(case, step, override_reason="why", **details) is True
        return
    with pytest.raises(error):
        check(case, step, override_reason="why", **details)


def test_only_an_admin_overrides():
    with pytest.raises(NotAllowed, match="Only an administrator"):
        check(as_signer(STRANGER, ("hr",)), override_reason="please")


def test_an_override_is_refused_when_nothing_needs_overriding():
    case = as_signer(MANAGER, ("admin",))
    with pytest.raises(DomainError, match="Nothing here needs an override"):
        check(case, override_reason="just because")


# Step details ---------------------------------------------------------------------------------


def test_step_one_says_how_and_only_step_one():
    with pytest.raises(FieldError) as refused:
        check(how="carrier pigeon")
    assert refused.value.field == "how"
    with pytest.raises(FieldError):
        check(replace(CASE, signed_steps=frozenset({1})), 2, how="recording")


def test_step_four_needs_a_written_note():
    case = replace(CASE, signed_steps=frozenset({1, 2, 3}))
    with pytest.raises(FieldError) as refused:
        check(case, 4, how=None, note="   ")
    assert refused.value.field == "note"
    assert check(case, 4, how=None, note="Converted three leads unaided.") is False


# Withdrawals ----------------------------------------------------------------------------------


def withdraw(actor_id=MANAGER, roles=(), *, signer_id=MANAGER, is_live=True, reason="wrong"):
    rules.check_withdrawal(
        actor_id=actor_id,
        actor_roles=set(roles),
        signer_id=signer_id,
        is_live=is_live,
        reason=reason,
    )


def test_the_signer_or_hr_withdraws_with_a_reason():
    withdraw()
    withdraw(HR, ("hr",))
    with pytest.raises(NotAllowed):
        withdraw(DELEGATE)
    with pytest.raises(NotAllowed):
        withdraw(ADMIN, ("admin",))
    with pytest.raises(FieldError):
        withdraw(reason="  ")
    with pytest.raises(DomainError, match="already withdrawn"):
        withdraw(is_live=False)


def test_later_steps_fall_back_with_a_withdrawal():
    assert rules.steps_falling_back(2, [1, 2, 3, 4]) == [3, 4]
    assert rules.steps_falling_back(4, [1, 2, 3, 4]) == []
    assert "step 2 (Assist)" in rules.fall_back_reason(2, "not on a real case")


# Delegation -----------------------------------------------------------------------------------


def delegate(actor_id=MANAGER, roles=(), **changes):
    facts = {
        "actor_id": actor_id,
        "actor_roles": set(roles),
        "learner_id": LEARNER,
        "learner_active": True,
        "manager_id": MANAGER,
        "coach_id": DELEGATE,
        "coach_active": True,
        "coach_ids": frozenset(),
    }
    rules.check_delegation(**(facts | changes))


def test_the_manager_hr_or_an_admin_delegates():
    delegate()
    delegate(HR, ("hr",))
    delegate(ADMIN, ("admin",))
    with pytest.raises(NotAllowed):
        delegate(STRANGER)
    with pytest.raises(NotAllowed):
        delegate(LEARNER)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"coach_id": LEARNER}, "themselves"),
        ({"coach_id": MANAGER}, "manager coaches them already"),
        ({"actor_id": HR, "actor_roles": {"hr"}, "coach_id": HR}, "yourself"),
        ({"coach_active": False}, "deactivated"),
        ({"coach_ids": frozenset({DELEGATE})}, "already a coach"),
    ],
)
def test_a_delegation_names_someone_new(changes, message):
    with pytest.raises(DomainError, match=message):
        delegate(**changes)


def test_who_may_revoke():
    assert rules.may_revoke(HR, {"hr"}, MANAGER, MANAGER)
    assert rules.may_revoke(MANAGER, set(), MANAGER, HR)
    assert rules.may_revoke(STRANGER, set(), MANAGER, STRANGER)  # they delegated it
    assert not rules.may_revoke(DELEGATE, set(), MANAGER, HR)


# Waiting and overdue ------------------------------------------------------------------------


def test_step_one_waits_from_the_training_later_steps_from_the_previous_sign_off():
    trained, signed = T0, T0 + timedelta(days=3)
    assert rules.waiting_since(1, None, trained) == trained
    assert rules.waiting_since(1, None, None) is None
    assert rules.waiting_since(3, signed, trained) == signed
    assert rules.waiting_since(None, signed, trained) is None


def test_a_step_is_overdue_after_the_roles_target():
    assert not rules.is_overdue(T0, T0 + timedelta(days=14), 14)
    assert rules.is_overdue(T0, T0 + timedelta(days=14, seconds=1), 14)
    assert not rules.is_overdue(None, T0 + timedelta(days=99), 14)
    assert not rules.is_overdue(T0, T0 + timedelta(days=99), None)
    assert rules.days_waiting(T0, T0 + timedelta(days=5, hours=3)) == 5


# The gate -------------------------------------------------------------------------------------


def test_the_gate_lists_exactly_what_is_missing():
    missing = rules.onboarding_missing(
        ["Create quotes in the CRM"], [("Handle leads", 4), ("Create quotes", 3)]
    )
    assert missing == [
        "course not done: Create quotes in the CRM",
        "coaching in Create quotes: 3 of 4 steps signed (step 4 (Monitor and feedback) next)",
    ]


def test_the_gate_holds_with_every_course_done_and_every_skill_at_step_four():
    assert rules.onboarding_missing([], [("Handle leads", 4), ("Create quotes", 4)]) == []


def test_every_course_done_is_not_enough_without_step_four():
    assert rules.onboarding_missing([], [("Handle leads", 3)]) != []


def test_completion_is_recorded_once_and_reopened_when_the_gate_stops_holding():
    assert rules.gate_change([], is_complete=False) == "complete"
    assert rules.gate_change([], is_complete=True) is None
    assert rules.gate_change(["course not done: X"], is_complete=True) == "reopen"
    assert rules.gate_change(["course not done: X"], is_complete=False) is None


def test_an_incomplete_onboarding_names_what_is_missing():
    error = rules.OnboardingIncomplete("Leo", ["course not done: X", "coaching in Y: 0 of 4"])
    assert (
        str(error)
        == "Onboarding for Leo is not complete. Missing: course not done: X; coaching in Y: 0 of 4"
    )
