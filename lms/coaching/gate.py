"""The onboarding gate: complete when every required course is done and every required
skill is signed off at step four. Never commits: the caller does.

Completion is recorded by `evaluate_onboarding` only, once, the moment the gate holds; it
runs after every event that can change the answer (see `lms.reactions.react`). Anything that
asks for completion — a page, the CLI — calls `complete_onboarding`, which runs the same gate
and answers with exactly what is missing."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.models import User
from lms.coaching import queries, rules
from lms.coaching.models import OnboardingCompletion
from lms.coaching.onboarding import list_missing, live_completions
from lms.database import db
from lms.errors import NotAllowed

CHUNK = 500


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
