"""Points through the real flows with the shipped content (lessons, the quiz, CRM
statements posted to the LRS), the learner's points page, the level-up notice and HR's
manual points."""

from datetime import timedelta

from lms.courses import progress
from lms.courses.enrolment import assign_course
from lms.database import db
from lms.gamification.points.ledger import add_manual_entry, total_points
from lms.gamification.points.levels import unseen_level_up
from lms.gamification.points.rebuild import rebuild
from lms.gamification.ruleset import current_ruleset
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of
from tests.gamification.ledger_support import crm, entries
from tests.xapi.conftest import make_client  # noqa: F401  (a fixture)


def test_lessons_and_a_perfect_quiz_earn_once(make_user, course):
    ann = make_user(job_role="sales_rep")
    enrollment = assign_course(ann, course("lead-to-order"), now=T0, due_on=None)
    lessons = lessons_of(enrollment.course, ann)
    for lesson in lessons:
        progress.complete_lesson(enrollment, lesson, now=T0)
    progress.complete_lesson(enrollment, lessons[0], now=T0 + timedelta(minutes=5))  # refreshed
    progress.open_sitting(enrollment, now=T0)
    read_at_a_pace = T0 + timedelta(minutes=5)  # not a click-through (min_seconds_per_question)
    progress.submit_quiz(enrollment, answers_for(enrollment.course, right=True), now=read_at_a_pace)
    earned = {e.rule_key for e in entries(ann)}
    assert {"lesson-finished", "quiz-passed", "quiz-perfect", "course-completed"} <= earned
    lesson_points = [e for e in entries(ann) if e.rule_key == "lesson-finished"]
    assert len(lesson_points) == len(lessons)
    assert rebuild(current_ruleset(), now=T0) == []


def test_crm_statements_posted_to_the_lrs_earn_within_the_cap(client, make_user, make_client):  # noqa: F811
    ann = make_user()
    _, headers = make_client(SCOPE_WRITE, SCOPE_READ_ALL, name="CRM")
    batch = [crm(ann, "http://activitystrea.ms/schema/1.0/update", at=T0) for _ in range(12)]
    assert client.post("/xapi/statements", json=batch, headers=headers).status_code == 200
    assert total_points(ann.id) == 20  # crm-record-updated: 2 a statement, 20 a day
    assert client.post("/xapi/statements", json=batch, headers=headers).status_code == 200
    assert total_points(ann.id) == 20  # the same statements again earn nothing
    assert rebuild(current_ruleset(), now=T0) == []


def test_hr_adjusts_points_and_the_person_sees_the_reason(client, login, make_user):
    ann, hr = make_user(), make_user(roles=("hr",))
    login(hr)
    url = f"/people/{ann.id}/points"
    assert client.get(url).status_code == 200
    page = client.post(url, data={"points": "0", "reason": "x"})
    assert b"must not be 0" in page.data
    page = client.post(url, data={"points": "20000", "reason": "x"})
    assert b"between -10,000 and 10,000" in page.data
    page = client.post(url, data={"points": "5", "reason": ""})
    assert b"Say why" in page.data
    assert total_points(ann.id) == 0
    response = client.post(url, data={"points": "150", "reason": "Ran the CRM demo day"})
    assert response.status_code == 302
    assert total_points(ann.id) == 150
    assert unseen_level_up(ann.id).level == 2
    client.post("/logout")
    login(ann)
    page = client.get("/me/points").get_data(as_text=True)
    assert "Ran the CRM demo day" in page and "Bonus from HR" in page and "+150" in page
    assert "Level 2 reached" in page


def test_only_hr_and_admins_adjust_points(client, login, make_user):
    ann = make_user()
    login(make_user())
    assert client.get(f"/people/{ann.id}/points").status_code == 403
    assert (
        client.post(f"/people/{ann.id}/points", data={"points": "5", "reason": "x"}).status_code
        == 403
    )
    client.post("/logout")
    login(make_user(roles=("admin",)))
    assert client.get(f"/people/{ann.id}/points").status_code == 200
    assert client.get("/people/999999/points").status_code == 404


def test_dismissing_the_level_up_notice(client, login, make_user):
    ann, hr = make_user(), make_user(roles=("hr",))
    add_manual_entry(ann, 120, "Welcome", granted_by=hr, now=T0)
    from lms.gamification.points.levels import record_level_ups

    record_level_ups({ann.id}, current_ruleset().levels, T0)
    db.session.flush()
    login(ann)
    response = client.post("/me/level-up/dismiss", data={"next": "/me/points"})
    assert response.status_code == 302 and response.location.endswith("/me/points")
    assert unseen_level_up(ann.id) is None
    evil = client.post("/me/level-up/dismiss", data={"next": "//evil.example/"})
    assert evil.location.endswith("/me/points")


def test_my_points_pages_newest_first(client, login, make_user):
    ann, hr = make_user(), make_user(roles=("hr",))
    for n in range(55):
        add_manual_entry(ann, 1, f"reason {n}", granted_by=hr, now=T0 + timedelta(minutes=n))
    login(ann)
    first = client.get("/me/points").get_data(as_text=True)
    assert first.index("reason 54") < first.index("reason 53")
    assert "reason 4<" not in first
    assert "reason 4<" in client.get("/me/points?page=2").get_data(as_text=True)


def test_my_points_say_what_each_award_was_for(client, login, make_user, course):
    ann = make_user(job_role="sales_rep")
    enrollment = assign_course(ann, course("lead-to-order"), now=T0, due_on=None)
    lesson = lessons_of(enrollment.course, ann)[0]
    progress.complete_lesson(enrollment, lesson, now=T0)
    login(ann)
    page = client.get("/me/points").get_data(as_text=True)
    assert "Finished a lesson" in page
    assert f"· {lesson.title}" in page
