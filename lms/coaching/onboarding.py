"""Where a person's onboarding stands: complete (since when), or exactly what is missing —
every required course done, every required skill signed off at step four. Queries only; the
gate that records completion is gate.py."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.coaching import queries, rules
from lms.coaching.models import OnboardingCompletion
from lms.database import db


@dataclass(frozen=True)
class OnboardingStatus:
    """Where a person's onboarding stands: complete (with its date), or what is missing."""

    person: User
    completed_at: datetime | None
    missing: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


def list_missing(people: list[User]) -> dict[int, list[str]]:
    """What each person still lacks, by person id; an empty list means the gate holds.
    Four queries per chunk of people, however many courses and skills."""
    ids = [person.id for person in people]
    not_done = queries.required_courses_not_done(ids)
    skills = queries.required_skills(person.job_role_id for person in people)
    live = queries.list_live_steps(ids)
    missing = {}
    for person in people:
        reached = [
            (skill.title, rules.step_reached({s.step for s in live[(person.id, skill.id)]}))
            for skill in skills[person.job_role_id]
        ]
        missing[person.id] = rules.onboarding_missing(not_done[person.id], reached)
    return missing


def live_completions(person_ids: list[int]) -> dict[int, OnboardingCompletion]:
    rows = db.session.scalars(
        select(OnboardingCompletion).where(
            OnboardingCompletion.person_id.in_(person_ids),
            OnboardingCompletion.reopened_at.is_(None),
        )
    )
    return {row.person_id: row for row in rows}


def get_onboarding_status(person: User) -> OnboardingStatus:
    """The recorded state: complete if a live completion exists, else what is missing."""
    completion = live_completions([person.id]).get(person.id)
    if completion is not None:
        return OnboardingStatus(person, completion.completed_at)
    return OnboardingStatus(person, None, list_missing([person])[person.id])


def list_completions(person: User) -> list[OnboardingCompletion]:
    """Every completion of the person, reopened ones too, oldest first."""
    return list(
        db.session.scalars(
            select(OnboardingCompletion)
            .where(OnboardingCompletion.person_id == person.id)
            .order_by(OnboardingCompletion.completed_at, OnboardingCompletion.id)
        )
    )


def completed_since(people: list[User], since) -> list[User]:
    """Those of these people whose live onboarding completion was recorded at `since` or
    later (the gate runs with each sign-off: a sign-off that completed it, say)."""
    completions = live_completions([person.id for person in people])
    return [
        person
        for person in people
        if person.id in completions and completions[person.id].completed_at >= since
    ]
