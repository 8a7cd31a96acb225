"""`sync_content` and the `lms content` commands, against a real database.

The session already holds the shipped content (conftest syncs it); tests sync the small
sample under samples/content on top, inside their own rolled-back transaction.
"""

import shutil
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from lms.auth.models import JobRole
from lms.config import PROJECT_ROOT
from lms.courses.content.sync import ContentInvalid, sync_content
from lms.courses.curricula import assign_curricula
from lms.courses.models import (
    Communication,
    Course,
    CurriculumItem,
    CurriculumSkill,
    Enrollment,
    JobRoleSettings,
    Lesson,
    LessonProgress,
    QuizChoice,
    QuizQuestion,
    Setting,
    Skill,
)
from lms.database import db
from tests.conftest import T0

SAMPLE = Path(__file__).parent / "samples" / "content"
LEADS = "courses/handle-leads"
T1, T2 = T0 + timedelta(days=1), T0 + timedelta(days=2)
TABLES = (
    JobRole,
    Skill,
    Course,
    Lesson,
    QuizQuestion,
    QuizChoice,
    CurriculumItem,
    CurriculumSkill,
    Communication,
    JobRoleSettings,
    Setting,
    Enrollment,
    LessonProgress,
)


@pytest.fixture
def tree(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def edit(tree: Path, name: str, old: str, new: str) -> None:
    path = tree / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def point_questions(tree: Path, course: str, old: str, new: str) -> None:
    """Make every question of the course that names lesson `old` name `new` instead: a
    lesson leaves content only with no question pointing at it."""
    path = tree / course / "quiz.yaml"
    path.write_text(path.read_text().replace(f"lesson: {old}\n", f"lesson: {new}\n"))


def copy_course(tree: Path, source: str, slug: str) -> None:
    shutil.copytree(tree / "courses" / source, tree / "courses" / slug)
    edit(tree, f"courses/{slug}/course.yaml", f"slug: {source}", f"slug: {slug}")


def row_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in TABLES
    }


def course(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def lessons_by_slug(slug: str) -> dict[str, Lesson]:
    return {lesson.slug: lesson for lesson in course(slug).lessons}


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.startswith("SELECT"):  # not the tests' savepoints
            statements.append(statement)

    engine = db.engines[None].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# All or nothing, and idempotent.


def test_second_sync_of_the_same_content_changes_nothing(app, tree):
    first = sync_content(tree, now=T0)
    assert first["courses"].created == 2 and first["lessons"].created == 5
    assert first["quiz choices"].created == 21 and first["curriculum courses"].created == 1
    synced_at = course("handle-leads").synced_at

    second = sync_content(tree, now=T1)

    assert second.total == 0, str(second)
    assert str(second).startswith("no changes")
    assert course("handle-leads").synced_at == synced_at


def test_resync_of_the_shipped_content_is_a_no_op(app):
    report = sync_content(PROJECT_ROOT / "content", now=T1)
    assert report.total == 0, str(report)


def test_invalid_content_writes_nothing(app, tree):
    edit(tree, f"{LEADS}/course.yaml", "kind: crm_application", "kind: crm_app")
    before = row_counts()

    with pytest.raises(ContentInvalid) as raised:
        sync_content(tree, now=T1)

    assert [str(problem) for problem in raised.value.problems] == [
        'content/courses/handle-leads/course.yaml:3: kind: unknown kind of training "crm_app"'
        ' (did you mean "crm_application"?)'
    ]
    assert not (db.session.new or db.session.dirty or db.session.deleted)
    assert row_counts() == before
    assert course("handle-leads") is None  # the sample's courses were never written


def test_sync_writes_the_sample_in_full(app, tree):
    sync_content(tree, now=T0)
    leads = course("handle-leads")
    assert leads.kind == "crm_application" and leads.pass_mark == 0.8 and leads.minutes == 12
    assert {role.slug for role in leads.job_roles} == {"sales_rep", "marketing"}
    assert [skill.slug for skill in leads.skills] == ["handle-leads"]
    assert leads.remedial_course.slug == "remedial-lead-basics"
    assert [lesson.slug for lesson in leads.lessons] == [
        "find-your-leads",
        "qualify-a-lead",
        "hand-over",
    ]
    assert [role.slug for role in leads.lessons[2].job_roles] == ["marketing"]
    assert "<table>" in leads.lessons[0].body_html
    assert course("remedial-lead-basics").for_all_roles
    assert len(leads.questions) == 5 and len(leads.questions[4].choices) == 3
    sales_rep = db.session.scalar(select(JobRole).where(JobRole.slug == "sales_rep"))
    items = db.session.scalars(
        select(CurriculumItem).where(CurriculumItem.job_role_id == sales_rep.id)
    )
    assert [(item.course.slug, item.due_days) for item in items] == [("handle-leads", 10)]
    assert db.session.get(JobRoleSettings, sales_rep.id).coaching_target_days == 14
    assert db.session.get(Setting, "go_live").value == "2026-09-07"
    assert db.session.get(Setting, "company").value == "Sample Components"


def test_courses_that_leave_content_are_retired_not_deleted(app, tree):
    shipped = db.session.scalar(select(func.count()).select_from(Course))
    report = sync_content(tree, now=T1)
    assert report["courses"].retired == shipped  # none of the shipped slugs is in the sample
    orientation = course("new-hire-orientation")
    assert orientation is not None and orientation.retired_at == T1

    copy_course(tree, "remedial-lead-basics", "remedial-duplicates")  # a shipped slug
    report = sync_content(tree, now=T2)
    assert course("remedial-duplicates").retired_at is None
    assert report["courses"].retired == 0


def test_sync_loads_each_table_in_a_fixed_number_of_queries(app, tree):
    """A no-op sync of 18 courses needs no more queries than one of 2 (no query per row)."""
    with counted_queries() as shipped:
        sync_content(PROJECT_ROOT / "content", now=T1)
    sync_content(tree, now=T1)
    with counted_queries() as sample:
        sync_content(tree, now=T2)
    assert len(shipped) == len(sample)


# People's progress survives content changes.


def test_removed_lesson_is_retired_and_progress_is_kept(app, tree, make_user):
    sync_content(tree, now=T0)
    person = make_user(job_role="sales_rep")
    leads = course("handle-leads")
    lessons = lessons_by_slug("handle-leads")
    enrollment = Enrollment(
        user=person, course=leads, source="curriculum", assigned_at=T0, started_at=T0
    )
    db.session.add(enrollment)
    for slug in ("find-your-leads", "qualify-a-lead"):
        db.session.add(
            LessonProgress(enrollment=enrollment, lesson_id=lessons[slug].id, completed_at=T0)
        )
    db.session.flush()
    edit(
        tree,
        f"{LEADS}/course.yaml",
        "  - slug: qualify-a-lead\n    title: Qualify a lead\n    minutes: 5\n",
        "",
    )
    (tree / LEADS / "qualify-a-lead.md").unlink()
    point_questions(tree, LEADS, "qualify-a-lead", "find-your-leads")

    report = sync_content(tree, now=T1)

    assert report["lessons"].retired == 1
    assert lessons["qualify-a-lead"].retired_at == T1
    assert lessons["find-your-leads"].retired_at is None
    assert lessons["hand-over"].position == 2 and lessons["hand-over"].retired_at is None
    done = db.session.scalars(
        select(LessonProgress.lesson_id).where(LessonProgress.enrollment_id == enrollment.id)
    )
    assert set(done) == {lessons["find-your-leads"].id, lessons["qualify-a-lead"].id}
    assert db.session.get(Enrollment, enrollment.id).started_at == T0


def test_lesson_that_comes_back_is_unretired(app, tree):
    sync_content(tree, now=T0)
    text = (tree / LEADS / "course.yaml").read_text()
    quiz = (tree / LEADS / "quiz.yaml").read_text()
    edit(
        tree,
        f"{LEADS}/course.yaml",
        "  - slug: find-your-leads\n    title: Find your leads\n    minutes: 4\n",
        "",
    )
    point_questions(tree, LEADS, "find-your-leads", "qualify-a-lead")
    (tree / LEADS / "find-your-leads.md").rename(tree / "find-your-leads.md")
    sync_content(tree, now=T1)
    lesson = lessons_by_slug("handle-leads")["find-your-leads"]
    assert lesson.retired_at == T1

    (tree / LEADS / "course.yaml").write_text(text)
    (tree / LEADS / "quiz.yaml").write_text(quiz)
    (tree / "find-your-leads.md").rename(tree / LEADS / "find-your-leads.md")
    report = sync_content(tree, now=T2)

    assert lesson.retired_at is None and lesson.position == 1
    assert report["lessons"].created == 0


def test_course_added_to_a_curriculum_is_assigned_to_people_already_there(app, tree, make_user):
    sync_content(tree, now=T0)
    person = make_user(job_role="sales_rep", hire_date=date(2026, 10, 1))
    assign_curricula([person], now=T0)
    copy_course(tree, "handle-leads", "manage-deals")
    edit(
        tree,
        "curricula/sales_rep.yaml",
        "    due_days: 10\n",
        "    due_days: 10\n  - course: manage-deals\n    due_days: 20\n",
    )

    report = sync_content(tree, now=T1)

    assert report["courses"].created == 1 and report["curriculum courses"].created == 1
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == person.id, Enrollment.course_id == course("manage-deals").id
        )
    )
    assert enrollment is not None and enrollment.source == "curriculum"
    assert enrollment.assigned_at == T1 and enrollment.due_on == date(2026, 10, 21)


# Quizzes.


def test_changed_choice_text_is_updated_in_place(app, tree):
    sync_content(tree, now=T0)
    question = course("handle-leads").questions[0]
    choice = next(choice for choice in question.choices if choice.key == "b")
    choice_id = choice.id
    edit(tree, f"{LEADS}/quiz.yaml", "text: Within a week.", "text: Within seven days.")

    report = sync_content(tree, now=T1)

    assert report["quiz choices"].updated == 1 and report.total == 1, str(report)
    assert db.session.get(QuizChoice, choice_id).text == "Within seven days."


def test_removed_question_is_retired_and_removed_choice_deleted(app, tree):
    sync_content(tree, now=T0)
    questions = {question.key: question for question in course("handle-leads").questions}
    edit(
        tree,
        f"{LEADS}/quiz.yaml",
        "      - key: c\n        text: A quote request.\n        correct: false\n"
        "        explanation: Quotes come later.\n",
        "",
    )
    text = (tree / LEADS / "quiz.yaml").read_text()
    start, end = text.index("  - key: nurture"), text.index("  - key: not-reachable")
    (tree / LEADS / "quiz.yaml").write_text(text[:start] + text[end:] + text[start:end])

    report = sync_content(tree, now=T1)

    assert report["quiz choices"].removed == 1
    assert [choice.key for choice in questions["which-checks"].choices] == ["a", "b"]
    assert questions["nurture"].retired_at is None and questions["nurture"].position == 5
    assert report["quiz questions"].updated == 3  # moved: nurture, not-reachable, which-checks


def test_communications_follow_the_file(app, tree):
    sync_content(tree, now=T0)
    edit(tree, "curricula/sales_rep.yaml", "offset_days: -7", "offset_days: -14")
    text = (tree / "curricula/sales_rep.yaml").read_text()
    (tree / "curricula/sales_rep.yaml").write_text(
        text[: text.index("  - key: welcome")].rstrip()
        + "\n"
        + text[text.index("  - key: go-live-reminder") :]
    )

    report = sync_content(tree, now=T1)

    assert report["communications"].removed == 1 and report["communications"].updated == 1
    keys = db.session.scalars(
        select(Communication.key).join(JobRole).where(JobRole.slug == "sales_rep")
    )
    assert list(keys) == ["go-live-reminder"]


# The commands.


def test_check_command_exit_codes(runner, tree):
    result = runner.invoke(args=["content", "check", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert "content OK: 2 courses, 5 lessons, 10 quiz questions, 1 curricula" in result.output

    edit(tree, f"{LEADS}/course.yaml", "pass_mark: 0.8", "pass_mark: 80")
    result = runner.invoke(args=["content", "check", "--dir", str(tree)])
    assert result.exit_code == 1
    assert (
        "content/courses/handle-leads/course.yaml:9: pass_mark: must be more than 0"
        in result.output
    )


def test_check_command_reads_the_configured_content_by_default(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content OK: ")


def test_sync_command_writes_nothing_when_content_is_invalid(runner, tree):
    edit(tree, f"{LEADS}/quiz.yaml", "key: nurture", "key: first-contact")
    before = row_counts()
    result = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert result.exit_code == 1
    assert 'questions[2].key: question key "first-contact" appears twice' in result.output
    assert row_counts() == before


def test_sync_command_loads_and_reports(runner, tree):
    result = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert "courses: 2 created" in result.output
    assert course("handle-leads") is not None
    result = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert result.exit_code == 0 and "no changes" in result.output
