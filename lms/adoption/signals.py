"""Early-warning signals: each person's (or a team's summed) weekly CRM use and data
quality, judged by the rules in content/adoption.yaml; recorded per finished week by
`lms adoption signals`, so that what each one triggers is taken once per episode."""

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from lms.adoption import rules as r
from lms.adoption.content import AdoptionContent
from lms.adoption.models import AdoptionSignal, AdoptionWeek
from lms.auth.models import User
from lms.database import db
from lms.gamification.models import QualityTally

CHUNK = 2_000
KIND_ORDER = case({kind: n for n, kind in enumerate(r.SIGNAL_KINDS)}, value=AdoptionSignal.kind)


def load_histories(person_ids: list[int], week: date, content: AdoptionContent):
    """Each person's History ending with `week` (the week judged)."""
    length = r.history_length(content.signals)
    weeks = [week - timedelta(weeks=length - 1 - n) for n in range(length)]
    counts: dict[int, dict[date, r.WeekCounts]] = defaultdict(dict)
    query = select(AdoptionWeek).where(
        AdoptionWeek.user_id.in_(person_ids), AdoptionWeek.week_start.between(weeks[0], week)
    )
    for row in db.session.scalars(query):
        counts[row.user_id][row.week_start] = r.WeekCounts(row.inputs, row.outputs, row.reports)
    quality = _quality(person_ids, week, content)
    return {
        person_id: r.History(
            tuple(counts[person_id].get(w, r.WeekCounts()) for w in weeks),
            _average(*quality.get(person_id, (0, 0))),
        )
        for person_id in person_ids
    }


def _quality(person_ids, week: date, content) -> dict[int, tuple[int, int]]:
    """(score sum, samples) over the data-quality signal's window, per person."""
    spec = content.spec(r.DATA_QUALITY)
    if spec is None:
        return {}
    first = week - timedelta(weeks=spec.weeks - 1)
    query = (
        select(
            QualityTally.user_id, func.sum(QualityTally.score_sum), func.sum(QualityTally.samples)
        )
        .where(
            QualityTally.user_id.in_(person_ids),
            QualityTally.period == "week",
            QualityTally.period_start.between(first, week),
        )
        .group_by(QualityTally.user_id)
    )
    return {user_id: (total, samples) for user_id, total, samples in db.session.execute(query)}


def _average(total: int, samples: int) -> float | None:
    """Quality tallies keep scores in ten-thousandths."""
    return total / samples / 10_000 if samples else None


def evaluate_people(person_ids: list[int], week: date, content) -> dict[int, list[r.Signal]]:
    """The signals each person raises for the week (only people with any)."""
    found = {}
    for start in range(0, len(person_ids), CHUNK):
        chunk = person_ids[start : start + CHUNK]
        for person_id, history in load_histories(chunk, week, content).items():
            signals = r.evaluate(history, content.signals)
            if signals:
                found[person_id] = signals
    return found


def evaluate_team(person_ids: list[int], week: date, content) -> list[r.Signal]:
    """The same rules on the team's summed weeks: a team whose updating dropped as a whole."""
    if not person_ids:
        return []
    histories = list(load_histories(person_ids, week, content).values())
    weeks = tuple(
        r.WeekCounts(
            sum(h.weeks[n].inputs for h in histories),
            sum(h.weeks[n].outputs for h in histories),
            sum(h.weeks[n].reports for h in histories),
        )
        for n in range(len(histories[0].weeks))
    )
    quality = _quality(person_ids, week, content).values()
    summed = _average(sum(q[0] for q in quality), sum(q[1] for q in quality))
    found = r.evaluate(r.History(weeks, summed), content.signals)
    return [
        replace(s, reason=f"Together, the team: {s.reason[0].lower()}{s.reason[1:]}") for s in found
    ]


def record_signals(now: datetime, content: AdoptionContent) -> list[AdoptionSignal]:
    """Judge everyone active on the last finished week and record each signal raised, once
    (running again records nothing new). A signal raised the week before continues that
    episode (`since`)."""
    week = r.last_complete_week(now)
    people = list(db.session.scalars(select(User.id).where(User.active.is_(True))))
    raised = evaluate_people(people, week, content)
    recorded = _recorded(list(raised), [week - timedelta(weeks=1), week])
    new = []
    for person_id, signals in sorted(raised.items()):
        for signal in signals:
            if (person_id, signal.kind, week) in recorded:
                continue
            earlier = recorded.get((person_id, signal.kind, week - timedelta(weeks=1)))
            row = AdoptionSignal(
                user_id=person_id,
                kind=signal.kind,
                week_start=week,
                since=earlier.since if earlier else week,
                reason=signal.reason,
                value=signal.value,
                raised_at=now,
            )
            db.session.add(row)
            new.append(row)
    db.session.flush()
    return new


def _recorded(person_ids: list[int], weeks: list[date]) -> dict[tuple, AdoptionSignal]:
    found = {}
    for start in range(0, len(person_ids), CHUNK):
        query = select(AdoptionSignal).where(
            AdoptionSignal.user_id.in_(person_ids[start : start + CHUNK]),
            AdoptionSignal.week_start.in_(weeks),
        )
        for row in db.session.scalars(query):
            found[row.user_id, row.kind, row.week_start] = row
    return found


def latest_week() -> date | None:
    """The last week signals were recorded for."""
    return db.session.scalar(select(func.max(AdoptionSignal.week_start)))


@dataclass(frozen=True)
class SignalLine:
    """A recorded signal as the pages list it, with what its episode set off."""

    person_id: int
    name: str
    email: str
    kind: str
    reason: str
    since: date
    week_start: date
    response: str | None
    outcome: str | None

    @property
    def title(self) -> str:
        return r.SIGNAL_TITLES[self.kind]


def list_signals(
    week: date | None, person_ids: list[int] | None = None, *, limit: int | None = None
) -> list[SignalLine]:
    """The signals recorded for a week, by kind then name, each with the action of its
    episode (recorded on the episode's first week). One query, however many there are."""
    if week is None:
        return []
    s, first = AdoptionSignal, aliased(AdoptionSignal)
    episode = and_(first.user_id == s.user_id, first.kind == s.kind, first.week_start == s.since)
    query = (
        select(
            s.user_id, User.name, User.email, s.kind, s.reason, s.since, s.week_start,
            first.response, first.outcome,
        )
        .join(User, User.id == s.user_id)
        .outerjoin(first, episode)
        .where(s.week_start == week)
        .order_by(KIND_ORDER, func.lower(User.name), s.id)
        .limit(limit)
    )  # fmt: skip
    if person_ids is not None:
        query = query.where(s.user_id.in_(person_ids))
    return [SignalLine(*row) for row in db.session.execute(query)]


def count_signals(week: date | None, person_ids: list[int] | None = None) -> int:
    if week is None:
        return 0
    query = select(func.count()).where(AdoptionSignal.week_start == week)
    if person_ids is not None:
        query = query.where(AdoptionSignal.user_id.in_(person_ids))
    return db.session.scalar(query)


def count_by_kind(first: date, last: date) -> list[tuple[str, int, int]]:
    """(kind, signals raised, people) for the weeks from `first` to `last`."""
    query = (
        select(AdoptionSignal.kind, func.count(), func.count(func.distinct(AdoptionSignal.user_id)))
        .where(AdoptionSignal.week_start.between(first, last))
        .group_by(AdoptionSignal.kind)
    )
    counts = {kind: (raised, people) for kind, raised, people in db.session.execute(query)}
    return [(kind, *counts.get(kind, (0, 0))) for kind in r.SIGNAL_KINDS]
