"""Refreshers, whatever assigns them (failed quizzes, an adoption signal), follow one rule: one
assigned while a person is onboarding counts towards it; one assigned after onboarding
completed is its own obligation on My plan and never reopens it. Both record `registered`."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.adoption import actions
from lms.adoption import rules as signal_rules
from lms.adoption.content import current_adoption
from lms.adoption.models import AdoptionSignal
from lms.coaching import onboarding
from lms.courses import plan, progress
from lms.courses.enrolment import assign_course
from lms.courses.models import Enrollment
from lms.database import db
from tests.coaching.conftest import SALES_SKILLS, complete_required_courses, completions, sign
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of, registered_on

DONE_AT = T0 + timedelta(days=40)
LATER = T0 + timedelta(days=60)
SIGNAL_WEEK = date(2026, 11, 23)


@pytest.fixture
def onboarded(team):
    """The learner's onboarding is complete."""
    complete_required_courses(team.learner)
    for slug in SALES_SKILLS:
        sign(team.manager, team.learner, slug, now=DONE_AT)
    assert completions(team.learner)[0].reopened_at is None
    return team.learner


def fail_quiz_twice(person, course, *, now):
    """The person takes a course (of their curriculum, or else as an optional one) and fails
    its quiz twice."""
    enrolment = enrolment_on(person, course) or assign_course(
        person, course, now=now, due_on=None, source="self", required=False
    )
    for lesson in lessons_of(course, person):
        progress.complete_lesson(enrolment, lesson, now=now)
    for _ in range(2):
        progress.submit_quiz(enrolment, answers_for(course, right=False), now=now)


def signal_assigns_refresher(person, *, now):
    """A data-quality signal, whose action (content/adoption.yaml) assigns a refresher."""
    signal = AdoptionSignal(
        user=person,
        kind=signal_rules.DATA_QUALITY,
        week_start=SIGNAL_WEEK,
        since=SIGNAL_WEEK,
        reason="Customer profiles scored 40% over the last 4 weeks.",
        value=0.4,
        raised_at=now,
    )
    db.session.add(signal)
    db.session.flush()
    [acted] = actions.take_actions([signal], current_adoption(), now=now)
    return acted


def enrolment_on(person, course) -> Enrollment:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.course_id == course.id)
    )


def test_a_refresher_after_failed_quizzes_leaves_completed_onboarding_complete(onboarded, course):
    fail_quiz_twice(onboarded, course("crm-campaign-lists"), now=LATER)
    refresher = enrolment_on(onboarded, course("remedial-duplicates"))
    assert refresher.source == "remedial" and not refresher.required
    assert completions(onboarded)[0].reopened_at is None
    assert onboarding.get_onboarding_status(onboarded).is_complete
    shown = plan.get_plan(onboarded, LATER.date()).remedial
    assert [line.course.slug for line in shown] == ["remedial-duplicates"]
    [statement] = registered_on(onboarded, course("remedial-duplicates"))
    assert statement["context"]["registration"] == refresher.registration
    assert statement["context"]["contextActivities"]["other"][0]["id"].endswith(
        "/courses/crm-campaign-lists"
    )


def test_a_refresher_after_an_adoption_signal_leaves_completed_onboarding_complete(
    onboarded, course
):
    signal = signal_assigns_refresher(onboarded, now=LATER)
    assert signal.outcome == "Assigned “Refresher: complete customer profiles”."
    refresher = enrolment_on(onboarded, course("remedial-complete-profiles"))
    assert refresher.source == "remedial" and not refresher.required
    assert refresher.due_on == LATER.date() + actions.REMEDIAL_DUE
    assert completions(onboarded)[0].reopened_at is None
    [statement] = registered_on(onboarded, course("remedial-complete-profiles"))
    assert statement["context"]["registration"] == refresher.registration
    assert statement["result"]["extensions"] == {
        "http://lms.test/xapi/extensions/reason": signal.reason
    }
    assert "contextActivities" not in statement["context"]  # no failed course


def test_refreshers_before_onboarding_completed_count_towards_it(team, course):
    learner = team.learner
    fail_quiz_twice(learner, course("crm-campaign-lists"), now=T0)
    signal_assigns_refresher(learner, now=T0)
    for slug in ("remedial-duplicates", "remedial-complete-profiles"):
        assert enrolment_on(learner, course(slug)).required
        assert len(registered_on(learner, course(slug))) == 1
    missing = onboarding.get_onboarding_status(learner).missing
    assert "course not done: Refresher: complete customer profiles" in missing


def test_a_refresher_is_assigned_once_by_either_path(team, course):
    """Failed quizzes put the person on the refresher; the adoption signal that names the
    same refresher finds them on it already."""
    learner, refresher = team.learner, course("remedial-complete-profiles")
    fail_quiz_twice(learner, course("customer-data-standards"), now=T0)
    signal = signal_assigns_refresher(learner, now=T0)
    assert signal.outcome == f"Already on “{refresher.title}”; not assigned again."
    assert len(registered_on(learner, refresher)) == 1


def test_a_refresher_after_onboarding_is_still_due_for_the_learner_and_their_manager(onboarded):
    signal_assigns_refresher(onboarded, now=LATER)
    overdue_day = LATER.date() + actions.REMEDIAL_DUE + timedelta(days=1)
    learner_plan = plan.get_plan(onboarded, overdue_day)
    assert learner_plan.overdue_count == 1
    assert learner_plan.onboarding.is_complete
    [line] = plan.team_lines([(onboarded, 0)], overdue_day)
    assert [c.slug for c in line.overdue] == ["remedial-complete-profiles"]
