"""Reading and validating content/ without a database.

`read_content(path)` returns the typed bundle (see `bundle`) and every problem found,
each with its file, line and field. The bundle is fit to load only when there are no problems.
`content_warnings(path, content)` names what is allowed but worth changing; it blocks nothing.
Files are read in a fixed order (vocabularies, rollout, courses, curricula, gamification), so
the problems come out in that order too.
"""

from pathlib import Path

from lms.adoption.content import read_adoption  # checked here, used via current_adoption()
from lms.courses.content.bundle import (
    Content,
    CourseSpec,
    CurriculumSpec,
    JobRoleSpec,
    Rollout,
    SkillSpec,
)
from lms.courses.content.courses import CourseReading, Vocabulary, read_course
from lms.courses.content.curricula import read_curriculum
from lms.courses.content.quiz import LONG_TEXT, answer_position_warning, no_lesson_warning
from lms.courses.content.rules import check_remedial_links
from lms.courses.content.yaml_fields import (
    ROLE_RULE,
    ROLE_SLUG,
    ContentProblem,
    Field,
    Source,
    UniqueKeys,
    read_yaml,
)
from lms.crm.connectors.base import RECORD_OBJECTS
from lms.crm.quality.content import PATH as QUALITY_PATH
from lms.crm.quality.content import read_quality_rules  # used via current_quality_rules()
from lms.gamification.content.reading import Vocabulary as GamificationVocabulary
from lms.gamification.content.reading import read_gamification

__all__ = ["Content", "ContentProblem", "content_warnings", "read_content"]


def read_content(path: Path) -> tuple[Content, list[ContentProblem]]:
    """Everything in the content folder at `path`, and every problem in it."""
    path, problems = Path(path), []
    display = path.name or str(path)
    job_roles = _read_job_roles(path / "job_roles.yaml", f"{display}/job_roles.yaml", problems)
    skills = _read_skills(path / "skills.yaml", f"{display}/skills.yaml", problems)
    rollout = _read_rollout(path / "rollout.yaml", f"{display}/rollout.yaml", problems)
    vocabulary = Vocabulary(
        job_roles=None if job_roles is None else frozenset(role.slug for role in job_roles),
        skills=None if skills is None else frozenset(skill.slug for skill in skills),
    )
    readings = _read_courses(path / "courses", f"{display}/courses", vocabulary, problems)
    # Curricula are checked only against courses that read cleanly (see CourseReading).
    folders = {
        slug: reading.course if reading and reading.clean else None
        for slug, reading in readings.items()
    }
    curricula = _read_curricula(
        path / "curricula", f"{display}/curricula", vocabulary, folders, problems
    )
    gamification = read_gamification(
        path / "gamification",
        f"{display}/gamification",
        GamificationVocabulary(
            courses=frozenset(readings),
            skills=vocabulary.skills,
            job_roles=vocabulary.job_roles,
        ),
        problems,
    )
    read_adoption(path / "adoption.yaml", f"{display}/adoption.yaml", frozenset(readings), problems)
    read_quality_rules(path / QUALITY_PATH, f"{display}/{QUALITY_PATH}", problems)
    content = Content(
        job_roles=job_roles or (),
        skills=skills or (),
        rollout=rollout,
        courses=tuple(reading.course for reading in readings.values() if reading),
        curricula=curricula,
        gamification=gamification,
    )
    return content, _in_file_order(problems)


def content_warnings(path: Path, content: Content) -> list[str]:
    """What in the content read from `path` is allowed but worth changing, each message
    starting with its file: quizzes whose right answers mostly share a position, and quiz
    questions that name no lesson to read again."""
    display = Path(path).name or str(path)
    warnings = []
    for course in content.courses:
        for check in (answer_position_warning, no_lesson_warning):
            warning = check(course.questions)
            if warning:
                warnings.append(f"{display}/courses/{course.slug}/quiz.yaml: {warning}")
    return warnings


def _in_file_order(problems: list[ContentProblem]) -> list[ContentProblem]:
    """Files in the order they were read, and each file's problems by line."""
    first_seen: dict[str, int] = {}
    for problem in problems:
        first_seen.setdefault(problem.path, len(first_seen))
    return sorted(problems, key=lambda problem: (first_seen[problem.path], problem.line or 0))


def _top_list(path: Path, source: Source) -> list[Field] | None:
    if not path.is_file():
        source.report(None, "", "is missing")
        return None
    top = read_yaml(path, source)
    return top.items() if top else None


def _read_job_roles(path: Path, display: str, problems) -> tuple[JobRoleSpec, ...] | None:
    """A list of {slug, title, description}; None when the file cannot be read at all."""
    items = _top_list(path, Source(display, problems))
    if items is None:
        return None
    slugs, roles = UniqueKeys("job role"), []
    for item in items:
        record = item.record(["slug", "title"], ["description"])
        if record is None:
            continue
        slug = record["slug"].slug(ROLE_SLUG, ROLE_RULE, max_length=60)
        title = record["title"].text(max_length=120)
        description = record["description"].text(max_length=500) or ""
        # A role with a bad title still counts as known, so mentions of it are not reported.
        if slugs.claim(slug, record["slug"]):
            roles.append(JobRoleSpec(slug=slug, title=title or "", description=description))
    return tuple(roles)


def _read_skills(path: Path, display: str, problems) -> tuple[SkillSpec, ...] | None:
    """A list of {slug, title, description}; None when the file cannot be read at all."""
    items = _top_list(path, Source(display, problems))
    if items is None:
        return None
    slugs, skills = UniqueKeys("skill"), []
    for item in items:
        record = item.record(["slug", "title"], ["description", *SKILL_USE_FIELDS])
        if record is None:
            continue
        slug = record["slug"].slug()
        title = record["title"].text()
        description = record["description"].text(LONG_TEXT) or ""
        objects = _crm_objects(record["crm_objects"])
        records, days = _proficient_from_use(record["proficient_from_use"], objects)
        if slugs.claim(slug, record["slug"]):
            skills.append(SkillSpec(slug, title or "", description, objects, records, days))
    return tuple(skills)


SKILL_USE_FIELDS = ("crm_objects", "proficient_from_use")
MAX_USE_DAYS = 365


def _crm_objects(field: Field) -> tuple[str, ...]:
    """The CRM objects a skill works on: a list of lead, contact, account, ..."""
    items = field.items() if field.present else []
    found = [item.one_of(RECORD_OBJECTS, "CRM object") for item in items or ()]
    return tuple(dict.fromkeys(obj for obj in found if obj))


def _proficient_from_use(field: Field, objects: tuple[str, ...]) -> tuple[int | None, int | None]:
    """{records: N, days: D}: N records of the skill's CRM objects in D days make a coach."""
    if not field.present:
        return None, None
    record = field.record(["records", "days"])
    if record is None:
        return None, None
    records = record["records"].integer(minimum=1)
    days = record["days"].integer(minimum=1)
    if days is not None and days > MAX_USE_DAYS:
        record["days"].report(f"must be at most {MAX_USE_DAYS} (a year), not {days}")
        days = None
    if not objects:
        field.report("needs crm_objects: the CRM objects whose records count")
        return None, None
    if records is None or days is None:
        return None, None
    return records, days


def _read_rollout(path: Path, display: str, problems) -> Rollout:
    """The company, what it calls its CRM, and the go-live date communications count from."""
    source = Source(display, problems)
    if not path.is_file():
        source.report(None, "", "is missing")
        return Rollout(company="", crm_name="", go_live=None)
    top = read_yaml(path, source)
    record = top.record(["company", "crm_name", "go_live"]) if top else None
    if record is None:
        return Rollout(company="", crm_name="", go_live=None)
    return Rollout(
        company=record["company"].text(max_length=500) or "",
        crm_name=record["crm_name"].text(max_length=500) or "",
        go_live=record["go_live"].day(),
    )


def _read_courses(
    folder: Path, display: str, vocabulary: Vocabulary, problems
) -> dict[str, CourseReading | None]:
    """One course per folder, by folder name (None: its course.yaml could not be read);
    remedial links are checked across them."""
    if not _is_folder(folder, display, problems):
        return {}
    readings: dict[str, CourseReading | None] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if not entry.is_dir():
            Source(f"{display}/{entry.name}", problems).report(None, "", "is not a course folder")
            continue
        readings[entry.name] = read_course(entry, f"{display}/{entry.name}", vocabulary, problems)
    check_remedial_links(readings)
    return readings


def _read_curricula(
    folder: Path,
    display: str,
    vocabulary: Vocabulary,
    courses: dict[str, CourseSpec | None],
    problems,
) -> tuple[CurriculumSpec, ...]:
    if not _is_folder(folder, display, problems):
        return ()
    curricula = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.suffix != ".yaml" or not entry.is_file():
            Source(f"{display}/{entry.name}", problems).report(
                None, "", "is not a curriculum: curricula are files named <job_role>.yaml"
            )
            continue
        curriculum = read_curriculum(
            entry, f"{display}/{entry.name}", vocabulary, courses, problems
        )
        if curriculum is not None:
            curricula.append(curriculum)
    return tuple(curricula)


def _is_folder(folder: Path, display: str, problems) -> bool:
    if folder.is_dir():
        return True
    Source(display, problems).report(None, "", "is missing: the folder must exist")
    return False
