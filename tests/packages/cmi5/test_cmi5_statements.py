"""The LMS's own cmi5 statements: launched, abandoned, waived and satisfied, as the package
events record them; each valid xAPI and shaped as cmi5 9.x and CATAPULT require."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import events
from lms.courses.enrolment import assign_course
from lms.courses.packages.cmi5_rules import block_activity_id, launch_url
from lms.courses.packages.models import CoursePackage, LaunchSession, PackageUnit, UnitProgress
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from lms.xapi.recording.record import record, statements_for
from lms.xapi.settings import lrs_settings
from lms.xapi.validation.formats import duration_seconds
from lms.xapi.validation.statements import validate_statement
from tests.conftest import T0

BASE = "http://lms.test"
COURSE_PUBLISHER = "https://example.com/course/1"
AU_PUBLISHER = "https://example.com/course/1/au/1"
BLOCK_PUBLISHER = "https://example.com/course/1/block/1"
COURSE_ACTIVITY = f"{BASE}/xapi/activities/packages/fire-safety"
AU_ACTIVITY = f"{BASE}/xapi/activities/packages/fire-safety/units/1"
CMI5_CATEGORY = {"id": v.CMI5_CATEGORY, "objectType": "Activity"}
MOVEON_CATEGORY = {"id": v.CMI5_CATEGORY_MOVEON, "objectType": "Activity"}


def grouping(*ids) -> list[dict]:
    return [{"id": iri, "objectType": "Activity"} for iri in ids]


@pytest.fixture
def enrollment(make_user, course):
    learner = make_user()
    learner.employee_id = None
    enrollment = assign_course(learner, course("lead-to-order"), now=T0, due_on=None)
    package = CoursePackage(
        course=enrollment.course,
        standard="cmi5",
        publisher_id=COURSE_PUBLISHER,
        activity_id=COURSE_ACTIVITY,
        structure={
            "children": [
                {"kind": "block", "publisher_id": BLOCK_PUBLISHER, "title": "Part one"},
            ]
        },
        files_key=None,
        origin="upload",
        imported_at=T0,
    )
    package.units.append(
        PackageUnit(
            position=0,
            publisher_id=AU_PUBLISHER,
            activity_id=AU_ACTIVITY,
            title="Exits and alarms",
            description="Where the exits are. ",
            url="https://cdn.example.com/au/index.html?paramA=1",
            move_on="Passed",
            mastery_score=0.8,
            launch_parameters="lang=fr",
        )
    )
    db.session.add(package)
    db.session.flush()
    return enrollment


@pytest.fixture
def progress(enrollment):
    unit = enrollment.course.package.units[0]
    row = UnitProgress(enrollment=enrollment, unit=unit, updated_at=T0)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def session(progress):
    row = LaunchSession(
        session_id=str(uuid.uuid4()), progress=progress, launch_mode="Normal", launched_at=T0
    )
    db.session.add(row)
    db.session.flush()
    return row


def documents_for(event) -> list[dict]:
    """The event's statements as stored, each checked against Uptake's xAPI validation."""
    built = [s.as_version("1.0.3") for s in statements_for(event, lrs_settings())]
    for document in built:
        validate_statement(document)
    return built


def stored(person, verb: str) -> list[dict]:
    query = select(Statement).where(Statement.user_id == person.id, Statement.verb_id == verb)
    return [json.loads(row.document) for row in db.session.scalars(query.order_by(Statement.id))]


def account(enrollment) -> dict:
    return {
        "objectType": "Agent",
        "account": {"homePage": BASE, "name": f"uptake-{enrollment.user.id}"},
    }


def test_launched_carries_the_launch_in_its_context(enrollment, session):
    url = launch_url(
        "https://cdn.example.com/au/index.html?paramA=1",
        endpoint=f"{BASE}/xapi/",
        fetch=f"{BASE}/cmi5/fetch/token",
        actor=account(enrollment),
        registration=enrollment.registration,
        activity_id=AU_ACTIVITY,
    )
    [launched] = documents_for(events.UnitLaunched(session=session, launch_url=url, now=T0))
    assert launched["actor"] == account(enrollment)
    assert launched["verb"]["id"] == "http://adlnet.gov/expapi/verbs/launched"
    assert launched["object"] == {
        "objectType": "Activity",
        "id": AU_ACTIVITY,
        "definition": {
            "name": {"en-US": "Exits and alarms"},
            "description": {"en-US": "Where the exits are."},
        },
    }
    assert "result" not in launched
    assert launched["timestamp"] == "2026-10-05T09:00:00+00:00"
    assert launched["context"] == {
        "registration": enrollment.registration,
        "platform": "Uptake",
        "contextActivities": {
            "category": [CMI5_CATEGORY],
            "grouping": grouping(AU_PUBLISHER, COURSE_PUBLISHER),
        },
        "extensions": {
            v.CMI5_EXT_SESSION_ID: session.session_id,
            v.CMI5_EXT_LAUNCH_MODE: "Normal",
            v.CMI5_EXT_LAUNCH_URL: "https://cdn.example.com/au/index.html?paramA=1",
            v.CMI5_EXT_MOVE_ON: "Passed",
            v.CMI5_EXT_LAUNCH_PARAMETERS: "lang=fr",
            v.CMI5_EXT_MASTERY_SCORE: 0.8,
        },
    }


def test_launched_leaves_out_the_mastery_score_and_parameters_a_unit_lacks(session):
    unit = session.progress.unit
    unit.mastery_score, unit.launch_parameters = None, None
    [launched] = documents_for(
        events.UnitLaunched(session=session, launch_url="https://cdn.example.com/au", now=T0)
    )
    assert set(launched["context"]["extensions"]) == {
        v.CMI5_EXT_SESSION_ID,
        v.CMI5_EXT_LAUNCH_MODE,
        v.CMI5_EXT_LAUNCH_URL,
        v.CMI5_EXT_MOVE_ON,
    }


def test_the_launch_is_recorded_in_the_lrs_as_the_learner(enrollment, session):
    record(events.UnitLaunched(session=session, launch_url="https://cdn.example.com/au", now=T0))
    [launched] = stored(enrollment.user, v.VERB_LAUNCHED)
    assert launched["object"]["id"] == AU_ACTIVITY
    assert launched["context"]["registration"] == enrollment.registration


def test_a_scorm_units_launch_is_not_a_cmi5_statement(enrollment, session):
    enrollment.course.package.standard = "scorm12"
    built = documents_for(events.UnitLaunched(session=session, launch_url="x", now=T0))
    assert [s for s in built if v.CMI5_EXT_SESSION_ID in s["context"].get("extensions", {})] == []


def test_abandoned_lasts_from_the_launch_to_the_aus_last_request(enrollment, session):
    session.last_seen_at = T0 + timedelta(minutes=7, seconds=30)
    [abandoned] = documents_for(
        events.UnitSessionAbandoned(session=session, now=T0 + timedelta(hours=2))
    )
    assert abandoned["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/abandoned"
    assert abandoned["actor"] == account(enrollment)
    assert abandoned["object"]["id"] == AU_ACTIVITY
    assert duration_seconds(abandoned["result"]["duration"]) == 450
    assert set(abandoned["result"]) == {"duration"}
    assert abandoned["context"]["registration"] == enrollment.registration
    assert abandoned["context"]["extensions"] == {v.CMI5_EXT_SESSION_ID: session.session_id}
    assert abandoned["context"]["contextActivities"]["category"] == [CMI5_CATEGORY]
    assert abandoned["timestamp"] == "2026-10-05T11:00:00+00:00"


def test_abandoned_without_a_request_from_the_au_lasts_until_now(session):
    [abandoned] = documents_for(
        events.UnitSessionAbandoned(session=session, now=T0 + timedelta(minutes=3))
    )
    assert duration_seconds(abandoned["result"]["duration"]) == 180


def test_waived_gives_the_reason_success_completion_and_a_session_of_its_own(
    enrollment, progress, session
):
    progress.waived_at, progress.waive_reason = T0, "Tested Out"
    [waived] = documents_for(events.UnitWaived(progress=progress, now=T0))
    assert waived["verb"]["id"] == "https://w3id.org/xapi/adl/verbs/waived"
    assert waived["actor"] == account(enrollment)
    assert waived["object"]["id"] == AU_ACTIVITY
    assert waived["result"] == {
        "success": True,
        "completion": True,
        "extensions": {v.CMI5_EXT_REASON: "Tested Out"},
    }
    context = waived["context"]
    assert context["registration"] == enrollment.registration
    assert context["contextActivities"] == {
        "category": [CMI5_CATEGORY, MOVEON_CATEGORY],
        "grouping": grouping(AU_PUBLISHER, COURSE_PUBLISHER),
    }
    waiver_session = context["extensions"][v.CMI5_EXT_SESSION_ID]
    assert uuid.UUID(waiver_session) and waiver_session != session.session_id
    [again] = documents_for(events.UnitWaived(progress=progress, now=T0))
    assert again["context"]["extensions"][v.CMI5_EXT_SESSION_ID] != waiver_session


def test_satisfied_blocks_then_the_course_in_the_session_that_met_them(enrollment, session):
    event = events.PackageNodesSatisfied(
        enrollment=enrollment, block_ids=(BLOCK_PUBLISHER,), course=True, session=session, now=T0
    )
    block, course = documents_for(event)
    assert [block["verb"]["id"], course["verb"]["id"]] == [v.VERB_SATISFIED, v.VERB_SATISFIED]
    assert block["object"] == {
        "objectType": "Activity",
        "id": block_activity_id(COURSE_ACTIVITY, BLOCK_PUBLISHER),
        "definition": {
            "type": "https://w3id.org/xapi/cmi5/activitytype/block",
            "name": {"en-US": "Part one"},
        },
    }
    assert course["object"] == {
        "objectType": "Activity",
        "id": COURSE_ACTIVITY,
        "definition": {
            "type": "https://w3id.org/xapi/cmi5/activitytype/course",
            "name": {"en-US": enrollment.course.title},
        },
    }
    for statement, publisher_id in ((block, BLOCK_PUBLISHER), (course, COURSE_PUBLISHER)):
        assert statement["actor"] == account(enrollment)
        assert "result" not in statement
        assert statement["context"] == {
            "registration": enrollment.registration,
            "platform": "Uptake",
            "contextActivities": {"category": [CMI5_CATEGORY], "grouping": grouping(publisher_id)},
            "extensions": {v.CMI5_EXT_SESSION_ID: session.session_id},
        }


def test_satisfied_outside_a_session_share_a_new_session_id(enrollment):
    event = events.PackageNodesSatisfied(
        enrollment=enrollment, block_ids=(BLOCK_PUBLISHER,), course=True, session=None, now=T0
    )
    block, course = documents_for(event)
    session_id = block["context"]["extensions"][v.CMI5_EXT_SESSION_ID]
    assert uuid.UUID(session_id)
    assert course["context"]["extensions"][v.CMI5_EXT_SESSION_ID] == session_id


def test_only_the_course_when_no_block_is_new(enrollment, session):
    event = events.PackageNodesSatisfied(
        enrollment=enrollment, block_ids=(), course=True, session=session, now=T0
    )
    [course] = documents_for(event)
    assert course["object"]["id"] == COURSE_ACTIVITY
    record(event)
    [stored_course] = stored(enrollment.user, v.VERB_SATISFIED)
    assert stored_course["object"]["definition"]["type"] == v.TYPE_CMI5_COURSE
