"""Reading one course folder: `course.yaml`, a Markdown file per lesson, `quiz.yaml`, and
`practice.yaml` when the course has practice tasks."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from lms.courses.content.bundle import CourseSpec, LessonSpec
from lms.courses.content.practice import read_practice
from lms.courses.content.quiz import LONG_TEXT, read_quiz
from lms.courses.content.yaml_fields import (
    ROLE_RULE,
    ROLE_SLUG,
    SLUG,
    SLUG_RULE,
    ContentProblem,
    Field,
    Record,
    Source,
    UniqueKeys,
    read_slugs,
    read_yaml,
)
from lms.courses.lesson_html import render_lesson
from lms.courses.packages.archive import Limits, OpenedPackage, read_package
from lms.courses.packages.structure import PackageError
from lms.courses.rules import KINDS

COURSE_FIELDS = (
    "slug",
    "title",
    "kind",
    "summary",
    "minutes",
    "job_roles",
    "skills",
    "pass_mark",
    "lessons",
)
PACKAGE_COURSE_FIELDS = (
    "slug",
    "title",
    "kind",
    "summary",
    "minutes",
    "job_roles",
    "skills",
    "package",
)
LESSON_FIELDS = ("slug", "title", "minutes")


@dataclass(frozen=True)
class Vocabulary:
    """The job roles and skills that content may name; None when their file could not be
    read, so one broken file does not make every mention of a role a second problem."""

    job_roles: frozenset[str] | None
    skills: frozenset[str] | None


@dataclass(frozen=True)
class CourseReading:
    """A course as read, with where its `remedial` link is written (for the link checks)
    and whether it read cleanly: checks in other files trust only a course that did, so one
    mistake is not reported again from every file that names the course."""

    course: CourseSpec
    remedial_field: Field
    clean: bool


def read_course(
    folder: Path, display: str, vocabulary: Vocabulary, problems: list[ContentProblem]
) -> CourseReading | None:
    """The course in `folder`; what cannot be read is reported and left at a blank value."""
    source, problems_before = Source(f"{display}/course.yaml", problems), len(problems)
    if not (folder / "course.yaml").is_file():
        source.report(None, "", "is missing: every course folder needs one")
        return None
    top = read_yaml(folder / "course.yaml", source)
    if top is not None and _names_field(top, "package"):
        return _read_package_course(top, folder, display, vocabulary, problems)
    record = top.record(COURSE_FIELDS, ["remedial"]) if top else None
    if record is None:
        return None
    for_all_roles, job_roles = _course_roles(record["job_roles"], vocabulary)
    # Lesson roles are checked against the course's only when the course lists its roles.
    lesson_roles = None if for_all_roles or not job_roles else set(job_roles)
    lessons = _read_lessons(record["lessons"], folder, display, vocabulary.job_roles, lesson_roles)
    skills = read_slugs(record["skills"], SLUG, SLUG_RULE, vocabulary.skills, "skill")
    questions, quiz_draw = read_quiz(folder, display, _listed(record["lessons"]), problems)
    course = CourseSpec(
        **_described(record, folder, for_all_roles, job_roles, skills),
        pass_mark=_pass_mark(record["pass_mark"]),
        remedial=record["remedial"].slug(),
        lessons=lessons,
        questions=questions,
        quiz_draw=quiz_draw,
        practice=read_practice(folder, display, skills, problems),
    )
    clean = len(problems) == problems_before
    return CourseReading(course=course, remedial_field=record["remedial"], clean=clean)


def _described(record: Record, folder: Path, for_all_roles, job_roles, skills) -> dict:
    """The fields every course has, lessons or package: who it is for and what it is."""
    return {
        "slug": _course_slug(record["slug"], folder),
        "title": record["title"].text() or "",
        "kind": record["kind"].one_of(KINDS, "kind of training") or "",
        "summary": record["summary"].text(LONG_TEXT) or "",
        "minutes": record["minutes"].integer(minimum=1) or 0,
        "for_all_roles": for_all_roles,
        "job_roles": job_roles,
        "skills": tuple(skills or ()),
    }


def _names_field(top: Field, name: str) -> bool:
    """Whether the file's top mapping has this field (before it is read as a record)."""
    node = top.node
    return isinstance(node, yaml.MappingNode) and any(key.value == name for key, _ in node.value)


def _read_package_course(
    top: Field, folder: Path, display: str, vocabulary: Vocabulary, problems: list[ContentProblem]
) -> CourseReading | None:
    """A course that is a cmi5 or SCORM package (`package: file.zip` in its folder): no
    lessons and no quiz, its units judge it. The package is read and checked here, so
    `lms content check` names what is wrong with it."""
    problems_before = len(problems)
    record = top.record(PACKAGE_COURSE_FIELDS, ["remedial"])
    if record is None:
        return None
    for_all_roles, job_roles = _course_roles(record["job_roles"], vocabulary)
    skills = read_slugs(record["skills"], SLUG, SLUG_RULE, vocabulary.skills, "skill")
    for extra in ("quiz.yaml", "practice.yaml"):
        if (folder / extra).is_file():
            Source(f"{display}/{extra}", problems).report(
                None, "", "a package course has no quiz or practice of Uptake's: remove it"
            )
    course = CourseSpec(
        **_described(record, folder, for_all_roles, job_roles, skills),
        pass_mark=1.0,
        remedial=record["remedial"].slug(),
        lessons=(),
        questions=(),
        package=_read_package(record["package"], folder),
    )
    clean = len(problems) == problems_before
    return CourseReading(course=course, remedial_field=record["remedial"], clean=clean)


def _read_package(field: Field, folder: Path) -> OpenedPackage | None:
    """The package file the field names, in the course's folder, read and checked."""
    name = field.text()
    if name is None:
        return None
    path = folder / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        field.report(f'"{name}" must be a file in the course folder (a .zip or cmi5.xml)')
        return None
    try:
        return read_package(path.read_bytes(), name, limits=Limits())
    except PackageError as error:
        field.report(str(error))
        return None


def _course_slug(field: Field, folder: Path) -> str:
    """The slug names the folder too, so the two cannot drift apart (and two folders can
    never claim one slug)."""
    slug = field.slug()
    if slug is not None and slug != folder.name:
        field.report(f'"{slug}" must equal the folder name "{folder.name}"')
    return folder.name


def _course_roles(field: Field, vocabulary: Vocabulary) -> tuple[bool, tuple[str, ...]]:
    """`all`, or a non-empty list of known job roles."""
    if field.is_word("all"):
        return True, ()
    if isinstance(field.node, yaml.ScalarNode):
        field.report("must be a list of job roles, or the word all")
        return False, ()
    roles = read_slugs(field, ROLE_SLUG, ROLE_RULE, vocabulary.job_roles, "job role")
    if roles is not None and not field.node.value:
        field.report("names no job role; write all for a course everyone takes")
    return False, tuple(roles or ())


def _pass_mark(field: Field) -> float:
    """A share of the questions: more than 0, at most 1."""
    value = field.number()
    if value is not None and not 0 < value <= 1:
        field.report(f"must be more than 0 and at most 1 (a share of the questions), not {value:g}")
        return 0.0
    return value or 0.0


def _read_lessons(
    field: Field,
    folder: Path,
    display: str,
    known_roles: frozenset[str] | None,
    course_roles: set[str] | None,
) -> tuple[LessonSpec, ...]:
    items = field.items()
    if items is None:
        return ()
    if not items:
        field.report("a course needs at least one lesson")
    slugs = UniqueKeys("lesson slug")
    lessons = []
    for item in items:
        record = item.record(LESSON_FIELDS, ["job_roles"])
        if record is None:
            continue
        lesson = _read_lesson(record, folder, display, known_roles, course_roles)
        if lesson is not None and slugs.claim(lesson.slug, record["slug"]):
            lessons.append(lesson)
    _report_stray_lessons(folder, display, items, field.source.problems)
    return tuple(lessons)


def _read_lesson(
    record: Record,
    folder: Path,
    display: str,
    known_roles: frozenset[str] | None,
    course_roles: set[str] | None,
) -> LessonSpec | None:
    slug = record["slug"].slug()
    title = record["title"].text()
    minutes = record["minutes"].integer(minimum=1)
    job_roles = _lesson_roles(record["job_roles"], known_roles, course_roles)
    body_html = _lesson_body(record["slug"], slug, folder, display) if slug else None
    if None in (slug, title, minutes, job_roles, body_html):
        return None
    return LessonSpec(
        slug=slug, title=title, minutes=minutes, job_roles=job_roles, body_html=body_html
    )


def _lesson_roles(
    field: Field, known_roles: frozenset[str] | None, course_roles: set[str] | None
) -> tuple[str, ...] | None:
    """Optional; each role must be one the course is for, or nobody could see the lesson."""
    if not field.present:
        return ()
    roles = read_slugs(field, ROLE_SLUG, ROLE_RULE, known_roles, "job role")
    if roles is None:
        return None
    for role, item in roles.items():
        if course_roles is not None and role not in course_roles:
            item.report(
                f'"{role}" is not one of the course\'s job_roles, so nobody would see this lesson'
            )
    return tuple(roles)


def _lesson_body(slug_field: Field, slug: str, folder: Path, display: str) -> str | None:
    """The lesson's Markdown as safe HTML. It must exist, say something, and not open with
    a title (the title comes from course.yaml)."""
    path = folder / f"{slug}.md"
    if not path.is_file():
        slug_field.report(f"no lesson file {slug}.md in {display}")
        return None
    source = Source(f"{display}/{slug}.md", slug_field.source.problems)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        source.report(None, "", "is not UTF-8 text")
        return None
    if not text.strip():
        source.report(None, "", "is empty: a lesson needs some content")
        return None
    first_line, line_number = _first_line(text)
    if first_line.startswith("# "):
        source.report(line_number, "", "starts with a title; the title comes from course.yaml")
        return None
    return render_lesson(text)


def _first_line(text: str) -> tuple[str, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            return line.strip(), number
    return "", 0


def _report_stray_lessons(
    folder: Path, display: str, items: list[Field], problems: list[ContentProblem]
) -> None:
    """A Markdown file no lesson names is likely a renamed or forgotten lesson."""
    listed = {_raw(item.node) for item in items}
    for path in sorted(folder.glob("*.md")):
        if path.stem not in listed:
            Source(f"{display}/{path.name}", problems).report(
                None,
                "",
                "is no lesson of this course: list it under lessons in course.yaml, or remove it",
            )


def _raw(node: yaml.Node) -> str | None:
    """The lesson slug as written, even when invalid, so its file is not reported twice."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if key.value == "slug" and isinstance(value, yaml.ScalarNode):
            return value.value
    return None


def _listed(field: Field) -> frozenset[str] | None:
    """The lesson slugs as written (a lesson with a problem of its own still counts, so a
    quiz naming it is not reported too); None when there are none to read (reported once,
    by the lessons)."""
    if not isinstance(field.node, yaml.SequenceNode):
        return None
    return frozenset(slug for slug in map(_raw, field.node.value) if slug) or None
