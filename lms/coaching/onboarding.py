"""The onboarding gate: complete when every required course is done and every required
skill is signed off at step four. Never commits: the caller does.

Completion is recorded by `evaluate_onboarding` only, once, the moment the gate holds; it
runs after every event that can change the answer (see `lms.events.publish`). Anything that
asks for completion — a page, the CLI — calls `complete_onboarding`, which runs the same gate
and answers with exactly what is missing."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.models import User
from lms.coaching import queries, rules
from lms.coaching.models import OnboardingCompletion
from lms.database import db
from lms.errors import NotAllowed

CHUNK = 500


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


def evaluate_onboarding(people: Iterable[User], *, now: datetime) -> None:
    """Record completion for each active person the moment the gate holds (once: a live
    completion is never recorded twice), and reopen a live completion the gate no longer
    supports (their role gained a course or skill, or a step was withdrawn). Deactivated
    people are left as they are. Locks the people first, so concurrent requests for one
    person evaluate one after the other."""
    active = sorted({person.id: person for person in people if person.active}.values(), key=_id)
    for start in range(0, len(active), CHUNK):
        chunk = active[start : start + CHUNK]
        queries.lock_people([person.id for person in chunk])
        missing = list_missing(chunk)
        completions = live_completions([person.id for person in chunk])
        for person in chunk:
            _apply(person, missing[person.id], completions.get(person.id), now)


def evaluate_everyone(*, now: datetime) -> None:
    """After curricula change: every active person's gate, again."""
    evaluate_onboarding(db.session.scalars(select(User).where(User.active.is_(True))), now=now)


def _id(person: User) -> int:
    return person.id


def _apply(person: User, missing: list[str], completion, now: datetime) -> None:
    change = rules.gate_change(missing, completion is not None)
    if change == "complete":
        _record_completion(person, now)
    elif change == "reopen":
        completion.reopened_at = now
        completion.reopen_reason = "; ".join(missing)
        db.session.flush()
        events.publish(events.OnboardingReopened(completion=completion, now=now))


def _record_completion(person: User, now: datetime) -> None:
    completion = OnboardingCompletion(person=person, completed_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:
        return  # another request recorded it a moment ago: recorded once
    events.publish(events.OnboardingCompleted(completion=completion, now=now))


def complete_onboarding(person: User, *, now: datetime) -> OnboardingCompletion:
    """The only way to ask for completion: run the gate. Returns the completion (recorded
    now, or earlier); raises OnboardingIncomplete listing exactly what is missing."""
    if not person.active:
        raise NotAllowed(f"{person.name} is deactivated.")
    evaluate_onboarding([person], now=now)
    completion = live_completions([person.id]).get(person.id)
    if completion is None:
        raise rules.OnboardingIncomplete(person.name, list_missing([person])[person.id])
    return completion
