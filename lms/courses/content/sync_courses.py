"""Writing courses, their lessons, quizzes and practice tasks from validated content.

Nothing people have worked on is ever deleted: a lesson, question or practice task
(`sync_practice`) that leaves content is retired (kept, with the progress, answers and attempts
that refer to it) and comes back to life if it returns. Choices have no history of their own and
are simply replaced.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth.models import JobRole
from lms.courses.content.bundle import CourseSpec, LessonSpec, QuestionSpec
from lms.courses.content.sync_changes import (
    Changes,
    SyncReport,
    replace_members,
    retire_unwanted,
    upsert,
)
from lms.courses.content.sync_practice import (
    TasksBySlug,
    load_practice_tasks,
    retire_practice_tasks,
    sync_practice_tasks,
)
from lms.courses.models import Course, Lesson, QuizChoice, QuizQuestion, Skill
from lms.courses.packages.importing import attach_package
from lms.database import db
from lms.errors import DomainError


def sync_courses(
    specs: tuple[CourseSpec, ...],
    roles: dict[str, JobRole],
    skills: dict[str, Skill],
    report: SyncReport,
    now: datetime,
) -> dict[str, Course]:
    """Upsert every course by slug, link remedial courses once all exist, and retire the
    courses content no longer has, with their practice tasks. Returns the courses by slug."""
    courses, tasks = _load_courses(), load_practice_tasks()
    new = {spec.slug for spec in specs if spec.slug not in courses}
    for spec in specs:
        if spec.slug in courses and uploaded_package(courses[spec.slug]):
            raise DomainError(
                f"content/courses/{spec.slug}: “{spec.slug}” is the slug of a package course an "
                "admin uploaded (Admin → E-learning packages); rename the folder and its slug."
            )
    for spec in specs:
        course_tasks = tasks[courses[spec.slug].id] if spec.slug in courses else {}
        _sync_course(spec, courses, course_tasks, roles, skills, report, now)
    db.session.flush()  # new courses need ids before remedial links point at them
    for spec in specs:
        linked = _link_remedial(courses[spec.slug], courses.get(spec.remedial))
        if linked and spec.slug not in new:
            report["courses"].updated += 1
    wanted = {spec.slug for spec in specs}
    for course in courses.values():
        if course.slug in wanted or uploaded_package(course):
            continue
        retire_practice_tasks(tasks[course.id], report["practice tasks"], now)
        if course.retired_at is None:
            course.retired_at = now
            report["courses"].retired += 1
    return courses


def uploaded_package(course: Course) -> bool:
    """A course an admin uploaded as a package: content/ neither lists nor retires it."""
    return course.package is not None and course.package.origin == "upload"


def _load_courses() -> dict[str, Course]:
    """Every course with everything a sync compares, in one query per table."""
    query = select(Course).options(
        selectinload(Course.job_roles),
        selectinload(Course.skills),
        selectinload(Course.lessons).selectinload(Lesson.job_roles),
        selectinload(Course.questions).selectinload(QuizQuestion.choices),
        selectinload(Course.package),  # uploaded packages are left alone
    )
    return {course.slug: course for course in db.session.scalars(query)}


def _sync_course(
    spec: CourseSpec, courses, tasks: TasksBySlug, roles, skills, report: SyncReport, now
) -> None:
    values = {
        "title": spec.title,
        "kind": spec.kind,
        "summary": spec.summary,
        "minutes": spec.minutes,
        "for_all_roles": spec.for_all_roles,
        "pass_mark": spec.pass_mark,
        "quiz_draw": spec.quiz_draw,
        "retired_at": None,
    }
    created = spec.slug not in courses
    course, changed = upsert(
        courses,
        spec.slug,
        lambda **v: Course(slug=spec.slug, synced_at=now, **v),
        values,
        report["courses"],
    )
    links = replace_members(course.job_roles, [roles[slug] for slug in spec.job_roles])
    links |= replace_members(course.skills, [skills[slug] for slug in spec.skills])
    if links and not changed:
        report["courses"].updated += 1
    if spec.package is not None:
        db.session.flush()  # the package names the course by its id
        if attach_package(course, spec.package, origin="content", actor=None, now=now):
            report["courses"].updated += 0 if created or changed or links else 1
            course.synced_at = now
    parts = _sync_lessons(course, spec.lessons, roles, report["lessons"], now)
    parts |= _sync_questions(course, spec.questions, report, now)
    parts |= sync_practice_tasks(
        course, spec.practice, tasks, skills, report["practice tasks"], now
    )
    if not created and (changed or links or parts):
        course.synced_at = now


def _link_remedial(course: Course, remedial: Course | None) -> bool:
    """Point the course at its remedial course; whether the link changed."""
    remedial_id = remedial.id if remedial is not None else None
    if course.remedial_course_id == remedial_id:
        return False
    course.remedial_course_id = remedial_id
    return True


def _sync_lessons(course: Course, specs: tuple[LessonSpec, ...], roles, changes: Changes, now):
    """Lessons in content order; the ones content dropped are retired, not deleted, so the
    progress people made on them stays (it no longer counts towards the course)."""
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    changed = False
    for position, spec in enumerate(specs, start=1):
        values = {
            "position": position,
            "title": spec.title,
            "minutes": spec.minutes,
            "body_html": spec.body_html,
            "retired_at": None,
        }
        lesson, touched = upsert(
            lessons, spec.slug, _new_lesson(course, spec.slug), values, changes
        )
        linked = replace_members(lesson.job_roles, [roles[slug] for slug in spec.job_roles])
        if linked and not touched:
            changes.updated += 1
        changed |= touched or linked
    return retire_unwanted(lessons, {spec.slug for spec in specs}, changes, now) or changed


def _new_lesson(course: Course, slug: str):
    def make(**values) -> Lesson:
        lesson = Lesson(slug=slug, **values)
        course.lessons.append(lesson)
        return lesson

    return make


def _sync_questions(course: Course, specs: tuple[QuestionSpec, ...], report, now) -> bool:
    """Questions in content order, upserted by key, each linked to the lesson that covers
    it (lessons are synced first); dropped ones are retired so past attempts still make sense."""
    questions = {question.key: question for question in course.questions}
    lessons = {lesson.slug: lesson for lesson in course.lessons}
    changed = False
    for position, spec in enumerate(specs, start=1):
        values = {
            "position": position,
            "type": spec.type,
            "prompt": spec.prompt,
            "fixed_order": spec.fixed_order,
            "lesson": lessons.get(spec.lesson) if spec.lesson else None,
            "retired_at": None,
        }
        question, touched = upsert(
            questions, spec.key, _new_question(course, spec.key), values, report["quiz questions"]
        )
        changed |= touched | _sync_choices(question, spec, report["quiz choices"])
    wanted = {spec.key for spec in specs}
    return retire_unwanted(questions, wanted, report["quiz questions"], now) or changed


def _new_question(course: Course, key: str):
    def make(**values) -> QuizQuestion:
        question = QuizQuestion(key=key, **values)
        course.questions.append(question)
        return question

    return make


def _sync_choices(question: QuizQuestion, spec: QuestionSpec, changes: Changes) -> bool:
    """Choices upserted by key; a choice content dropped is deleted."""
    choices = {choice.key: choice for choice in question.choices}
    changed = False
    for position, choice in enumerate(spec.choices, start=1):
        values = {
            "position": position,
            "text": choice.text,
            "correct": choice.correct,
            "explanation": choice.explanation,
        }
        _, touched = upsert(choices, choice.key, _new_choice(question, choice.key), values, changes)
        changed |= touched
    wanted = {choice.key for choice in spec.choices}
    for key, choice in choices.items():
        if key not in wanted:
            question.choices.remove(choice)  # delete-orphan deletes the row
            changes.removed += 1
            changed = True
    return changed


def _new_choice(question: QuizQuestion, key: str):
    def make(**values) -> QuizChoice:
        choice = QuizChoice(key=key, **values)
        question.choices.append(choice)
        return choice

    return make
