"""What content/ says, as plain typed values: no database, no YAML nodes.

`reading.read_content` builds a `Content` from the files; `sync.sync_content` writes it
to the database.
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from lms.practice.rules import Check

if TYPE_CHECKING:
    from lms.courses.packages.archive import OpenedPackage
    from lms.gamification.content.reading import GamificationContent


@dataclass(frozen=True)
class JobRoleSpec:
    slug: str
    title: str
    description: str


@dataclass(frozen=True)
class SkillSpec:
    slug: str
    title: str
    description: str
    crm_objects: tuple[str, ...] = ()  # the CRM objects it works on (lms.crm.connectors.base)
    # A coach is proficient from their own CRM use: this many records of those objects they
    # created or last changed in the live CRM within this many days. None: by course only.
    proficient_records: int | None = None
    proficient_days: int | None = None


@dataclass(frozen=True)
class Rollout:
    company: str
    crm_name: str
    go_live: date | None


@dataclass(frozen=True)
class LessonSpec:
    slug: str
    title: str
    minutes: int
    job_roles: tuple[str, ...]  # empty: the lesson is for everyone on the course
    body_html: str  # rendered from Markdown and sanitised


@dataclass(frozen=True)
class ChoiceSpec:
    key: str
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    type: str  # "single" or "multiple"
    prompt: str
    choices: tuple[ChoiceSpec, ...]
    fixed_order: bool = False  # shown in file order on every attempt, never shuffled
    lesson: str | None = None  # slug of the course's lesson that covers it


@dataclass(frozen=True)
class PracticeTaskSpec:
    """A hands-on task of a course (`practice.yaml`), checked against the training CRM."""

    slug: str
    title: str
    skill: str  # one of the course's skills
    instructions_html: str  # rendered from Markdown and sanitised, like a lesson
    check: Check
    hints: tuple[str, ...]  # plain text, shown in order after failed checks


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    kind: str
    summary: str
    minutes: int
    for_all_roles: bool  # `job_roles: all`
    job_roles: tuple[str, ...]  # empty when for_all_roles
    skills: tuple[str, ...]
    pass_mark: float
    remedial: str | None  # slug of the course assigned after repeated quiz failure
    lessons: tuple[LessonSpec, ...]
    questions: tuple[QuestionSpec, ...]
    practice: tuple[PracticeTaskSpec, ...] = ()  # a course without practice.yaml has none
    quiz_draw: int | None = None  # questions drawn per attempt from the pool; None: all
    # A cmi5 or SCORM package, read and checked, instead of lessons and a quiz.
    package: "OpenedPackage | None" = None

    def is_for(self, job_role: str) -> bool:
        return self.for_all_roles or job_role in self.job_roles


@dataclass(frozen=True)
class CurriculumItemSpec:
    course: str
    due_days: int


@dataclass(frozen=True)
class CommunicationSpec:
    key: str
    title: str
    summary: str
    anchor: str  # "hire_date" or "go_live"
    offset_days: int
    channel: str  # "email" or "in_app"


@dataclass(frozen=True)
class CurriculumSpec:
    job_role: str
    coaching_target_days: int
    courses: tuple[CurriculumItemSpec, ...]
    skills: tuple[str, ...]
    communications: tuple[CommunicationSpec, ...]


@dataclass(frozen=True)
class Content:
    """Everything in content/, in file order."""

    job_roles: tuple[JobRoleSpec, ...]
    skills: tuple[SkillSpec, ...]
    rollout: Rollout
    courses: tuple[CourseSpec, ...]
    curricula: tuple[CurriculumSpec, ...]
    gamification: "GamificationContent"

    def summary(self) -> str:
        lessons = sum(len(course.lessons) for course in self.courses)
        questions = sum(len(course.questions) for course in self.courses)
        tasks = sum(len(course.practice) for course in self.courses)
        return (
            f"{len(self.courses)} courses, {lessons} lessons, {questions} quiz questions, "
            f"{len(self.curricula)} curricula, {tasks} practice tasks, "
            f"{len(self.job_roles)} job roles, {len(self.skills)} skills, "
            f"{self.gamification.summary()}"
        )
