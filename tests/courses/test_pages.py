"""The learner's pages, the team page and course assignment over HTTP: status codes,
redirects, permissions, and queries that do not grow with the number of courses."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from lms.clock import today
from lms.courses import progress
from lms.courses.curricula import assign_curricula
from lms.courses.enrolment import assign_course
from lms.database import db
from tests.conftest import PASSWORD, T0
from tests.courses.conftest import answers_for, lessons_of


@pytest.fixture
def learner(make_user):
    person = make_user(job_role="sales_rep")
    assign_curricula([person], now=T0)
    return person


@contextmanager
def counted_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engines[None].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_my_plan_lists_courses_and_communications(client, login, make_user):
    new_hire = make_user(job_role="sales_rep", hire_date=today())
    assign_curricula([new_hire], now=T0)
    login(new_hire)
    page = client.get("/").get_data(as_text=True)
    assert "My plan" in page and "0% of required training done" in page
    assert "orientation" in page.lower() and "not started" in page and "overdue" not in page
    assert "Communications" in page


def test_my_plan_queries_do_not_grow_with_courses(client, login, make_user, course):
    few, many = make_user(job_role="marketing"), make_user(job_role="marketing")
    slugs = [
        "computer-basics",
        "customer-data-standards",
        "crm-update-contacts",
        "crm-handle-leads",
        "lead-to-order",
        "crm-pipeline-reports",
        "crm-campaign-lists",
        "new-hire-orientation",
    ]
    for slug in slugs[:2]:
        assign_course(few, course(slug), now=T0, due_on=None)
    for slug in slugs:
        assign_course(many, course(slug), now=T0, due_on=None)
    db.session.commit()
    counts = []
    for email in (few.email, many.email):
        client.post("/login", data={"email": email, "password": PASSWORD})
        db.session.expunge_all()  # measure a cold request, as in production
        with counted_queries() as statements:
            assert client.get("/").status_code == 200
        counts.append(len(statements))
        client.post("/logout")
    assert counts[0] == counts[1], statements


def test_catalogue_filters_by_kind(client, login, learner):
    login(learner)
    page = client.get("/courses?kind=remedial").get_data(as_text=True)
    assert "refresher" in page.lower() or "Remedial" in page
    assert "Computer basics" not in page


def test_course_not_offered_to_the_role_is_404(client, login, make_user):
    login(make_user(job_role="marketing"))
    assert client.get("/courses/crm-service-cases").status_code == 404


def test_start_mark_done_and_pass_the_quiz(client, login, learner, course, enrollment_of):
    login(learner)
    target = course("lead-to-order")
    response = client.post("/courses/lead-to-order/start")
    first = lessons_of(target, learner)[0]
    assert response.headers["Location"].endswith(f"/courses/lead-to-order/lessons/{first.slug}")
    for lesson in lessons_of(target, learner):
        assert client.get(f"/courses/lead-to-order/lessons/{lesson.slug}").status_code == 200
        client.post(f"/courses/lead-to-order/lessons/{lesson.slug}/done")
    data = {f"q-{key}": keys for key, keys in answers_for(target, right=True).items()}
    response = client.post("/courses/lead-to-order/quiz", data=data)
    assert response.headers["Location"].endswith("/courses/lead-to-order/quiz/attempts/1")
    result = client.get("/courses/lead-to-order/quiz/attempts/1").get_data(as_text=True)
    assert "Passed" in result and "100%" in result
    assert enrollment_of(learner, target).completed_at is not None


def test_failed_quiz_shows_feedback_with_explanations(client, login, learner, course):
    login(learner)
    target = course("lead-to-order")
    enrollment = progress.get_enrollment(learner, target)
    for lesson in lessons_of(target, learner):
        progress.complete_lesson(enrollment, lesson, now=T0)
    db.session.commit()
    data = {f"q-{key}": keys for key, keys in answers_for(target, right=False).items()}
    client.post("/courses/lead-to-order/quiz", data=data)
    page = client.get("/courses/lead-to-order/quiz/attempts/1").get_data(as_text=True)
    [attempt] = enrollment.attempts
    question, choices = attempt.as_shown()[0]
    [chosen] = [c for c in choices if c.key in attempt.answers[question.key]]
    assert "Not passed yet" in page and "try again" in page
    assert chosen.explanation.split()[0] in page  # why the choice made is wrong


def test_unanswered_quiz_is_refused_with_a_message(client, login, learner, course):
    login(learner)
    target = course("lead-to-order")
    enrollment = progress.get_enrollment(learner, target)
    for lesson in lessons_of(target, learner):
        progress.complete_lesson(enrollment, lesson, now=T0)
    db.session.commit()
    page = client.post("/courses/lead-to-order/quiz", data={}).get_data(as_text=True)
    assert "Please answer question 1" in page
    assert enrollment.attempts == []


def test_lesson_of_another_role_is_404(client, login, learner, course, make_user):
    marketer_only = next(
        lesson
        for lesson in course("new-hire-orientation").lessons
        if lesson.job_roles and all(role.slug != "sales_rep" for role in lesson.job_roles)
    )
    login(learner)
    client.post("/courses/new-hire-orientation/start")
    assert (
        client.get(f"/courses/new-hire-orientation/lessons/{marketer_only.slug}").status_code == 404
    )


def test_lesson_without_enrolment_is_404(client, login, make_user):
    login(make_user(job_role="sales_rep"))
    assert client.get("/courses/lead-to-order/lessons/anything").status_code == 404


def test_team_page_is_for_managers(client, login, make_user):
    manager = make_user(job_role="sales_manager", name="Manager Mo")
    report = make_user(manager=manager, name="Report Rae")
    assign_curricula([report], now=T0)
    login(report)
    assert client.get("/team").status_code == 403
    client.post("/logout")
    login(manager)
    page = client.get("/team").get_data(as_text=True)
    assert "Report Rae" in page


def test_team_page_shows_remedial_and_overdue(client, login, make_user, course):
    manager = make_user(job_role="sales_manager")
    report = make_user(manager=manager)
    assign_curricula([report], now=T0)
    enrollment = progress.get_enrollment(report, course("lead-to-order"))
    for lesson in lessons_of(enrollment.course, report):
        progress.complete_lesson(enrollment, lesson, now=T0)
    for _ in range(2):
        progress.submit_quiz(enrollment, answers_for(enrollment.course, right=False), now=T0)
    db.session.commit()
    login(manager)
    page = client.get("/team").get_data(as_text=True)
    assert enrollment.course.remedial_course.title in page
    assert "overdue" in page  # hired 2026-10-01: the first courses were due long before today


def test_a_manager_sees_a_reports_plan_but_not_another_teams(client, login, make_user):
    manager, other_manager = (
        make_user(job_role="sales_manager"),
        make_user(job_role="sales_manager"),
    )
    report, stranger = make_user(manager=manager), make_user(manager=other_manager)
    login(manager)
    assert client.get(f"/people/{report.id}/plan").status_code == 200
    assert client.get(f"/people/{stranger.id}/plan").status_code == 404


def test_only_admins_assign_courses(client, login, make_user, enrollment_of, course):
    learner, admin = make_user(), make_user(roles=("admin",))
    login(learner)
    assert client.get("/courses/computer-basics/assign").status_code == 403
    client.post("/logout")
    login(admin)
    response = client.post(
        "/courses/crm-create-quotes/assign", data={"email": learner.email, "due_on": "2026-12-01"}
    )
    assert response.status_code == 302
    assert str(enrollment_of(learner, course("crm-create-quotes")).due_on) == "2026-12-01"


def test_assign_needs_a_person_or_a_division(client, login, make_user):
    login(make_user(roles=("admin",)))
    page = client.post("/courses/crm-create-quotes/assign", data={}).get_data(as_text=True)
    assert "either a person" in page


def test_anonymous_visitors_are_sent_to_log_in(client):
    for path in ("/", "/courses", "/courses/lead-to-order", "/team"):
        assert client.get(path).headers["Location"].startswith("/login")
