"""Reading a course's optional `practice.yaml`: hands-on tasks for the skills the course
teaches, each with the check the training CRM is read against (`lms.practice.rules`).

A check asks for one record of one CRM object, created (or, where allowed, changed) by the
learner, whose fields each pass one test. Every field named must be a canonical CRM field,
so one task works with any connector that fills it."""

from collections.abc import Iterable
from pathlib import Path

from lms.courses.content.bundle import PracticeTaskSpec
from lms.courses.content.quiz import LONG_TEXT
from lms.courses.content.yaml_fields import (
    ContentProblem,
    Field,
    Record,
    Source,
    UniqueKeys,
    read_yaml,
)
from lms.courses.lesson_html import render_lesson
from lms.crm.connectors.base import CANONICAL_FIELDS, LEAD, RECORD_OBJECTS
from lms.practice.rules import (
    ACTIONS,
    AT_LEAST,
    AT_MOST,
    CONTAINS,
    CONVERTED,
    EQUALS,
    FILLED,
    FOLLOW_UPS,
    ONE_OF,
    TESTS,
    Check,
    Condition,
)

TASK_FIELDS = ("slug", "title", "skill", "instructions", "check")
CHECK_FIELDS = ("object", "action", "conditions")
# The objects each follow-up can happen to: only a lead is converted.
FOLLOW_UP_OBJECTS = {CONVERTED: (LEAD,)}
HINT_LENGTH = 500
SAYS_LENGTH = 200


class _Unread:
    """A test value that could not be read (reported); None is a valid value (`filled`)."""


UNREAD = _Unread()


def read_practice(
    folder: Path, display: str, course_skills: Iterable[str] | None, problems: list[ContentProblem]
) -> tuple[PracticeTaskSpec, ...]:
    """The course's practice tasks in file order; a course without `practice.yaml` has none.
    `course_skills` is None when the course's own skills could not be read, so a task's
    skill is then only checked for its format."""
    path = folder / "practice.yaml"
    if not path.is_file():
        return ()
    top = read_yaml(path, Source(f"{display}/practice.yaml", problems))
    record = top.record(["tasks"]) if top else None
    items = record["tasks"].items() if record else None
    if items is None:
        return ()
    if not items:
        record["tasks"].report("lists no task: a course without practice has no practice.yaml")
    skills = None if course_skills is None else tuple(course_skills)
    slugs = UniqueKeys("task slug")
    tasks = [_read_task(item, slugs, skills) for item in items]
    return tuple(task for task in tasks if task is not None)


def _read_task(
    item: Field, slugs: UniqueKeys, course_skills: tuple[str, ...] | None
) -> PracticeTaskSpec | None:
    record = item.record(TASK_FIELDS, ["hints"])
    if record is None:
        return None
    slug = record["slug"].slug()
    unique = slugs.claim(slug, record["slug"])
    title = record["title"].text()
    skill = _skill(record["skill"], course_skills)
    instructions = record["instructions"].text(LONG_TEXT)
    check = _read_check(record["check"])
    hints = _read_hints(record["hints"])
    if not unique or None in (title, skill, instructions, check, hints):
        return None
    return PracticeTaskSpec(
        slug=slug,
        title=title,
        skill=skill,
        instructions_html=render_lesson(instructions),
        check=check,
        hints=hints,
    )


def _skill(field: Field, course_skills: tuple[str, ...] | None) -> str | None:
    """A skill the course itself teaches: a task practises what its course taught."""
    skill = field.slug()
    if skill is None or course_skills is None or skill in course_skills:
        return skill
    if course_skills:
        field.report(
            f'"{skill}" is not a skill this course teaches; its skills: {", ".join(course_skills)}'
        )
    else:
        field.report(f'"{skill}" is not a skill this course teaches: its skills list is empty')
    return None


def _read_check(field: Field) -> Check | None:
    record = field.record(CHECK_FIELDS, ["then"])
    if record is None:
        return None
    obj = record["object"].one_of(RECORD_OBJECTS, "CRM object")
    action = record["action"].one_of(ACTIONS, "action")
    conditions = _read_conditions(record["conditions"])
    follow_up = _read_follow_up(record["then"], obj)
    if None in (obj, action, conditions) or follow_up is UNREAD:
        return None
    return Check(object=obj, action=action, conditions=conditions, then=follow_up)


def _read_follow_up(field: Field, obj: str | None) -> str | None | _Unread:
    """Optional: what must follow on the record (`converted`), for objects it can happen to."""
    if not field.present:
        return None
    follow_up = field.one_of(FOLLOW_UPS, "follow-up")
    if follow_up is None:
        return UNREAD
    allowed = FOLLOW_UP_OBJECTS[follow_up]
    if obj is not None and obj not in allowed:
        only = " or ".join(allowed)
        field.report(f'a check on "{obj}" cannot ask for {follow_up}: only a {only} is {follow_up}')
        return UNREAD
    return follow_up


def _read_conditions(field: Field) -> tuple[Condition, ...] | None:
    items = field.items()
    if items is None:
        return None
    if not items:
        field.report("a check needs at least one condition")
        return None
    conditions = [_read_condition(item) for item in items]
    return None if None in conditions else tuple(conditions)


def _read_condition(item: Field) -> Condition | None:
    """A canonical field, exactly one test of it, and optionally what is missing in words."""
    record = item.record(["field"], [*TESTS, "says"])
    if record is None:
        return None
    name = record["field"].one_of(CANONICAL_FIELDS, "CRM field")
    test = _the_test(item, record)
    value = _test_value(record[test], test) if test else UNREAD
    says = record["says"].text(SAYS_LENGTH) if "says" in record else ""
    if None in (name, test, says) or value is UNREAD:
        return None
    return Condition(field=name, test=test, value=value, says=says)


def _the_test(item: Field, record: Record) -> str | None:
    """One test key per condition: two would leave unclear whether both must hold."""
    tests = [test for test in TESTS if test in record]
    if not tests:
        item.report(f"names no test: give one of {', '.join(TESTS)}")
        return None
    if len(tests) > 1:
        record[tests[1]].report(
            f"a condition has one test, this one has {' and '.join(tests)}: "
            "write one condition per test"
        )
        return None
    return tests[0]


def _test_value(field: Field, test: str):
    """The value a test compares with: text, a list of texts, a number; None for `filled`."""
    if test == FILLED:
        return _filled(field)
    readers = {
        EQUALS: field.text,
        CONTAINS: field.text,
        ONE_OF: lambda: _options(field),
        AT_LEAST: field.number,
        AT_MOST: field.number,
    }
    value = readers[test]()
    return UNREAD if value is None else value


def _filled(field: Field) -> None | _Unread:
    """Only `filled: true`: `false` would pass an empty field and a filled one alike."""
    flag = field.flag()
    if flag is None:
        return UNREAD
    if not flag:
        field.report("must be true: filled: false checks nothing, so leave the condition out")
        return UNREAD
    return None


def _options(field: Field) -> tuple[str, ...] | None:
    items = field.items()
    if items is None:
        return None
    if not items:
        field.report("lists no value: give at least one")
        return None
    options = [item.text() for item in items]
    return None if None in options else tuple(options)


def _read_hints(field: Field) -> tuple[str, ...] | None:
    """Optional plain-text hints, in the order they are shown."""
    if not field.present:
        return ()
    items = field.items()
    if items is None:
        return None
    hints = [item.text(HINT_LENGTH) for item in items]
    return None if None in hints else tuple(hints)
