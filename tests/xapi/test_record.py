"""Domain events become xAPI statements, in the same transaction as the change."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.services import PersonDetails, create_person
from lms.courses import progress
from lms.courses.enrolment import assign_course
from lms.courses.models import LessonProgress
from lms.database import db
from lms.errors import DomainError
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_statements
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of, shown_keys

BASE = "http://lms.test"


@pytest.fixture
def enrollment(make_user, course):
    learner = make_user(job_role="sales_rep", division="North")
    return assign_course(learner, course("lead-to-order"), now=T0, due_on=None)


def statements_of(person, verb: str | None = None) -> list[dict]:
    query = select(Statement).where(Statement.user_id == person.id).order_by(Statement.id)
    if verb:
        query = query.where(Statement.verb_id == verb)
    return [json.loads(row.document) for row in db.session.scalars(query)]


def test_opening_the_first_lesson_records_a_launch(enrollment):
    progress.open_lesson(enrollment, lessons_of(enrollment.course, enrollment.user)[0], now=T0)
    [launched] = statements_of(enrollment.user, v.VERB_LAUNCHED)
    assert launched["object"]["id"] == f"{BASE}/xapi/activities/courses/lead-to-order"
    assert launched["object"]["definition"]["type"] == v.TYPE_COURSE
    assert launched["actor"] == {
        "objectType": "Agent",
        "name": enrollment.user.name,
        "mbox": f"mailto:{enrollment.user.email}",
    }
    assert launched["context"]["registration"] == enrollment.registration
    assert launched["context"]["platform"] == "Uptake"
    assert launched["context"]["extensions"] == {f"{BASE}/xapi/extensions/division": "North"}
    assert launched["authority"]["account"] == {"homePage": BASE, "name": "uptake"}


def test_a_lesson_done_is_experienced_with_its_course_as_parent(enrollment):
    lesson = lessons_of(enrollment.course, enrollment.user)[0]
    progress.complete_lesson(enrollment, lesson, now=T0)
    progress.complete_lesson(enrollment, lesson, now=T0)  # again: nothing new
    [experienced] = statements_of(enrollment.user, v.VERB_EXPERIENCED)
    assert experienced["object"]["id"].endswith(f"/courses/lead-to-order/lessons/{lesson.slug}")
    assert experienced["result"] == {"completion": True}
    assert experienced["context"]["contextActivities"]["parent"][0]["id"].endswith(
        "/courses/lead-to-order"
    )


def test_a_quiz_records_attempt_each_answer_and_the_outcome(enrollment):
    for lesson in lessons_of(enrollment.course, enrollment.user):
        progress.complete_lesson(enrollment, lesson, now=T0)
    answers = answers_for(enrollment.course, right=True)
    questions = shown_keys(enrollment)  # the questions this attempt draws from the pool
    wrong_key = questions[0]
    answers[wrong_key] = answers_for(enrollment.course, right=False)[wrong_key]
    progress.submit_quiz(enrollment, answers, now=T0)
    person = enrollment.user
    assert len(statements_of(person, v.VERB_ATTEMPTED)) == 1
    answered = statements_of(person, v.VERB_ANSWERED)
    assert len(answered) == len(questions)
    first = next(s for s in answered if s["object"]["id"].endswith(f"/questions/{wrong_key}"))
    assert first["result"]["success"] is False
    assert first["result"]["response"] == "[,]".join(answers[wrong_key])
    assert first["object"]["definition"]["interactionType"] == "choice"
    [outcome] = statements_of(person, v.VERB_PASSED) or statements_of(person, v.VERB_FAILED)
    score = outcome["result"]["score"]
    assert score["raw"] == len(questions) - 1 and score["max"] == len(questions)
    assert score["scaled"] == pytest.approx((len(questions) - 1) / len(questions), abs=1e-4)


def test_passing_records_completion_and_failing_twice_records_the_remedial(enrollment):
    for lesson in lessons_of(enrollment.course, enrollment.user):
        progress.complete_lesson(enrollment, lesson, now=T0)
    for _ in range(2):
        progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=T0)
    [registered] = statements_of(enrollment.user, v.VERB_REGISTERED)
    assert registered["object"]["id"].endswith(f"/courses/{enrollment.course.remedial_course.slug}")
    assert registered["context"]["contextActivities"]["other"][0]["id"].endswith(
        "/courses/lead-to-order"
    )
    assert (
        "did not reach the pass mark"
        in registered["result"]["extensions"][f"{BASE}/xapi/extensions/reason"]
    )
    after_the_wait = T0 + timedelta(minutes=10)  # two attempts not passed: a pause
    right = answers_for(enrollment.course, right=True)
    progress.submit_quiz(enrollment, right, now=after_the_wait)
    assert len(statements_of(enrollment.user, v.VERB_COMPLETED)) == 1


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "mbox_sha1sum",
            lambda p: {
                "objectType": "Agent",
                "mbox_sha1sum": hashlib.sha1(f"mailto:{p.email}".encode()).hexdigest(),
            },
        ),
        (
            "account",
            lambda p: {"objectType": "Agent", "account": {"homePage": BASE, "name": "E-42"}},
        ),
    ],
)
def test_the_learner_is_identified_as_configured(app, enrollment, mode, expected):
    enrollment.user.employee_id = "E-42"
    app.config["XAPI_ACTOR_IDENTIFIER"] = mode
    try:
        progress.open_lesson(enrollment, lessons_of(enrollment.course, enrollment.user)[0], now=T0)
    finally:
        app.config["XAPI_ACTOR_IDENTIFIER"] = "mbox"
    [launched] = statements_of(enrollment.user, v.VERB_LAUNCHED)
    assert launched["actor"] == expected(enrollment.user)
    assert enrollment.user.email not in json.dumps(launched)


def test_a_failed_domain_write_leaves_no_statement(enrollment):
    for lesson in lessons_of(enrollment.course, enrollment.user):
        progress.complete_lesson(enrollment, lesson, now=T0)
    before = db.session.scalar(select(func.count()).select_from(Statement))
    with pytest.raises(DomainError):
        progress.submit_quiz(enrollment, {}, now=T0)  # unanswered: refused
    assert db.session.scalar(select(func.count()).select_from(Statement)) == before


def test_a_failed_statement_leaves_no_domain_change(app, enrollment, monkeypatch):
    """The reverse: when the statement cannot be stored, the change it records is rolled back
    with it, as the request's single commit never happens."""
    lesson = lessons_of(enrollment.course, enrollment.user)[0]
    db.session.commit()

    def refuse(*_args, **_kwargs):
        raise RuntimeError("the LRS refused")

    monkeypatch.setattr("lms.xapi.recording.record.store_batch", refuse)
    with pytest.raises(RuntimeError):
        progress.complete_lesson(enrollment, lesson, now=T0)
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(LessonProgress)
            .where(LessonProgress.enrollment_id == enrollment.id)
        )
        == 0
    )
    assert enrollment.started_at is None


def test_statements_about_someone_unknown_are_linked_when_they_join(app):
    crm_statement = {
        "actor": {"objectType": "Agent", "mbox": "mailto:late.joiner@example.com"},
        "verb": {
            "id": "http://activitystrea.ms/schema/1.0/update",
            "display": {"en-US": "updated"},
        },
        "object": {
            "id": "https://crm.example.com/contacts/991",
            "definition": {"name": {"en-US": "Contact 991"}},
        },
    }
    [statement_id] = store_statements(
        [crm_statement], authority=None, client_id=None, now=T0, settings=lrs_settings()
    )
    stored = db.session.scalar(select(Statement).where(Statement.statement_id == statement_id))
    assert stored.user_id is None
    person = create_person(
        PersonDetails(
            "late.joiner@example.com",
            "Late Joiner",
            "sales_rep",
            "North",
            None,
            date(2026, 11, 1),
            set(),
        ),
        now=T0,
    )
    db.session.refresh(stored)
    assert stored.user_id == person.id
