"""A SCORM 1.2 course end to end through Uptake's own endpoints: launch to the player, the
runtime's commits kept per SCO and checked, resuming where the learner left off, the course
completed when both SCOs are, and every commit in the LRS as statements."""

import json
from datetime import datetime
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from lms.courses.packages import importing
from lms.courses.packages.models import LaunchSession, UnitProgress
from lms.courses.progress import get_enrollment
from lms.database import db
from lms.xapi.models import Statement
from tests.conftest import PASSWORD
from tests.packages.fixtures.builders import sample_zip

NOW = datetime(2026, 12, 6, 9, 0)


@pytest.fixture
def scorm_course(app):
    details = importing.CourseDetails(
        slug="office-safety", kind="computer_literacy", minutes=10, for_all_roles=True
    )
    opened = importing.read_upload(sample_zip("scorm12-sample"), "office-safety.zip")
    return importing.import_package(opened, details, origin="upload", actor=None, now=NOW)


def launch(client, course, position: int) -> tuple[str, dict]:
    """The player page's path and the settings it hands the runtime."""
    unit = course.package.units[position]
    response = client.post(f"/courses/{course.slug}/units/{unit.id}/launch")
    assert response.status_code == 302
    path = urlsplit(response.headers["Location"]).path
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start = html.index('data-settings="') + len('data-settings="')
    settings = json.loads(unescape(html[start : html.index('"', start)]))
    assert f'src="/packages/{course.package.files_key}/{unit.url}"' in html
    return path, settings


def commit(client, settings, cmi: dict, *, finishing=False):
    url = settings["commitUrl"] + ("?terminate=true" if finishing else "")
    return client.post(url, json={"cmi": cmi})


def learner_verbs(person) -> list[str]:
    documents = db.session.scalars(
        select(Statement.document).where(Statement.user_id == person.id).order_by(Statement.id)
    )
    return [json.loads(document)["verb"]["id"].rsplit("/", 1)[1] for document in documents]


def test_the_player_hands_the_runtime_a_fresh_start(client, scorm_course, learner):
    _path, settings = launch(client, scorm_course, 0)
    assert settings["version"] == "1.2"
    core = settings["initialData"]["cmi"]["core"]
    assert core["entry"] == "ab-initio"
    assert core["student_name"] == "Learner, Lena"
    assert settings["csrfToken"]


def test_a_learner_completes_both_scos_and_the_course(client, scorm_course, learner):
    _path, settings = launch(client, scorm_course, 0)
    core = {"lesson_status": "completed", "exit": "", "session_time": "00:01:00"}
    response = commit(client, settings, {"core": core}, finishing=True)
    assert response.get_json() == {"result": True, "errorCode": 0}
    enrollment = get_enrollment(learner, scorm_course)
    assert enrollment.completed_at is None

    _path, settings = launch(client, scorm_course, 1)
    assert settings["initialData"]["cmi"]["student_data"]["mastery_score"] in ("80", 80, 80.0)
    core = {
        "lesson_status": "passed",
        "score": {"raw": "90", "min": "0", "max": "100"},
        "exit": "",
        "session_time": "00:02:00",
    }
    assert commit(client, settings, {"core": core}, finishing=True).status_code == 200

    db.session.refresh(enrollment)
    assert enrollment.completed_at is not None
    rows = db.session.scalars(select(UnitProgress).order_by(UnitProgress.unit_id)).all()
    assert [row.satisfied_at is not None for row in rows] == [True, True]
    assert rows[1].score_scaled == 0.9
    verbs = learner_verbs(learner)
    assert verbs.count("initialized") == 2 and verbs.count("terminated") == 2
    assert "passed" in verbs and verbs.count("completed") >= 2  # a SCO's and the course's
    page = client.get("/courses/office-safety").get_data(as_text=True)
    assert "2 of 2 parts done" in page


def test_a_relaunch_resumes_where_the_learner_left_off(client, scorm_course, learner):
    _path, settings = launch(client, scorm_course, 0)
    core = {"lesson_location": "page-3", "exit": "suspend", "lesson_status": "incomplete"}
    commit(client, settings, {"core": core, "suspend_data": "seen=1,2"}, finishing=True)
    _path, settings = launch(client, scorm_course, 0)
    cmi = settings["initialData"]["cmi"]
    assert cmi["core"]["entry"] == "resume"
    assert cmi["core"]["lesson_location"] == "page-3"
    assert cmi["suspend_data"] == "seen=1,2"
    commit(client, settings, {"core": {"lesson_location": "page-4"}})
    assert learner_verbs(learner) == ["initialized", "suspended", "resumed"]


def test_a_bad_commit_is_refused_naming_the_element_and_nothing_is_kept(
    client, scorm_course, learner
):
    _path, settings = launch(client, scorm_course, 1)
    bad = {"core": {"lesson_status": "passed", "score": {"raw": "900"}}}
    response = commit(client, settings, bad)
    assert response.status_code == 400
    assert "cmi.core.score.raw" in response.get_json()["error"]
    assert db.session.scalar(select(UnitProgress)).runtime_data is None
    assert client.post(settings["commitUrl"], data="not json").status_code == 400


def test_a_replaced_session_takes_no_more_commits(client, scorm_course, learner):
    _path, first = launch(client, scorm_course, 0)
    _path, _second = launch(client, scorm_course, 0)
    response = commit(client, first, {"core": {"lesson_status": "completed"}})
    assert response.status_code == 400
    assert "replaced by a later launch" in response.get_json()["error"]


def test_nobody_else_reaches_a_learners_player(app, client, scorm_course, learner, make_user):
    path, settings = launch(client, scorm_course, 0)
    other = app.test_client()
    person = make_user(name="Other Person")
    other.post("/login", data={"email": person.email, "password": PASSWORD})
    assert other.get(path).status_code in (302, 404)
    assert other.post(settings["commitUrl"], json={"cmi": {}}).status_code in (302, 404)
    assert db.session.scalar(select(LaunchSession)).initialized_at is None


def test_package_files_may_be_framed_by_uptake_alone_and_keep_their_own_scripts(
    client, scorm_course
):
    response = client.get(f"/packages/{scorm_course.package.files_key}/welcome.html")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(f"/packages/{'0' * 64}/welcome.html").status_code == 404
    assert client.get("/packages/not-a-key/welcome.html").status_code == 404
    key = scorm_course.package.files_key
    assert client.get(f"/packages/{key}/../../secret_key").status_code == 404


def test_failing_a_sco_twice_puts_the_learner_on_the_courses_refresher(
    client, scorm_course, learner, course
):
    refresher = course("remedial-complete-profiles")
    scorm_course.remedial_course = refresher
    _path, settings = launch(client, scorm_course, 1)
    failed = {"core": {"lesson_status": "failed", "score": {"raw": "40"}}}
    commit(client, settings, failed)
    commit(client, settings, failed, finishing=True)  # one session fails once, however often
    assert get_enrollment(learner, refresher) is None
    _path, settings = launch(client, scorm_course, 1)
    commit(client, settings, failed, finishing=True)
    assigned = get_enrollment(learner, refresher)
    assert assigned is not None and assigned.source == "remedial"
    assert assigned.reason == (
        "Assigned after 2 attempts at “Check” in “Uptake SCORM 1.2 sample” did not pass."
    )


def test_each_sessions_time_adds_to_the_total_the_next_launch_hands_back(
    client, scorm_course, learner
):
    for session_time in ("00:01:00", "00:02:30"):
        _path, settings = launch(client, scorm_course, 0)
        core = {"lesson_status": "incomplete", "session_time": session_time, "exit": "suspend"}
        commit(client, settings, {"core": core})  # mid-session: the total stays
        commit(client, settings, {"core": core}, finishing=True)
    _path, settings = launch(client, scorm_course, 0)
    assert settings["initialData"]["cmi"]["core"]["total_time"] == "0000:03:30.00"
