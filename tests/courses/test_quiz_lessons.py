"""Each quiz question names the lesson that covers it (`lesson:` in quiz.yaml), and a failed
attempt's page points each wrong question to it ("Read again: <lesson>") — never to the right
answer. Optional for authors: a question without one is a warning from `lms content check`; a
lesson the course does not have is a problem with its file and line. Every shipped question
names one."""

import re
from datetime import timedelta

from sqlalchemy import select

from lms.clock import utcnow
from lms.config import PROJECT_ROOT
from lms.courses import progress
from lms.courses import rules as r
from lms.courses.content.reading import content_warnings, read_content
from lms.courses.content.sync import sync_content
from lms.courses.models import Course
from lms.database import db
from tests.conftest import T0
from tests.courses.conftest import answers_for, shown_keys
from tests.courses.test_content_check import LEADS, at, edit, line_of, only_problem, tree  # noqa: F401
from tests.courses.test_quiz_feedback import fail, page, ready  # noqa: F401

QUIZ = f"{LEADS}/quiz.yaml"
SHIPPED = PROJECT_ROOT / "content"


def leads(content):
    return next(course for course in content.courses if course.slug == "handle-leads")


# Reading quiz.yaml.


def test_each_question_names_its_lesson(tree):  # noqa: F811
    content, problems = read_content(tree)
    assert problems == []
    assert [q.lesson for q in leads(content).questions] == [
        "find-your-leads",
        *["qualify-a-lead"] * 4,
    ]


def test_a_lesson_the_course_does_not_have_is_a_problem_at_its_line(tree):  # noqa: F811
    edit(tree, QUIZ, "lesson: qualify-a-lead", "lesson: qualify-lead", after="key: nurture")
    problem = only_problem(tree)
    line = line_of(tree, QUIZ, "lesson: qualify-lead")
    assert at(problem) == (f"content/{QUIZ}", line, "questions[2].lesson")
    assert problem.message == 'unknown lesson "qualify-lead" (did you mean "qualify-a-lead"?)'


def test_a_lesson_of_another_course_is_a_problem(tree):  # noqa: F811
    edit(tree, QUIZ, "lesson: find-your-leads", "lesson: four-checks")
    problem = only_problem(tree)
    assert problem.field == "questions[0].lesson"
    assert problem.message.startswith('unknown lesson "four-checks"')
    assert str(problem).startswith(f"content/{QUIZ}:{line_of(tree, QUIZ, 'four-checks')}: ")


def test_a_lesson_with_a_problem_of_its_own_is_reported_once(tree):  # noqa: F811
    (tree / LEADS / "find-your-leads.md").unlink()
    problem = only_problem(tree)
    assert problem.path == f"content/{LEADS}/course.yaml" and "find-your-leads.md" in str(problem)


def test_a_question_without_a_lesson_is_a_warning_not_a_problem(tree):  # noqa: F811
    edit(tree, QUIZ, "    lesson: qualify-a-lead\n", "", after="key: nurture")
    content, problems = read_content(tree)
    assert problems == [] and leads(content).questions[2].lesson is None
    assert [w for w in content_warnings(tree, content) if "name no lesson" in w] == [
        "content/courses/handle-leads/quiz.yaml: 1 of 5 questions name no lesson (nurture); "
        "add lesson: so a failed attempt can point to what to read again"
    ]


def test_check_prints_the_warning_and_still_passes(runner, tree):  # noqa: F811
    edit(tree, QUIZ, "    lesson: find-your-leads\n", "")
    result = runner.invoke(args=["content", "check", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert "1 of 5 questions name no lesson (first-contact)" in result.output


# Syncing: each question is linked to its lesson.


def lesson_of(slug: str, key: str) -> str | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    question = next(q for q in course.questions if q.key == key)
    return question.lesson.slug if question.lesson else None


def test_sync_links_each_question_to_its_lesson_and_follows_changes(app, tree):  # noqa: F811
    sync_content(tree, now=T0)
    assert lesson_of("handle-leads", "first-contact") == "find-your-leads"
    assert lesson_of("handle-leads", "nurture") == "qualify-a-lead"
    edit(tree, QUIZ, "lesson: qualify-a-lead", "lesson: hand-over", after="key: nurture")
    edit(tree, QUIZ, "    lesson: find-your-leads\n", "")
    report = sync_content(tree, now=T0 + timedelta(days=1))
    assert report["quiz questions"].updated == 2
    assert lesson_of("handle-leads", "nurture") == "hand-over"
    assert lesson_of("handle-leads", "first-contact") is None


# The attempt's page.


def test_a_wrong_question_points_to_a_lesson_the_learner_can_open():
    covered_by = {"a": "intro", "b": "managers-only", "c": None, "d": "intro"}
    assert r.lessons_to_read_again(["a", "b", "c"], covered_by, {"intro"}) == {"a": "intro"}


def sections(html: str) -> list[str]:
    """Each question's part of an attempt's page."""
    return html.split('<section class="card question')[1:]


def test_a_failed_attempt_points_each_wrong_question_to_its_lesson(ready, client):  # noqa: F811
    first, *_ = shown_keys(ready)  # right; the other questions shown wrong
    answers = answers_for(ready.course, right=False)
    answers[first] = answers_for(ready.course, right=True)[first]
    attempt = progress.submit_quiz(ready, answers, now=utcnow())
    db.session.commit()
    assert not attempt.passed
    html = page(client, f"/courses/computer-basics/quiz/attempts/{attempt.number}")
    for (question, choices), section in zip(attempt.as_shown(), sections(html), strict=True):
        link = re.search(r'Read again: <a href="([^"]+)">([^<]+)</a>', section)
        if section.startswith(" right"):
            assert link is None
        else:
            assert not [c.text for c in choices if c.correct and c.text in html]  # no key
            lesson = question.lesson
            assert link.groups() == (
                f"/courses/computer-basics/lessons/{lesson.slug}",
                lesson.title,
            )
            assert client.get(link.group(1)).status_code == 200
    assert [s.startswith(" right") for s in sections(html)] == [True] + [False] * 4


def test_the_full_review_points_to_the_lessons_too(ready, client):  # noqa: F811
    start = utcnow() - timedelta(hours=2)
    for n in range(3):
        attempt = fail(ready, at=start + timedelta(minutes=30 * n))
    html = page(client, f"/courses/computer-basics/quiz/attempts/{attempt.number}")
    assert "Correct answer: " in html
    assert html.count("Read again: ") == len(attempt.as_shown())


# The content as shipped.


def test_every_shipped_question_names_a_lesson_of_its_course():
    content, problems = read_content(SHIPPED)
    assert problems == []
    assert len(content.courses) == 18
    for course in content.courses:
        lessons = {lesson.slug for lesson in course.lessons}
        for question in course.questions:
            assert question.lesson in lessons, f"{course.slug}/{question.key}: {question.lesson}"
