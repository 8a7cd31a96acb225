"""The onboarding gate: recorded once, the moment every required course is done and every
required skill is signed at step four; reopened when the role gains a requirement; never
completed any other way."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import events
from lms.auth.services import PersonDetails, update_person
from lms.coaching import gate, onboarding, rules, services
from lms.courses import progress
from lms.courses.curricula import assign_all_curricula
from lms.courses.enrolment import assign_course_to
from lms.courses.models import Course, CurriculumItem, CurriculumSkill
from lms.database import db
from lms.errors import NotAllowed
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_statements
from tests.coaching.conftest import (
    SALES_SKILLS,
    complete_required_courses,
    completions,
    sign,
    skill,
)
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of


@pytest.fixture
def almost_done(team):
    """Every required course done; every skill at step four except run-pipeline-reports,
    which is at step three."""
    complete_required_courses(team.learner)
    for slug in SALES_SKILLS[:-1]:
        sign(team.manager, team.learner, slug)
    sign(team.manager, team.learner, SALES_SKILLS[-1], [1, 2, 3])
    return team


def test_onboarding_is_not_complete_with_every_course_done_but_step_four_missing(almost_done):
    learner = almost_done.learner
    assert completions(learner) == []
    with pytest.raises(rules.OnboardingIncomplete) as refused:
        gate.complete_onboarding(learner, now=T0 + timedelta(days=30))
    assert refused.value.missing == [
        "coaching in Run pipeline reports: 3 of 4 steps signed (step 4 (Monitor and feedback) next)"
    ]
    assert completions(learner) == []


def test_it_completes_by_itself_when_step_four_is_signed(almost_done):
    learner, done_at = almost_done.learner, T0 + timedelta(days=40)
    sign(almost_done.manager, learner, "run-pipeline-reports", [4], now=done_at)
    [completion] = completions(learner)
    assert completion.completed_at == done_at and completion.reopened_at is None
    status = onboarding.get_onboarding_status(learner)
    assert status.is_complete and status.completed_at == done_at
    assert gate.complete_onboarding(learner, now=done_at + timedelta(days=1)) is completion


def test_it_completes_by_itself_when_the_last_course_is_completed(team, course):
    learner = team.learner
    complete_required_courses(learner)
    enrollment = progress.get_enrollment(learner, course("crm-pipeline-reports"))
    enrollment.completed_at = None
    for slug in SALES_SKILLS:
        sign(team.manager, learner, slug)
    assert completions(learner) == []  # one course is still to do
    for lesson in lessons_of(enrollment.course, learner):
        progress.complete_lesson(enrollment, lesson, now=T0)
    progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=T0)
    assert len(completions(learner)) == 1


def test_completion_is_recorded_once(almost_done):
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    gate.evaluate_onboarding([learner], now=T0 + timedelta(days=90))
    gate.complete_onboarding(learner, now=T0 + timedelta(days=91))
    assert len(completions(learner)) == 1


def test_a_required_skill_added_to_the_role_reopens_it(almost_done):
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    db.session.add(
        CurriculumSkill(
            job_role_id=learner.job_role_id, skill_id=skill("manage-campaign-lists").id, position=9
        )
    )
    db.session.flush()
    events.publish(events.ContentSynced(now=T0 + timedelta(days=60)))
    [completion] = completions(learner)
    assert completion.reopened_at == T0 + timedelta(days=60)
    assert "coaching in Manage campaign lists: 0 of 4" in completion.reopen_reason
    status = onboarding.get_onboarding_status(learner)
    assert not status.is_complete and len(status.missing) == 1


def test_a_required_course_added_to_the_role_reopens_it(almost_done, course):
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    db.session.add(
        CurriculumItem(
            job_role_id=learner.job_role_id,
            course_id=course("crm-campaign-lists").id,
            position=99,
            due_days=60,
        )
    )
    db.session.flush()
    assign_all_curricula(now=T0)
    events.publish(events.ContentSynced(now=T0 + timedelta(days=60)))
    assert completions(learner)[0].reopened_at is not None
    assert onboarding.get_onboarding_status(learner).missing == [
        "course not done: Manage campaign lists in the CRM"
    ]


def test_a_course_an_admin_assigns_reopens_it(almost_done, course):
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    assign_course_to(
        course("crm-campaign-lists"), email=learner.email, division=None, due_on=None, now=T0
    )
    assert completions(learner)[0].reopened_at is not None


def test_a_new_job_role_reopens_it_and_keeps_shared_skills(almost_done):
    """A sales rep who becomes a sales manager keeps their six signed skills (the manager
    role needs the same ones) but must take the manager courses: onboarding reopens."""
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    details = PersonDetails(
        learner.email,
        learner.name,
        "sales_manager",
        "North",
        learner.manager,
        learner.hire_date,
        set(),
    )
    update_person(learner, details, now=T0 + timedelta(days=70))
    [completion] = completions(learner)
    assert completion.reopened_at == T0 + timedelta(days=70)
    missing = onboarding.get_onboarding_status(learner).missing
    assert missing and all(item.startswith("course not done") for item in missing)


def test_withdrawing_step_four_reopens_it(almost_done):
    learner = almost_done.learner
    [fourth] = sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    services.withdraw_sign_off(almost_done.manager, fourth, reason="Slipped back", now=T0)
    assert completions(learner)[0].reopened_at == T0
    sign(almost_done.manager, learner, "run-pipeline-reports", [4], now=T0 + timedelta(days=1))
    assert [c.reopened_at is None for c in completions(learner)] == [False, True]


def test_a_deactivated_person_is_left_as_they_are(almost_done):
    learner = almost_done.learner
    learner.active = False
    gate.evaluate_onboarding([learner], now=T0)
    assert completions(learner) == []
    with pytest.raises(NotAllowed, match="deactivated"):
        gate.complete_onboarding(learner, now=T0)


def test_a_statement_sent_to_the_lrs_does_not_complete_onboarding(almost_done):
    """The LRS stores what it is sent; only the gate records completion."""
    learner = almost_done.learner
    claim = {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{learner.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://lms.test/xapi/activities/onboarding"},
    }
    store_statements([claim], authority=None, client_id=None, now=T0, settings=lrs_settings())
    gate.evaluate_onboarding([learner], now=T0)
    assert completions(learner) == []  # stored, but it changed nothing


# The command ---------------------------------------------------------------------------------


def test_the_command_answers_with_what_is_missing_and_exit_1(almost_done, runner):
    learner = almost_done.learner
    db.session.commit()
    result = runner.invoke(args=["onboarding", "complete", learner.email])
    assert result.exit_code == 1
    assert "Run pipeline reports: 3 of 4 steps signed" in result.output
    status = runner.invoke(args=["onboarding", "status", learner.email])
    assert status.exit_code == 0 and "not complete" in status.output


def test_the_command_reports_a_completion(almost_done, runner):
    learner = almost_done.learner
    sign(almost_done.manager, learner, "run-pipeline-reports", [4])
    db.session.commit()
    result = runner.invoke(args=["onboarding", "complete", learner.email])
    assert result.exit_code == 0, result.output
    assert f"{learner.name}: onboarding complete since {T0.date()}" in result.output
    status = runner.invoke(args=["onboarding", "status", learner.email])
    assert "complete since" in status.output


def test_the_command_names_an_unknown_person(runner):
    result = runner.invoke(args=["onboarding", "complete", "nobody@example.com"])
    assert result.exit_code == 1 and "nobody@example.com" in result.output


def test_every_required_course_counts(team):
    learner = team.learner
    missing = onboarding.get_onboarding_status(learner).missing
    required = db.session.scalars(
        select(Course.title)
        .join(CurriculumItem, CurriculumItem.course_id == Course.id)
        .where(CurriculumItem.job_role_id == learner.job_role_id)
    ).all()
    assert {f"course not done: {title}" for title in required} <= set(missing)
    assert sum(item.startswith("coaching in") for item in missing) == len(SALES_SKILLS)
