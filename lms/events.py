"""Domain events, and `publish`: the one place that shows what follows each of them.

Services publish an event after making their change and before the request commits, so
everything that follows happens in the same transaction: all of it lands, or none of it.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from lms.adoption import aggregates as adoption_weeks
from lms.auth.models import Division, User
from lms.coaching import onboarding
from lms.courses import enrolment
from lms.gamification import badges, engine
from lms.xapi import record as learning_record

if TYPE_CHECKING:
    from lms.coaching.models import CoachingSignOff, OnboardingCompletion
    from lms.courses.models import Course, Enrollment, Lesson, QuizAttempt
    from lms.gamification.badge_rules import BadgeSpec
    from lms.gamification.models import BadgeAward
    from lms.xapi.store import FreshStatement


@dataclass(frozen=True)
class PeopleJoined:
    """People were added, one by an admin or many by an import."""

    people: tuple[User, ...]
    now: datetime


@dataclass(frozen=True)
class JobRolesChanged:
    people: tuple[User, ...]
    now: datetime


@dataclass(frozen=True)
class PersonDeactivated:
    person: User
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
class RemedialAssigned:
    enrollment: "Enrollment"
    failed_course: "Course"
    now: datetime


@dataclass(frozen=True)
class CoursesAssigned:
    """An admin put people on a course (one person, or a whole division)."""

    people: tuple[User, ...]
    course: "Course"
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
class BadgeEarned:
    award: "BadgeAward"
    badge: "BadgeSpec"
    now: datetime


@dataclass(frozen=True)
class ChampionNamed:
    division: Division
    person: User
    now: datetime


def publish(event) -> None:
    """Run what follows an event, top to bottom, in the caller's transaction: if any of it
    fails, none of it (nor the change that caused it) is committed."""
    stored = learning_record.record(event)  # 1. the xAPI statements the event stands for
    engine.apply(stored, now=event.now)  # 2. the points, badges and levels they earn
    match event:  # 3. what else follows
        case StatementsReceived(fresh, now):
            engine.apply(list(fresh), now=now)
            adoption_weeks.apply(fresh)  # weekly CRM use, for the adoption measures
        case ChampionNamed(_division, person, now):
            badges.award_champion_badges(person, now=now)
        case PeopleJoined(people, now):
            enrolment.assign_curricula(people, now=now)
            learning_record.link_earlier_statements(people)
            engine.apply_to_linked(people, now=now)
            adoption_weeks.apply_to_linked(people)
        case JobRolesChanged(people, now):
            enrolment.assign_curricula(people, now=now)
            onboarding.evaluate_onboarding(people, now=now)  # a new role may reopen it
        case ContentSynced(now):
            onboarding.evaluate_everyone(now=now)
        case CoursesAssigned(people, _course, now):
            onboarding.evaluate_onboarding(people, now=now)
        case CourseCompleted(enrollment, now) | RemedialAssigned(enrollment, _, now):
            onboarding.evaluate_onboarding([enrollment.user], now=now)
        case CoachingStepSignedOff(sign_off, now) | CoachingSignOffWithdrawn(sign_off, _, now):
            onboarding.evaluate_onboarding([sign_off.learner], now=now)
