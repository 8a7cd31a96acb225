"""Suspicious bursts: a day on which a person's ledger rows far exceed their own usual.

The rule: on day D a person is flagged when they have at least MIN_COUNT rule-awarded
ledger rows that day and more than FACTOR times the median of their daily counts over their
previous USUAL_DAYS active days (days with at least one row, looking back at most
LOOKBACK_DAYS). Someone with no earlier active days has a median of zero, so any day of
MIN_COUNT or more is flagged. A flag is a prompt to look, not a verdict.
"""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from lms.auth.models import User
from lms.database import db
from lms.gamification.models import PointsEntry

FACTOR = 4
MIN_COUNT = 20
USUAL_DAYS = 28
LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class Burst:
    person: User
    day: date
    count: int
    usual: float  # median daily count over the previous active days


def is_burst(count: int, earlier_daily_counts: list[int]) -> tuple[bool, float]:
    """Pure form of the rule: (flagged, usual)."""
    recent = earlier_daily_counts[-USUAL_DAYS:]
    usual = statistics.median(recent) if recent else 0.0
    return count >= MIN_COUNT and count > FACTOR * usual, usual


def list_bursts(day: date) -> list[Burst]:
    """Everyone flagged on `day`, largest burst first."""
    start = datetime.combine(day, time())
    e = PointsEntry
    candidates = db.session.execute(
        select(e.user_id, func.count())
        .where(e.kind == "rule", e.earned_at >= start, e.earned_at < start + timedelta(days=1))
        .group_by(e.user_id)
        .having(func.count() >= MIN_COUNT)
    ).all()
    bursts = []
    for user_id, count in candidates:
        flagged, usual = is_burst(count, _earlier_counts(user_id, start))
        if flagged:
            bursts.append(Burst(db.session.get(User, user_id), day, count, usual))
    return sorted(bursts, key=lambda b: (-b.count, b.person.id))


def _earlier_counts(user_id: int, start: datetime) -> list[int]:
    """Daily counts of the person's active days before `start`, oldest first."""
    e = PointsEntry
    moments = db.session.scalars(
        select(e.earned_at).where(
            e.user_id == user_id,
            e.kind == "rule",
            e.earned_at >= start - timedelta(days=LOOKBACK_DAYS),
            e.earned_at < start,
        )
    )
    days = Counter(moment.date() for moment in moments)
    return [days[d] for d in sorted(days)]
