"""Domain events: what a service announces, with `publish`, once it has made a change.

What follows each event is written in one place, top to bottom: `lms.reactions.react`.
`publish` hands the event to it. The two live apart because the services that publish are
the same services that reactions call: this module imports none of them (its imports of
models are for type checking only), so every domain can import it without a cycle.

Services publish an event after making their change and before the request commits, so
everything that follows happens in the same transaction: all of it lands, or none of it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lms.auth.models import Division, User
    from lms.coaching.models import CoachingSignOff, OnboardingCompletion
    from lms.courses.models import Course, Enrollment, Lesson, QuizAttempt
    from lms.courses.packages.models import LaunchSession, UnitProgress
    from lms.gamification.badges.rules import BadgeSpec
    from lms.gamification.models import BadgeAward, RewardGrant
    from lms.gamification.rules import Level
    from lms.practice.models import PracticeAttempt
    from lms.xapi.store.write import FreshStatement

_react: Callable[[object], None] | None = None


def publish(event) -> None:
    """Run what follows the event (`lms.reactions.react`) in the caller's transaction: if any
    of it fails, none of it (nor the change that caused it) is committed."""
    if _react is None:
        raise RuntimeError("No reactions are connected: create the app with lms.create_app().")
    _react(event)


def connect(react: Callable[[object], None]) -> None:
    """Hand published events to `react`. `create_app` connects `lms.reactions.react`; nothing
    else does."""
    global _react
    _react = react


@dataclass(frozen=True)
class PeopleJoined:
    """People were added, one by an admin or many by an import."""

    people: tuple["User", ...]
    now: datetime


@dataclass(frozen=True)
class JobRolesChanged:
    people: tuple["User", ...]
    now: datetime


@dataclass(frozen=True)
class PersonDeactivated:
    person: "User"
    now: datetime


@dataclass(frozen=True)
class CourseLaunched:
    enrollment: "Enrollment"
    now: datetime


@dataclass(frozen=True)
class LessonCompleted:
    enrollment: "Enrollment"
    lesson: "Lesson"
    now: datetime


@dataclass(frozen=True)
class QuizSubmitted:
    attempt: "QuizAttempt"
    now: datetime


@dataclass(frozen=True)
class CourseCompleted:
    enrollment: "Enrollment"
    now: datetime


@dataclass(frozen=True)
class UnitLaunched:
    """A package's unit (cmi5 AU, SCORM SCO) was launched: the session is open.
    `launch_url` is the URL the learner's browser was sent to."""

    session: "LaunchSession"
    launch_url: str
    now: datetime


@dataclass(frozen=True)
class UnitSessionAbandoned:
    """A cmi5 session was left without a Terminated statement: a new launch of the unit
    replaced it, or an admin closed it."""

    session: "LaunchSession"
    now: datetime


@dataclass(frozen=True)
class UnitWaived:
    """An admin waived a learner's unit (cmi5 waived: the requirement is met otherwise)."""

    progress: "UnitProgress"
    now: datetime


@dataclass(frozen=True)
class PackageNodesSatisfied:
    """A learner met the moveOn criteria of these blocks, and of the course itself when
    `course` is true (cmi5 satisfied statements). `session` is the launch that did it,
    None for a waiver."""

    enrollment: "Enrollment"
    block_ids: tuple[str, ...]  # publisher ids of the blocks newly satisfied
    course: bool
    session: "LaunchSession | None"
    now: datetime


@dataclass(frozen=True)
class ScormCommitted:
    """A SCORM SCO committed its runtime data: `before` and `after` are the data model
    (cmi.*) as stored before and after the commit, which the xAPI record turns into
    statements (ADL's SCORM-to-xAPI conventions)."""

    session: "LaunchSession"
    before: dict
    after: dict
    now: datetime


@dataclass(frozen=True)
class RemedialAssigned:
    """A person was put on a refresher: after failing `failed_course`'s quiz, or (with no
    failed course) after an adoption signal."""

    enrollment: "Enrollment"
    failed_course: "Course | None"
    now: datetime


@dataclass(frozen=True)
class CoursesAssigned:
    """An admin put people on a course (one person, or a whole division); `registered` are
    the enrolments it started (the others were on the course already: their due date moved)."""

    people: tuple["User", ...]
    course: "Course"
    registered: tuple["Enrollment", ...]
    now: datetime


@dataclass(frozen=True)
class ContentSynced:
    """content/ was loaded again: curricula (required courses and skills) may have changed."""

    now: datetime


@dataclass(frozen=True)
class CoachingStepSignedOff:
    sign_off: "CoachingSignOff"
    now: datetime


@dataclass(frozen=True)
class CoachingSignOffWithdrawn:
    """A sign-off was withdrawn; `fallen` are the later steps that fell back with it."""

    sign_off: "CoachingSignOff"
    fallen: tuple["CoachingSignOff", ...]
    now: datetime


@dataclass(frozen=True)
class OnboardingCompleted:
    completion: "OnboardingCompletion"
    now: datetime


@dataclass(frozen=True)
class OnboardingReopened:
    completion: "OnboardingCompletion"
    now: datetime


@dataclass(frozen=True)
class StatementsReceived:
    """An LRS client (the CRM, e-learning content) posted statements; `fresh` are those
    stored for the first time."""

    fresh: tuple["FreshStatement", ...]
    now: datetime


@dataclass(frozen=True)
class PracticeTaskPassed:
    """A check of a practice task against the training CRM passed, for the first time."""

    attempt: "PracticeAttempt"
    now: datetime


@dataclass(frozen=True)
class StatementsArchived:
    """Statements past retention were written to an archive and are being removed
    (`lms xapi prune`): what refers to them lets go of them first."""

    statement_pks: tuple[int, ...]
    now: datetime


@dataclass(frozen=True)
class BadgesEarned:
    """Badges awarded at once (a batch of statements can complete several people's): one
    event, so their statements are stored together rather than one store a badge."""

    awards: tuple[tuple["BadgeAward", "BadgeSpec"], ...]
    now: datetime


@dataclass(frozen=True)
class ChampionNamed:
    division: "Division"
    person: "User"
    now: datetime


@dataclass(frozen=True)
class LevelsReached:
    """People reached a level for the first time (the highest new one of each): one event
    for a whole batch, as for badges."""

    reached: tuple[tuple[int, "Level"], ...]  # (user id, level)
    now: datetime


@dataclass(frozen=True)
class RewardGranted:
    """HR granted a board's reward for one period; `board` names it in words ("Points this
    week, South")."""

    grant: "RewardGrant"
    board: str
    now: datetime
