"""The quarterly governance summary for the steering meeting: adoption against target and
its trend, the top signals, coaching and training completion, incentives granted, and open
feedback — for one calendar quarter (weeks that end in it, up to today)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from lms.adoption import charts, measures, signals
from lms.adoption import rules as r
from lms.adoption.content import AdoptionContent
from lms.auth.models import User
from lms.courses.models import Enrollment
from lms.database import db
from lms.feedback.models import Feedback
from lms.feedback.rules import AREAS, STATUSES
from lms.gamification.incentives.rewards import board_words
from lms.gamification.models import RewardGrant
from lms.localisation import short_day_text

OPEN_FEEDBACK = ("new", "planned")


@dataclass(frozen=True)
class Summary:
    label: str  # e.g. 2026-Q4
    first: date
    last: date
    target: float
    weekly: dict[str, list[measures.WeekRow]]
    trend_chart: object
    signal_counts: list[tuple[str, str, int, int]]  # (kind, title, raised, people)
    coaching: measures.Funnel
    training: tuple[int, int, int]  # required enrolments: total, completed, completed in quarter
    rewards: list[tuple[RewardGrant, str]]  # each grant with its board and period in words
    feedback_open: list[tuple[str, int]]  # (area, open reports), most first
    feedback_by_status: list[tuple[str, int]]
    produced_on: date

    @property
    def previous(self) -> str:
        return quarter_label(self.first - timedelta(days=1))

    @property
    def end_row(self) -> measures.WeekRow:
        return self.weekly[measures.COMPANY][-1]


def get_summary(quarter, today: date, content: AdoptionContent, target_percent: int) -> Summary:
    first, last = quarter
    weeks = [w for w in measures.quarter_weeks(first, last) if w <= r.week_of(today)]
    weeks = weeks or [r.week_of(min(last, today))]
    weekly = measures.get_weekly(weeks)
    company = weekly[measures.COMPANY]
    target = target_percent / 100
    labels = [short_day_text(week) for week in weeks]
    chart = charts.line_chart(
        "Adoption rate by week this quarter",
        labels,
        [charts.Series(measures.COMPANY, tuple(row.rate for row in company))],
        target,
    )
    return Summary(
        label=quarter_label(first),
        first=first,
        last=last,
        target=target,
        weekly=weekly,
        trend_chart=chart,
        signal_counts=[
            (kind, r.SIGNAL_TITLES[kind], raised, people)
            for kind, raised, people in signals.count_by_kind(weeks[0], weeks[-1])
        ],
        coaching=measures.get_coaching_funnel(company[-1]),
        training=_training(first, last),
        rewards=_rewards(first, last),
        feedback_open=_feedback_open(),
        feedback_by_status=_feedback_by_status(),
        produced_on=today,
    )


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _between(first: date, last: date):
    return datetime.combine(first, time.min), datetime.combine(last + timedelta(days=1), time.min)


def _training(first: date, last: date) -> tuple[int, int, int]:
    """Required enrolments of active people: all, completed, completed within the quarter."""
    start, end = _between(first, last)
    done = Enrollment.completed_at.is_not(None)
    in_quarter = done & (Enrollment.completed_at >= start) & (Enrollment.completed_at < end)
    query = (
        select(
            func.count(),
            func.count().filter(done),
            func.count().filter(in_quarter),
        )
        .join(User, User.id == Enrollment.user_id)
        .where(
            User.active.is_(True),
            Enrollment.required.is_(True),
            Enrollment.withdrawn_at.is_(None),
        )
    )
    return tuple(db.session.execute(query).one())


def _rewards(first: date, last: date) -> list[tuple[RewardGrant, str]]:
    start, end = _between(first, last)
    query = (
        select(RewardGrant)
        .where(RewardGrant.granted_at >= start, RewardGrant.granted_at < end)
        .order_by(RewardGrant.granted_at, RewardGrant.id)
    )
    return [(grant, board_words(grant)) for grant in db.session.scalars(query)]


def _feedback_open() -> list[tuple[str, int]]:
    """Open reports (new or planned) by CRM area: counts only — a report's words are for
    its reporter and the admins."""
    query = (
        select(Feedback.area, func.count())
        .where(Feedback.status.in_(OPEN_FEEDBACK))
        .group_by(Feedback.area)
    )
    rows = [(AREAS.get(area, area), count) for area, count in db.session.execute(query)]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _feedback_by_status() -> list[tuple[str, int]]:
    query = select(Feedback.status, func.count()).group_by(Feedback.status)
    counts = dict(db.session.execute(query).all())
    return [(label, counts.get(status, 0)) for status, label in STATUSES.items()]
