"""Signing off, withdrawing and delegating, against a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.coaching import queries, rules, services
from lms.coaching.models import CoachDelegation, CoachingSignOff
from lms.database import db
from lms.errors import DomainError, FieldError, NotAllowed
from tests.coaching.conftest import live_sign_offs, sign, skill
from tests.conftest import T0


def test_the_manager_signs_the_four_steps_in_order(team):
    records = sign(team.manager, team.learner, "handle-leads")
    assert [r.step for r in records] == [1, 2, 3, 4]
    assert records[0].how == "one_to_one" and records[3].note == "Step 4 went well."
    assert all(r.coach is team.manager for r in records)
    assert [r.step for r in live_sign_offs(team.learner, "handle-leads")] == [1, 2, 3, 4]


def test_a_step_cannot_be_signed_before_the_previous_one(team):
    sign(team.manager, team.learner, "handle-leads", [1])
    with pytest.raises(rules.StepOutOfOrder):
        sign(team.manager, team.learner, "handle-leads", [3])
    assert len(live_sign_offs(team.learner)) == 1


def test_the_learner_cannot_sign_their_own_steps(team):
    with pytest.raises(NotAllowed, match="own"):
        sign(team.learner, team.learner, "handle-leads", [1])


def test_a_manager_of_another_team_cannot_sign(team):
    with pytest.raises(NotAllowed, match="manager or a coach delegated"):
        sign(team.other_manager, team.learner, "handle-leads", [1])


def test_a_coach_without_the_course_cannot_sign(team, make_user):
    untrained = make_user(name="New Boss", job_role="sales_manager")
    team.learner.manager = untrained
    with pytest.raises(rules.NotProficient):
        sign(untrained, team.learner, "handle-leads", [1])


def test_a_delegated_coach_signs_and_stops_when_revoked(team):
    delegation = services.delegate_coach(team.hr, team.learner, team.coach, now=T0)
    sign(team.coach, team.learner, "handle-leads", [1])
    services.revoke_delegation(team.manager, delegation, now=T0)
    with pytest.raises(NotAllowed):
        sign(team.coach, team.learner, "handle-leads", [2])
    assert live_sign_offs(team.learner)[0].coach is team.coach  # what they signed stays


def test_hr_delegates_but_cannot_sign_unless_delegated(team):
    with pytest.raises(NotAllowed):
        sign(team.hr, team.learner, "handle-leads", [1])
    with pytest.raises(FieldError, match="yourself"):
        services.delegate_coach(team.hr, team.learner, team.hr, now=T0)


def test_only_the_manager_hr_or_an_admin_delegates(team):
    with pytest.raises(NotAllowed):
        services.delegate_coach(team.other_manager, team.learner, team.coach, now=T0)
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    with pytest.raises(FieldError, match="already a coach"):
        services.delegate_coach(team.admin, team.learner, team.coach, now=T0)


def test_an_admin_override_is_recorded_with_its_reason(team):
    with pytest.raises(FieldError):
        sign(team.admin, team.learner, "handle-leads", [1])
    [record] = sign(
        team.admin, team.learner, "handle-leads", [1], override_reason="Manager on long leave"
    )
    assert record.override_reason == "Manager on long leave"
    assert record.coach is team.admin


def test_an_override_is_not_recorded_for_a_normal_sign_off(team):
    [record] = sign(team.manager, team.learner, "handle-leads", [1])
    assert record.override_reason is None


def test_a_withdrawal_takes_the_later_steps_with_it_and_keeps_the_history(team):
    first, second, third = sign(team.manager, team.learner, "handle-leads", [1, 2, 3])
    later = T0 + timedelta(days=10)
    withdrawn = services.withdraw_sign_off(
        team.manager, second, reason="Not a real case", now=later
    )
    assert withdrawn == [second, third]
    assert second.withdrawn_by is team.manager and second.withdrawal_reason == "Not a real case"
    assert third.fell_back_with is second and "Not a real case" in third.withdrawal_reason
    assert [s.step for s in live_sign_offs(team.learner)] == [1]
    total = db.session.scalar(select(func.count()).select_from(CoachingSignOff))
    assert total == 3  # nothing deleted
    sign(team.manager, team.learner, "handle-leads", [2])  # step 2 may be signed again


def test_only_the_signer_or_hr_withdraws(team):
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    [record] = sign(team.manager, team.learner, "handle-leads", [1])
    with pytest.raises(NotAllowed):
        services.withdraw_sign_off(team.coach, record, reason="no", now=T0)
    services.withdraw_sign_off(team.hr, record, reason="Signed for the wrong person", now=T0)
    with pytest.raises(DomainError, match="already withdrawn"):
        services.withdraw_sign_off(team.manager, record, reason="again", now=T0)


def test_a_deactivated_learner_is_not_coached(team):
    team.learner.active = False
    with pytest.raises(NotAllowed, match="deactivated"):
        sign(team.manager, team.learner, "handle-leads", [1])
    with pytest.raises(NotAllowed, match="deactivated"):
        services.delegate_coach(team.manager, team.learner, team.coach, now=T0)


def test_a_deactivated_delegate_coaches_nobody(team):
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    team.coach.active = False
    db.session.flush()
    assert queries.delegate_ids(team.learner) == frozenset()


def test_a_skill_the_role_does_not_require_is_not_signed(team):
    with pytest.raises(NotAllowed, match="does not require"):
        sign(team.manager, team.learner, "log-service-cases", [1])


def test_the_database_keeps_one_live_sign_off_per_step(team):
    """The partial unique index: a second live row for the same step is refused, however
    it gets there; a withdrawn one does not count."""
    [record] = sign(team.manager, team.learner, "handle-leads", [1])
    twin = CoachingSignOff(
        learner=team.learner, skill=record.skill, step=1, coach=team.coach, signed_at=T0
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)
    record.withdrawn_at = T0
    db.session.add(
        CoachingSignOff(
            learner=team.learner, skill=record.skill, step=1, coach=team.coach, signed_at=T0
        )
    )
    db.session.flush()


def test_a_sign_off_that_loses_the_race_is_told_it_is_already_signed(team, monkeypatch):
    """As if two requests checked at the same moment: the rules saw no step 1, but the
    database already has one. The service answers "already signed" and the transaction
    stays usable."""
    sign(team.manager, team.learner, "handle-leads", [1])
    monkeypatch.setattr(queries, "list_live_sign_offs", lambda learner, skill: [])
    with pytest.raises(rules.AlreadySigned):
        sign(team.manager, team.learner, "handle-leads", [1])
    monkeypatch.undo()
    assert len(live_sign_offs(team.learner, "handle-leads")) == 1
    sign(team.manager, team.learner, "handle-leads", [2])


def test_a_second_live_delegation_is_refused_by_the_database(team):
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    twin = CoachDelegation(
        learner=team.learner, coach=team.coach, delegated_by=team.hr, delegated_at=T0
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)


def test_proficiency_counts_a_completed_course_that_teaches_the_skill(team):
    assert skill("handle-leads").id in queries.proficient_skill_ids(team.manager, now=T0)
    assert queries.proficient_skill_ids(team.learner, now=T0) == set()
