"""The next step and the moments over HTTP: My plan's card (its words and its link) for a
learner in each situation, the quiz result after a pass and after a failure, Review on a
finished course, and the warning before the attempt that would assign a refresher."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.clock import today, utcnow
from lms.coaching.models import CoachingSignOff, OnboardingCompletion
from lms.courses import progress
from lms.courses.curricula import assign_curricula
from lms.courses.enrolment import assign_refresher
from lms.courses.models import Enrollment, Skill
from lms.database import db
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of, shown_keys

ORIENTATION = "new-hire-orientation"
READING_PACE = timedelta(minutes=5)  # the quiz points rules ask for a reading pace


@pytest.fixture
def new_hire(make_user):
    manager = make_user(name="Mona Manager")
    person = make_user(job_role="sales_rep", hire_date=today(), manager=manager)
    assign_curricula([person], now=T0)
    return person


def page_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def section(page: str, css_class: str) -> str:
    """The HTML of the page's first <section class="card <css_class>...">."""
    found = re.search(rf'<section class="card {css_class}.*?</section>', page, re.S)
    assert found, f"no {css_class} section"
    return found.group(0)


def words(markup: str) -> str:
    """Text with the tags dropped and the spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def card(page: str) -> str:
    return words(section(page, "next-step"))


def card_link(page: str) -> str:
    return re.search(r'class="button primary" href="([^"]+)"', section(page, "next-step")).group(1)


def enrollment_on(person, course) -> Enrollment:
    return progress.get_enrollment(person, course)


def finish_lessons(enrollment, person, *, at=T0):
    for lesson in lessons_of(enrollment.course, person):
        progress.complete_lesson(enrollment, lesson, now=at)


def sit(enrollment, *, right: bool, at=T0):
    """Open the quiz at `at` and answer every question shown, at a reading pace."""
    progress.open_sitting(enrollment, now=at)
    answers = answers_for(enrollment.course, right=right)
    shown = {key: answers[key] for key in shown_keys(enrollment)}
    return progress.submit_quiz(enrollment, shown, now=at + READING_PACE)


def pass_orientation(person, course) -> Enrollment:
    """Every lesson of the orientation, then its quiz passed (on it already, or self-enrolled)."""
    enrollment = progress.enroll_self(person, course(ORIENTATION), now=T0)
    finish_lessons(enrollment, person)
    sit(enrollment, right=True)
    return enrollment


def complete_every_course(person):
    for enrollment in db.session.scalars(select(Enrollment).where(Enrollment.user_id == person.id)):
        enrollment.started_at = enrollment.completed_at = T0
    db.session.flush()


# My plan's card --------------------------------------------------------------------------


def test_a_new_hire_is_told_to_start_the_course_due_first(client, login, new_hire, course):
    login(new_hire)
    page = page_of(client, "/")
    first = lessons_of(course(ORIENTATION), new_hire)[0]
    text = card(page)
    assert "Your next step" in text
    assert "Start “Welcome to the CRM at Northwind Components”" in text
    assert "Due in 3 days" in text and "Start the course" in text
    assert card_link(page) == f"/courses/{ORIENTATION}/lessons/{first.slug}"
    assert "0 of 10 courses done · coaching: 0 of 6 skills complete" in page


def test_a_course_started_is_continued_at_the_lesson_left_off(client, login, new_hire, course):
    enrollment = enrollment_on(new_hire, course(ORIENTATION))
    lessons = lessons_of(course(ORIENTATION), new_hire)
    progress.complete_lesson(enrollment, lessons[0], now=T0)
    progress.open_lesson(enrollment, lessons[1], now=T0)
    login(new_hire)
    page = page_of(client, "/")
    assert f"Continue: {lessons[1].title}" in card(page)
    assert f"1 of {len(lessons)} lessons done" in card(page)
    assert card_link(page) == f"/courses/{ORIENTATION}/lessons/{lessons[1].slug}"


def test_with_every_lesson_done_the_card_says_take_the_quiz(client, login, new_hire, course):
    finish_lessons(enrollment_on(new_hire, course(ORIENTATION)), new_hire)
    login(new_hire)
    page = page_of(client, "/")
    assert "Take the quiz of “Welcome to the CRM at Northwind Components”" in card(page)
    assert "the quiz is all that is left" in card(page)
    assert card_link(page) == f"/courses/{ORIENTATION}/quiz"


def test_a_refresher_comes_first_with_its_reason(client, login, new_hire, course):
    reason = "Assigned after 2 attempts at the “Handle leads in the CRM” quiz did not pass."
    refresher = course("remedial-qualification")
    assign_refresher(new_hire, refresher, reason=reason, due_on=today() + timedelta(7), now=T0)
    login(new_hire)
    page = page_of(client, "/")
    text = card(page)
    assert "Start “Refresher: qualifying leads”" in text and reason in text
    first = lessons_of(refresher, new_hire)[0]
    assert card_link(page) == f"/courses/{refresher.slug}/lessons/{first.slug}"


def test_an_overdue_course_comes_first(client, login, make_user):
    late = make_user(job_role="sales_rep", hire_date=today() - timedelta(days=30))
    assign_curricula([late], now=T0)
    login(late)
    text = card(page_of(client, "/"))
    due = today() - timedelta(days=27)
    assert f"Overdue: it was due on {due:%B} {due.day}, {due.year}." in text
    assert "Welcome to the CRM at Northwind Components" in text


def test_with_courses_done_the_card_asks_the_manager_for_coaching(client, login, new_hire):
    complete_every_course(new_hire)
    login(new_hire)
    page = page_of(client, "/")
    assert "Ask Mona Manager for coaching: step 1 (Demonstrate) in" in card(page)
    assert card_link(page) == f"/coaching/people/{new_hire.id}"
    assert "10 of 10 courses done · coaching: 0 of 6 skills complete" in page


def sign_every_skill(person, steps):
    for skill_id in db.session.scalars(select(Skill.id)):
        for step in steps:
            sign_off = CoachingSignOff(
                learner_id=person.id,
                skill_id=skill_id,
                step=step,
                coach_id=person.manager_id,
                signed_at=T0,
                note="Seen at work.",
            )
            db.session.add(sign_off)
    db.session.flush()


def test_before_the_practice_step_the_card_opens_a_practice_task(client, login, new_hire):
    complete_every_course(new_hire)
    sign_every_skill(new_hire, (1, 2))
    login(new_hire)
    page = page_of(client, "/")
    assert "Practise in the training CRM: “" in card(page)
    assert "your manager signs step 3 (Practice) once its practice" in card(page)
    assert re.fullmatch(r"/courses/crm-[a-z-]+/practice/[a-z-]+", card_link(page))


def test_once_onboarding_is_complete_all_done(client, login, new_hire):
    complete_every_course(new_hire)
    sign_every_skill(new_hire, (1, 2, 3, 4))
    db.session.add(OnboardingCompletion(person_id=new_hire.id, completed_at=T0))
    db.session.flush()
    login(new_hire)
    page = page_of(client, "/")
    assert "All done: your onboarding is complete" in card(page)
    assert card_link(page) == "/courses"


def test_the_detailed_list_is_grouped_and_collapsible(client, login, new_hire, course):
    enrollment = enrollment_on(new_hire, course(ORIENTATION))
    enrollment.started_at = enrollment.completed_at = T0
    login(new_hire)
    page = page_of(client, "/")
    to_do = re.search(
        r'<details class="card plan-group" id="courses-to-do" open>.*?</details>', page, re.S
    )
    done = re.search(
        r'<details class="card plan-group" id="courses-done">.*?</details>', page, re.S
    )
    assert "Courses to do" in to_do.group(0) and "(9)" in to_do.group(0)
    assert "Welcome to the CRM" not in to_do.group(0)
    assert "Welcome to the CRM" in done.group(0)
    assert 'id="communications"' in page and 'id="practice-and-coaching" open' in page


def test_someone_elses_plan_shows_progress_but_no_card(client, login, new_hire):
    login(new_hire.manager)
    page = page_of(client, f"/people/{new_hire.id}/plan")
    assert "next-step" not in page and "0 of 10 courses done" in page


# The course page and the quiz --------------------------------------------------------------


def test_a_finished_course_offers_review_not_resume(client, login, new_hire, course):
    pass_orientation(new_hire, course)
    login(new_hire)
    page = page_of(client, f"/courses/{ORIENTATION}")
    first = lessons_of(course(ORIENTATION), new_hire)[0]
    assert f'href="/courses/{ORIENTATION}/lessons/{first.slug}">Review</a>' in page
    assert "Resume" not in page and "Start course" not in page


def test_with_every_lesson_done_the_quiz_is_the_primary_button(client, login, new_hire, course):
    finish_lessons(enrollment_on(new_hire, course(ORIENTATION)), new_hire)
    login(new_hire)
    page = page_of(client, f"/courses/{ORIENTATION}")
    assert f'<a class="button primary" href="/courses/{ORIENTATION}/quiz">Take the quiz</a>' in page
    assert "Resume" not in page


def test_a_course_started_offers_resume(client, login, new_hire, course):
    enrollment = enrollment_on(new_hire, course(ORIENTATION))
    progress.open_lesson(enrollment, lessons_of(course(ORIENTATION), new_hire)[0], now=T0)
    login(new_hire)
    assert "Resume" in page_of(client, f"/courses/{ORIENTATION}")


def test_the_attempt_that_would_assign_a_refresher_is_warned_of(client, login, new_hire, course):
    leads = course("crm-handle-leads")
    enrollment = enrollment_on(new_hire, leads)
    finish_lessons(enrollment, new_hire)
    login(new_hire)
    assert "refresher-warning" not in page_of(client, f"/courses/{leads.slug}/quiz")
    sit(enrollment, right=False, at=utcnow())  # the sitting the page just laid out
    page = page_of(client, f"/courses/{leads.slug}/quiz")
    warning = re.search(r'<div class="flash flash-warning.*?</div>', page, re.S).group(0)
    assert "this is attempt 2" in warning and "pass mark of 80%" in warning
    assert "“Refresher: qualifying leads”, is added to your plan" in warning


def test_no_warning_for_a_course_without_a_refresher(client, login, new_hire, course):
    basics = course("computer-basics")
    assert basics.remedial_course is None
    enrollment = enrollment_on(new_hire, basics)
    finish_lessons(enrollment, new_hire)
    sit(enrollment, right=False)
    login(new_hire)
    assert "refresher-warning" not in page_of(client, f"/courses/{basics.slug}/quiz")


# The quiz result ---------------------------------------------------------------------------


def test_a_pass_shows_points_badge_level_and_the_next_course(client, login, new_hire, course):
    pass_orientation(new_hire, course)
    login(new_hire)
    celebration = section(page_of(client, f"/courses/{ORIENTATION}/quiz/attempts/1"), "celebration")
    text = words(celebration)
    # 20 for the pass at the first try, 10 for every answer right, 50 for the course
    assert "Course complete!" in text and "+80 points for this attempt" in text
    assert "Badge earned: First steps" in text
    assert "Level 2 reached: Explorer" in text  # the lessons' 5 each, then 80: past 100
    basics = lessons_of(course("computer-basics"), new_hire)[0]
    assert "Next course: Computer basics for working in the CRM" in text
    assert f'href="/courses/computer-basics/lessons/{basics.slug}"' in celebration


def test_a_failure_shows_nothing_earned(client, login, new_hire, course):
    enrollment = enrollment_on(new_hire, course(ORIENTATION))
    finish_lessons(enrollment, new_hire)
    sit(enrollment, right=False)
    login(new_hire)
    page = page_of(client, f"/courses/{ORIENTATION}/quiz/attempts/1")
    assert "celebration" not in page and "earned-points" not in page
    assert "Badge earned" not in page


def test_a_pass_with_nothing_else_on_the_plan_leads_back_to_my_plan(
    client, login, make_user, course
):
    person = make_user()  # no curriculum: nothing else on the plan
    pass_orientation(person, course)
    login(person)
    page = page_of(client, f"/courses/{ORIENTATION}/quiz/attempts/1")
    assert "+80 points</strong> for this attempt" in page
    assert "Next course" not in page
    assert '<a class="button primary" href="/">Back to your plan</a>' in page
