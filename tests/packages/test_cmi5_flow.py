"""A cmi5 course end to end through Uptake's own endpoints: import, launch, the fetch URL,
LMS.LaunchData, the AU's statements through the LRS with its session credentials, moveOn,
satisfied statements and the course's completion; and what the AU's credentials may not do."""

import base64
import json
import uuid
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from lms.courses.packages import importing
from lms.courses.packages.models import LaunchSession, UnitProgress
from lms.courses.progress import get_enrollment
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.packages.fixtures.builders import au, cmi5, zipped

NOW = datetime(2026, 12, 6, 9, 0)
VERSION = {"X-Experience-API-Version": "1.0.3"}


def launch(client, course, position: int) -> dict:
    unit = course.package.units[position]
    response = client.post(f"/courses/{course.slug}/units/{unit.id}/launch")
    assert response.status_code == 302, response.get_data(as_text=True)
    address = urlsplit(response.headers["Location"])
    params = {name: values[0] for name, values in parse_qs(address.query).items()}
    return {"path": address.path, **params}


def fetch_token(client, launched: dict) -> dict:
    response = client.post(urlsplit(launched["fetch"]).path)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def au_headers(token: str) -> dict:
    return {**VERSION, "Authorization": f"Basic {token}"}


def launch_data(client, launched: dict, token: str) -> dict:
    response = client.get(
        "/xapi/activities/state",
        query_string={
            "stateId": "LMS.LaunchData",
            "activityId": launched["activityId"],
            "agent": launched["actor"],
            "registration": launched["registration"],
        },
        headers=au_headers(token),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def au_statement(launched, data, verb, *, result=None, moveon=False, category=True) -> dict:
    context = json.loads(json.dumps(data["contextTemplate"]))
    context["registration"] = launched["registration"]
    categories = context["contextActivities"].setdefault("category", [])
    if category:
        categories.append({"id": v.CMI5_CATEGORY})
    if moveon:
        categories.append({"id": v.CMI5_CATEGORY_MOVEON})
    if "masteryScore" in data and verb in (v.VERB_PASSED, v.VERB_FAILED):
        context["extensions"][v.CMI5_EXT_MASTERY_SCORE] = data["masteryScore"]
    statement = {
        "id": str(uuid.uuid4()),
        "actor": json.loads(launched["actor"]),
        "verb": {"id": verb},
        "object": {"id": launched["activityId"]},
        "context": context,
        "timestamp": "2026-12-06T09:00:00.000Z",
    }
    if result is not None:
        statement["result"] = result
    return statement


def send(client, token, statement):
    return client.put(
        "/xapi/statements",
        query_string={"statementId": statement["id"]},
        json=statement,
        headers=au_headers(token),
    )


def learner_preferences(client, launched: dict, token: str):
    return client.get(
        "/xapi/agents/profile",
        query_string={"agent": launched["actor"], "profileId": "cmi5LearnerPreferences"},
        headers=au_headers(token),
    )


def open_session(client, course, position):
    """Launch, fetch, and start up as an AU does: LMS.LaunchData, then the preferences."""
    launched = launch(client, course, position)
    token = fetch_token(client, launched)["auth-token"]
    data = launch_data(client, launched, token)
    assert learner_preferences(client, launched, token).get_json() == {
        "languagePreference": "en-US",
        "audioPreference": "on",
    }
    return launched, token, data


def registration_verbs(registration: str) -> list[str]:
    documents = db.session.scalars(
        select(Statement.document)
        .where(Statement.registration == registration)
        .order_by(Statement.id)
    )
    return [json.loads(document)["verb"]["id"].rsplit("/", 1)[1] for document in documents]


def test_the_launch_url_carries_the_five_parameters_and_an_lms_activity_id(
    client, package_course, learner
):
    launched = launch(client, package_course, 1)
    unit = package_course.package.units[1]
    assert launched["path"] == f"/packages/{package_course.package.files_key}/check.html"
    assert launched["lang"] == "en"  # the AU's own query string is kept
    assert launched["endpoint"].endswith("/xapi/")
    assert launched["activityId"] == unit.activity_id != unit.publisher_id
    actor = json.loads(launched["actor"])
    assert actor["account"]["name"] == f"uptake-{learner.id}" and "mbox" not in actor
    enrollment = get_enrollment(learner, package_course)
    assert launched["registration"] == enrollment.registration


def test_the_fetch_url_gives_the_token_once_then_error_code_1(client, package_course, learner):
    launched = launch(client, package_course, 0)
    first = fetch_token(client, launched)
    assert set(first) == {"auth-token"}
    key, _secret = base64.b64decode(first["auth-token"]).decode().split(":")
    assert key.startswith("cmi5-")
    assert fetch_token(client, launched) == {
        "error-code": "1",
        "error-text": "The authorization token has already been returned.",
    }
    assert client.post("/cmi5/fetch/not-a-token").get_json()["error-code"] == "2"


def test_launch_data_names_the_session_and_the_units_settings(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 1)
    session = db.session.scalar(select(LaunchSession))
    extensions = data["contextTemplate"]["extensions"]
    assert extensions[v.CMI5_EXT_SESSION_ID] == session.session_id
    grouping = data["contextTemplate"]["contextActivities"]["grouping"]
    assert {"id": "https://example.com/au/check"} in [{"id": a["id"]} for a in grouping]
    assert data["launchMode"] == "Normal"
    assert data["moveOn"] == "Passed"
    assert data["masteryScore"] == 0.8
    assert data["returnURL"].endswith("/courses/fire-safety/units")


def test_a_learner_completes_the_course_through_the_aus_statements(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 0)
    for statement in (
        au_statement(launched, data, v.VERB_INITIALIZED),
        au_statement(
            launched,
            data,
            v.VERB_COMPLETED,
            result={"completion": True, "duration": "PT1M"},
            moveon=True,
        ),
        au_statement(launched, data, v.VERB_TERMINATED, result={"duration": "PT1M"}),
    ):
        assert send(client, token, statement).status_code == 204
    enrollment = get_enrollment(learner, package_course)
    assert enrollment.completed_at is None  # the second unit is still to pass

    launched, token, data = open_session(client, package_course, 1)
    passed = {"success": True, "duration": "PT2M", "score": {"scaled": 0.9}}
    for statement in (
        au_statement(launched, data, v.VERB_INITIALIZED),
        au_statement(launched, data, v.VERB_PASSED, result=passed, moveon=True),
        au_statement(launched, data, v.VERB_TERMINATED, result={"duration": "PT2M"}),
    ):
        assert send(client, token, statement).status_code == 204

    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None
    rows = db.session.scalars(select(UnitProgress).order_by(UnitProgress.unit_id)).all()
    assert [row.satisfied_at is not None for row in rows] == [True, True]
    assert rows[1].score_scaled == 0.9
    verbs = registration_verbs(enrollment.registration)
    assert verbs[:4] == ["launched", "initialized", "completed", "terminated"]
    assert verbs[4:9] == ["launched", "initialized", "passed", "satisfied", "satisfied"]
    assert verbs[-1] == "terminated"
    # The terminated session's credentials are dead.
    again = au_statement(launched, data, v.VERB_INITIALIZED)
    assert send(client, token, again).status_code == 401


def test_the_course_page_shows_each_units_standing(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 0)
    send(client, token, au_statement(launched, data, v.VERB_INITIALIZED))
    page = client.get("/courses/fire-safety").get_data(as_text=True)
    assert "0 of 2 parts done" in page
    assert "started" in page and "pass mark 80%" in page


@pytest.mark.parametrize(
    "change, rule",
    [
        (lambda s: s["context"].update(registration=str(uuid.uuid4())), "registration"),
        (lambda s: s["object"].update(id="https://example.com/other"), "object"),
        (lambda s: s.update(verb={"id": v.VERB_LAUNCHED}), "launched"),
    ],
)
def test_an_au_statement_that_breaks_a_rule_is_refused_with_403(
    client, package_course, learner, change, rule
):
    launched, token, data = open_session(client, package_course, 0)
    assert send(client, token, au_statement(launched, data, v.VERB_INITIALIZED)).status_code == 204
    statement = au_statement(launched, data, v.VERB_INITIALIZED)
    change(statement)
    response = send(client, token, statement)
    assert response.status_code == 403
    assert (
        db.session.scalar(select(Statement).where(Statement.statement_id == statement["id"]))
        is None
    )


def test_the_first_statement_must_be_initialized(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 0)
    completed = au_statement(
        launched,
        data,
        v.VERB_COMPLETED,
        result={"completion": True, "duration": "PT1M"},
        moveon=True,
    )
    assert send(client, token, completed).status_code == 403


def test_an_au_cannot_void_read_statements_or_touch_launch_data(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 0)
    first = au_statement(launched, data, v.VERB_INITIALIZED)
    send(client, token, first)
    void = au_statement(launched, data, v.VERB_VOIDED if hasattr(v, "VERB_VOIDED") else "")
    void["verb"] = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    void["object"] = {"objectType": "StatementRef", "id": first["id"]}
    assert send(client, token, void).status_code == 403
    assert client.get("/xapi/statements", headers=au_headers(token)).status_code == 403
    state = {
        "stateId": "LMS.LaunchData",
        "activityId": launched["activityId"],
        "agent": launched["actor"],
        "registration": launched["registration"],
    }
    put = client.put(
        "/xapi/activities/state", query_string=state, json={"x": 1}, headers=au_headers(token)
    )
    assert put.status_code == 403
    someone_else = json.dumps({"account": {"homePage": "https://x.example", "name": "other"}})
    other = client.get(
        "/xapi/activities/state",
        query_string={**state, "agent": someone_else},
        headers=au_headers(token),
    )
    assert other.status_code == 403


def test_a_relaunch_abandons_the_open_session(client, package_course, learner):
    launched, token, data = open_session(client, package_course, 0)
    send(client, token, au_statement(launched, data, v.VERB_INITIALIZED))
    launch(client, package_course, 0)
    first, second = db.session.scalars(select(LaunchSession).order_by(LaunchSession.id)).all()
    assert first.abandoned_at is not None and second.abandoned_at is None
    enrollment = get_enrollment(learner, package_course)
    assert registration_verbs(enrollment.registration) == [
        "launched",
        "initialized",
        "abandoned",
        "launched",
    ]
    assert send(client, token, au_statement(launched, data, v.VERB_TERMINATED)).status_code == 401


def test_another_person_cannot_play_or_commit_a_session(
    client, package_course, learner, make_user, login
):
    launch(client, package_course, 0)
    session = db.session.scalar(select(LaunchSession))
    login(make_user(name="Other Person"))
    unit = session.progress.unit
    path = f"/courses/fire-safety/units/{unit.id}/play/{session.session_id}"
    assert client.get(path).status_code == 404


def test_a_required_package_course_is_the_next_step_counted_in_parts(app, client, make_user, login):
    learner = make_user(name="Nia New", hire_date=date.today())  # nothing else overdue
    login(learner)
    structure = cmi5(
        au("https://example.com/au/a", "a.html", attrs='moveOn="Completed"'),
        au("https://example.com/au/b", "b.html", attrs='moveOn="Completed"'),
    )
    data = zipped({"cmi5.xml": structure, "a.html": "A", "b.html": "B"})
    details = importing.CourseDetails(
        slug="fire-safety",
        kind="computer_literacy",
        minutes=15,
        job_roles=(learner.job_role,),
        required_for=((learner.job_role, 0),),  # due first
    )
    course = importing.import_package(
        importing.read_upload(data, "fire.zip"), details, origin="upload", actor=None, now=NOW
    )
    enrollment = get_enrollment(learner, course)
    assert enrollment.source == "curriculum" and enrollment.required
    launched, token, data = open_session(client, course, 0)
    completed = au_statement(
        launched,
        data,
        v.VERB_COMPLETED,
        result={"completion": True, "duration": "PT1M"},
        moveon=True,
    )
    for statement in (au_statement(launched, data, v.VERB_INITIALIZED), completed):
        assert send(client, token, statement).status_code == 204
    page = client.get("/").get_data(as_text=True)
    assert "Continue “Course”" in page
    assert "1 of 2 parts done." in page
    assert "Take the quiz" not in page


def test_an_admins_assignment_leaves_launched_first_in_the_registration(
    client, package_course, learner
):
    from lms import events
    from lms.courses.enrolment import assign_course

    enrollment = assign_course(learner, package_course, now=NOW, due_on=None, required=True)
    assigned = events.CoursesAssigned(
        people=(learner,), course=package_course, registered=(enrollment,), now=NOW
    )
    events.publish(assigned)  # Uptake's own "registered", as the assignment page records it
    launch(client, package_course, 0)
    assert registration_verbs(enrollment.registration) == ["launched"]
    mine = db.session.scalars(select(Statement.document).where(Statement.user_id == learner.id))
    registered = [json.loads(doc) for doc in mine if '/registered"' in doc]
    assert len(registered) == 1 and "registration" not in registered[0]["context"]


def test_no_statement_before_the_au_reads_the_learner_preferences(client, package_course, learner):
    launched = launch(client, package_course, 0)
    token = fetch_token(client, launched)["auth-token"]
    data = launch_data(client, launched, token)
    response = send(client, token, au_statement(launched, data, v.VERB_INITIALIZED))
    assert response.status_code == 403
    assert "cmi5LearnerPreferences" in response.get_json()["error"]["message"]
    assert learner_preferences(client, launched, token).status_code == 200
    assert send(client, token, au_statement(launched, data, v.VERB_INITIALIZED)).status_code == 204


def test_an_endpoint_joined_with_a_second_slash_is_served_not_redirected(
    client, package_course, learner
):
    launched, token, data = open_session(client, package_course, 0)
    statement = au_statement(launched, data, v.VERB_INITIALIZED)
    response = client.put(
        "/xapi//statements",
        query_string={"statementId": statement["id"]},
        json=statement,
        headers=au_headers(token),
    )
    assert response.status_code == 204


def test_an_au_reads_the_learner_preferences_and_never_writes_them(client, package_course, learner):
    launched, token, _data = open_session(client, package_course, 0)
    wanted = {"languagePreference": "fr-FR", "audioPreference": "off"}
    for method in (client.put, client.post):
        response = method(
            "/xapi/agents/profile",
            query_string={"agent": launched["actor"], "profileId": "cmi5LearnerPreferences"},
            json=wanted,
            headers={**au_headers(token), "If-None-Match": "*"},
        )
        assert response.status_code == 403
    no_agent = client.put(
        "/xapi/agents/profile",
        query_string={"profileId": "cmi5LearnerPreferences"},
        json=wanted,
        headers=au_headers(token),
    )
    assert no_agent.status_code == 400  # xAPI's rule first: the agent parameter is required


def test_failing_an_au_in_two_sessions_puts_the_learner_on_the_refresher(
    client, package_course, learner, course
):
    refresher = course("remedial-complete-profiles")
    package_course.remedial_course = refresher
    failed = {"success": False, "duration": "PT1M", "score": {"scaled": 0.5}}
    for _session in range(2):
        launched, token, data = open_session(client, package_course, 1)
        for statement in (
            au_statement(launched, data, v.VERB_INITIALIZED),
            au_statement(launched, data, v.VERB_FAILED, result=failed, moveon=True),
            au_statement(launched, data, v.VERB_TERMINATED, result={"duration": "PT1M"}),
        ):
            assert send(client, token, statement).status_code == 204
    assigned = get_enrollment(learner, refresher)
    assert assigned is not None and assigned.source == "remedial"
    assert get_enrollment(learner, package_course).completed_at is None
