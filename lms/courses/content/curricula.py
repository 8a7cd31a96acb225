"""Reading `curricula/<job_role>.yaml`: the courses a role must take, the skills its people
are coached in, and the communications that reach them."""

from pathlib import Path

from lms.courses.content.bundle import (
    CommunicationSpec,
    CourseSpec,
    CurriculumItemSpec,
    CurriculumSpec,
)
from lms.courses.content.courses import Vocabulary
from lms.courses.content.quiz import LONG_TEXT
from lms.courses.content.yaml_fields import (
    KEY,
    KEY_RULE,
    SLUG,
    SLUG_RULE,
    ContentProblem,
    Field,
    Source,
    UniqueKeys,
    read_slugs,
    read_yaml,
)

CURRICULUM_FIELDS = ("job_role", "coaching_target_days", "courses")
ITEM_FIELDS = ("course", "due_days")
COMMUNICATION_FIELDS = ("key", "title", "summary", "anchor", "offset_days", "channel")
ANCHORS = ("hire_date", "go_live")
CHANNELS = ("email", "in_app")


def read_curriculum(
    path: Path,
    display: str,
    vocabulary: Vocabulary,
    courses: dict[str, CourseSpec | None],
    problems: list[ContentProblem],
) -> CurriculumSpec | None:
    """The curriculum for the job role the file is named after. `courses` maps every course
    folder to its course, or to None when that course had problems of its own."""
    top = read_yaml(path, Source(display, problems))
    record = top.record(CURRICULUM_FIELDS, ["skills", "communications"]) if top else None
    if record is None:
        return None
    role = path.stem
    _check_job_role(record["job_role"], role, vocabulary)
    problems_before = len(problems)
    items = _read_items(record["courses"], role, courses)
    taught = _taught(items, courses) if len(problems) == problems_before else None
    return CurriculumSpec(
        job_role=role,
        coaching_target_days=record["coaching_target_days"].integer(minimum=1) or 0,
        courses=items,
        skills=_read_skills(record["skills"], vocabulary, taught),
        communications=_read_communications(record["communications"]),
    )


def _check_job_role(field: Field, role: str, vocabulary: Vocabulary) -> None:
    """The file is named after the role, so there is one curriculum per role."""
    known = vocabulary.job_roles
    value = field.text() if known is None else field.one_of(known, "job role")
    if value is not None and value != role:
        field.report(f'"{value}" must equal the file name ({role}.yaml)')


def _taught(items, courses: dict[str, CourseSpec | None]) -> set[str] | None:
    """The skills the curriculum's courses teach; None when a course could not be read."""
    if any(courses[item.course] is None for item in items):
        return None
    return {skill for item in items for skill in courses[item.course].skills}


def _read_items(field: Field, role: str, courses: dict[str, CourseSpec | None]):
    """Each course exists, is meant for this role, and is listed once."""
    unique = UniqueKeys("course")
    items = []
    for item in field.items() or ():
        record = item.record(ITEM_FIELDS)
        if record is None:
            continue
        slug = record["course"].one_of(courses, "course")
        due_days = record["due_days"].integer(minimum=0)
        if slug is not None and courses[slug] is not None and not courses[slug].is_for(role):
            roles = ", ".join(courses[slug].job_roles) or "none"
            record["course"].report(f'course "{slug}" is not for {role} (its job_roles: {roles})')
        if unique.claim(slug, record["course"]) and due_days is not None:
            items.append(CurriculumItemSpec(course=slug, due_days=due_days))
    return tuple(items)


def _read_skills(field: Field, vocabulary: Vocabulary, taught: set[str] | None) -> tuple[str, ...]:
    """Optional; a manager can only coach a skill that a course in the curriculum teaches."""
    if not field.present:
        return ()
    skills = read_slugs(field, SLUG, SLUG_RULE, vocabulary.skills, "skill") or {}
    for skill, item in skills.items():
        if taught is not None and skill not in taught:
            item.report(f'no course in this curriculum teaches the skill "{skill}"')
    return tuple(skills)


def _read_communications(field: Field) -> tuple[CommunicationSpec, ...]:
    if not field.present:
        return ()
    keys = UniqueKeys("communication key")
    communications = [_read_communication(item, keys) for item in field.items() or ()]
    return tuple(communication for communication in communications if communication)


def _read_communication(item: Field, keys: UniqueKeys) -> CommunicationSpec | None:
    record = item.record(COMMUNICATION_FIELDS)
    if record is None:
        return None
    key = record["key"].slug(KEY, KEY_RULE)
    if key is not None and not keys.claim(key, record["key"]):
        return None
    values = {
        "key": key,
        "title": record["title"].text(),
        "summary": record["summary"].text(LONG_TEXT),
        "anchor": record["anchor"].one_of(ANCHORS, "anchor"),
        "offset_days": record["offset_days"].integer(),
        "channel": record["channel"].one_of(CHANNELS, "channel"),
    }
    if None in values.values():
        return None
    return CommunicationSpec(**values)
