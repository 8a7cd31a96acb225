"""A SCORM SCO's commits as xAPI statements (ADL's SCORM profile): what each change says,
and that every statement is one Uptake's LRS accepts."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest

from lms import events
from lms.courses.enrolment import assign_course
from lms.xapi import vocabulary as v
from lms.xapi.recording.record import statements_for
from lms.xapi.recording.scorm import SCORM_PROFILE, scorm_statements
from lms.xapi.settings import lrs_settings
from lms.xapi.validation.statements import validate_statement
from tests.conftest import T0

SCO = "http://lms.test/xapi/activities/packages/p1/units/check"
PACKAGE = "http://lms.test/xapi/activities/packages/p1"
OPENED, LATER, CLOSED = T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)


@pytest.fixture
def session(make_user, course):
    """A launch of a SCORM 1.2 SCO ("Check"), opened at OPENED and closed at CLOSED."""
    enrollment = assign_course(make_user(), course("lead-to-order"), now=T0, due_on=None)
    package = SimpleNamespace(standard="scorm12", activity_id=PACKAGE)
    unit = SimpleNamespace(activity_id=SCO, title="Check", package=package)
    progress = SimpleNamespace(unit=unit, enrollment=enrollment)
    return SimpleNamespace(progress=progress, initialized_at=OPENED, terminated_at=CLOSED)


def said(session, before, after, now) -> list[dict]:
    statements = scorm_statements(session, before, after, now, lrs_settings())
    documents = [json.loads(s.to_json("1.0.3")) for s in statements]
    for document in documents:
        validate_statement(document)
    return documents


def verbs(documents) -> list[str]:
    return [d["verb"]["id"].rsplit("/", 1)[-1] for d in documents]


def core(**values) -> dict:
    return {"cmi": {"core": values}}


def test_the_first_commit_of_a_new_attempt_initializes_the_sco(session):
    [initialized] = said(session, {}, core(lesson_status="incomplete"), OPENED)
    assert initialized["verb"]["id"] == "http://adlnet.gov/expapi/verbs/initialized"
    assert initialized["object"]["id"] == SCO
    assert initialized["object"]["definition"]["type"] == v.TYPE_LESSON
    assert initialized["object"]["definition"]["name"] == {"en-US": "Check"}
    enrollment = session.progress.enrollment
    assert initialized["actor"]["mbox"] == f"mailto:{enrollment.user.email}"
    activities = initialized["context"]["contextActivities"]
    assert initialized["context"]["registration"] == enrollment.registration
    assert [a["id"] for a in activities["parent"]] == [
        "http://lms.test/xapi/activities/courses/lead-to-order"
    ]
    assert [a["id"] for a in activities["grouping"]] == [PACKAGE]
    assert [a["id"] for a in activities["category"]] == [SCORM_PROFILE]
    assert initialized["timestamp"].startswith(OPENED.isoformat())


def test_the_first_commit_after_a_suspend_resumes_it(session):
    before = core(lesson_status="incomplete", exit="suspend", lesson_location="p3")
    after = core(lesson_status="incomplete", exit="", lesson_location="p4")
    assert verbs(said(session, before, after, OPENED)) == ["resumed"]


def test_completion_is_said_once(session):
    before = core(lesson_status="incomplete")
    [completed] = said(session, before, core(lesson_status="completed"), LATER)
    assert completed["verb"]["id"] == v.VERB_COMPLETED
    assert completed["result"] == {"completion": True}
    assert (
        said(
            session,
            core(lesson_status="completed"),
            core(lesson_status="completed", lesson_location="p9"),
            LATER,
        )
        == []
    )


def test_a_pass_with_its_score(session):
    after = core(lesson_status="passed", score={"raw": "85", "min": "", "max": "100"})
    completed, passed = said(session, core(lesson_status="incomplete"), after, LATER)
    assert completed["verb"]["id"] == v.VERB_COMPLETED
    assert passed["verb"]["id"] == v.VERB_PASSED
    assert passed["result"] == {"success": True, "completion": True, "score": {"scaled": 0.85}}


def test_a_fail_with_its_score(session):
    before = core(lesson_status="passed", score={"raw": "85"})
    after = core(lesson_status="failed", score={"raw": "40"})
    [failed] = said(session, before, after, LATER)
    assert failed["verb"]["id"] == v.VERB_FAILED
    assert failed["result"] == {"success": False, "completion": True, "score": {"scaled": 0.4}}


def test_each_new_interaction_is_responded_to(session):
    first = {
        "id": "q1",
        "type": "choice",
        "student_response": "a",
        "result": "correct",
        "correct_responses": {"0": {"pattern": "a"}},
    }
    second = {"id": "q 2", "type": "fill-in", "student_response": "Paris", "result": "wrong"}
    before = {"cmi": {"interactions": {"0": first}}}
    after = {"cmi": {"interactions": {"0": first, "1": second}}}
    [responded] = said(session, before, after, LATER)
    assert responded["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert responded["object"]["id"] == f"{SCO}/interaction/q%202"
    assert responded["object"]["definition"] == {
        "type": v.TYPE_INTERACTION,
        "interactionType": "fill-in",
    }
    assert responded["result"] == {"response": "Paris", "success": False}
    parents = responded["context"]["contextActivities"]["parent"]
    assert [a["id"] for a in parents] == [
        SCO,
        "http://lms.test/xapi/activities/courses/lead-to-order",
    ]
    [again] = said(session, {}, before, LATER)
    assert again["object"]["definition"]["correctResponsesPattern"] == ["a"]
    assert again["result"] == {"response": "a", "success": True}


def test_a_commit_that_changes_nothing_records_nothing(session):
    data = core(lesson_status="incomplete", lesson_location="p3")
    assert said(session, data, data, LATER) == []


def test_the_last_commit_suspends_or_terminates_with_the_overall_result(session):
    before = core(lesson_status="incomplete")
    [suspended] = said(session, before, core(lesson_status="incomplete", exit="suspend"), CLOSED)
    assert suspended["verb"]["id"] == "http://adlnet.gov/expapi/verbs/suspended"
    assert suspended["result"] == {"completion": False}
    passed = core(lesson_status="passed", score={"raw": "90"})
    [terminated] = said(session, passed, passed, CLOSED)
    assert terminated["verb"]["id"] == "http://adlnet.gov/expapi/verbs/terminated"
    assert terminated["result"] == {"success": True, "completion": True, "score": {"scaled": 0.9}}


def test_a_session_opened_and_closed_in_one_commit_says_it_all_in_order(session):
    session.terminated_at = OPENED
    after = core(lesson_status="passed", score={"raw": "80"})
    assert verbs(said(session, {}, after, OPENED)) == [
        "initialized",
        "completed",
        "passed",
        "terminated",
    ]


def test_scorm_2004_reads_its_own_elements(session):
    session.progress.unit.package.standard = "scorm2004"
    before = {"cmi": {"completion_status": "incomplete", "success_status": "unknown"}}
    after = {
        "cmi": {
            "completion_status": "completed",
            "success_status": "passed",
            "score": {"scaled": "0.9"},
            "interactions": {
                "0": {
                    "id": "q1",
                    "type": "true-false",
                    "learner_response": "true",
                    "result": "correct",
                }
            },
        }
    }
    documents = said(session, before, after, LATER)
    assert verbs(documents) == ["responded", "completed", "passed"]
    assert documents[2]["result"]["score"] == {"scaled": 0.9}


def test_the_record_turns_a_scorm_commit_into_these_statements(session):
    event = events.ScormCommitted(session, {}, core(lesson_status="completed"), LATER)
    statements = statements_for(event, lrs_settings())
    assert [s.verb.id for s in statements] == [v.VERB_COMPLETED]
