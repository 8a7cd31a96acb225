"""Suspicious bursts: a rolling window in which a person's awards far exceed their own usual,
or in which they passed several quizzes. HR sees them on the incentive pages, the day's and
each board's period, before granting a reward. A flag is a prompt to look, not a verdict.

The rule, one per RULES entry (what is counted, the window's length, its minimum, its factor):

- **Awards in an hour**: at least 12 rule-awarded ledger rows within any 60 minutes, and more
  than 4× the person's usual hour.
- **Awards in 24 hours**: at least 20 within any 24 hours, and more than 4× their usual day.
- **Quiz passes in an hour**: at least 3 quizzes passed within any 60 minutes (a course
  speed-run). No usual is asked: a course is passed once, so three in an hour are too fast
  whatever came before.

Windows slide: they start at any award or pass, not on the hour or at midnight, so a burst
from 23:40 to 00:25 is one burst. A period looks at the windows that *start* in it (and lets
them run past its end), so each window belongs to one period. A person's **usual** for a
length is the median, over their last USUAL_DAYS active days before the period (days with at
least one award, looking back at most LOOKBACK_DAYS), of each day's busiest window of that
length within the day: for 24 hours, the day's count. Someone with no earlier active day has a
usual of 0, so the minimum alone decides. Each person is flagged at most once per rule, for
their busiest window (the earliest of equals). An all-time period is looked at over its last
LONGEST_LOOK.
"""

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby

from sqlalchemy import func, select

from lms.auth.models import User
from lms.courses.models import Enrollment, QuizAttempt
from lms.database import db
from lms.gamification.models import PointsEntry
from lms.localisation import span_text

AWARDS = "awards"
QUIZ_PASSES = "quiz passes"
HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)
MIN_AWARDS_IN_HOUR = 12
MIN_AWARDS_IN_DAY = 20
MIN_PASSES_IN_HOUR = 3
FACTOR = 4
USUAL_DAYS = 28
LOOKBACK_DAYS = 120
LONGEST_LOOK = timedelta(days=92)  # a quarter, the longest contest period


@dataclass(frozen=True)
class WindowRule:
    kind: str  # AWARDS or QUIZ_PASSES
    length: timedelta
    minimum: int
    factor: int | None  # times the usual that must be exceeded; None: no usual is asked

    @property
    def length_name(self) -> str:
        return "an hour" if self.length == HOUR else "24 hours"

    @property
    def description(self) -> str:
        bar = f" and more than {self.factor}× the person's usual" if self.factor else ""
        return f"at least {self.minimum} {self.kind} within {self.length_name}{bar}"


RULES = (
    WindowRule(AWARDS, HOUR, MIN_AWARDS_IN_HOUR, FACTOR),
    WindowRule(AWARDS, DAY, MIN_AWARDS_IN_DAY, FACTOR),
    WindowRule(QUIZ_PASSES, HOUR, MIN_PASSES_IN_HOUR, None),
)


@dataclass(frozen=True)
class Window:
    start: datetime  # the first award or pass in it
    last: datetime  # the last one in it
    count: int

    @property
    def label(self) -> str:
        """As "Oct 20, 2026, 9:31 AM – 10:26 AM", in the reader's language and time zone."""
        return span_text(self.start, self.last)


@dataclass(frozen=True)
class Burst:
    person: User
    rule: WindowRule
    window: Window
    usual: float | None  # None when the rule asks no usual

    @property
    def reason(self) -> str:
        """Why it is flagged, in words: "14 awards within an hour (…): at least 12, and more
        than 4× their usual 2.0"."""
        rule, window = self.rule, self.window
        said = f"{window.count} {rule.kind} within {rule.length_name} ({window.label})"
        if rule.factor is None:
            return f"{said}: at least {rule.minimum}, whatever their usual"
        usual = f"{self.usual:.1f}"
        return f"{said}: at least {rule.minimum}, and more than {rule.factor}× their usual {usual}"


def busiest_window(
    moments: Sequence[datetime], length: timedelta, starts_before: datetime | None = None
) -> Window | None:
    """The window of `length` holding the most of `moments` (sorted), starting at one of them
    (before `starts_before`, when given); the earliest of equals. Two pointers: O(n)."""
    best, end = None, 0
    for first, start in enumerate(moments):
        if starts_before is not None and start >= starts_before:
            break
        end = max(end, first)
        while end < len(moments) and moments[end] < start + length:
            end += 1
        if best is None or end - first > best.count:
            best = Window(start, moments[end - 1], end - first)
    return best


def usual_count(earlier: Sequence[datetime], length: timedelta) -> float:
    """Median over the last USUAL_DAYS active days in `earlier` (sorted) of each day's busiest
    window of `length` within the day; 0 with no active day."""
    days = [list(group) for _, group in groupby(earlier, key=datetime.date)][-USUAL_DAYS:]
    busiest = [busiest_window(day, length).count for day in days]
    return float(statistics.median(busiest)) if busiest else 0.0


def is_burst(count: int, usual: float | None, rule: WindowRule) -> bool:
    """Pure form of the rule: the minimum reached, and more than `factor` times the usual."""
    above_usual = rule.factor is None or count > rule.factor * (usual or 0)
    return count >= rule.minimum and above_usual


def list_bursts(day: date) -> list[Burst]:
    """Everyone flagged for windows starting on `day` (the incentives page's day)."""
    start = datetime.combine(day, time())
    return list_period_bursts(start, start + timedelta(days=1))


def list_period_bursts(
    start: datetime, end: datetime, people: set[int] | None = None
) -> list[Burst]:
    """Everyone (of `people`, when given) flagged for windows starting in [start, end),
    largest first. A few bounded queries, none per person: who reached a minimum, their awards
    from `start`, the earlier awards of those whose busiest window reaches one, the quiz
    passes, the people flagged."""
    start = max(start, end - LONGEST_LOOK)
    awards = _busiest(_award_moments(start, end, people), _rules(AWARDS), end)
    passes = _busiest(_pass_moments(start, end, people), _rules(QUIZ_PASSES), end)
    earlier = _earlier_moments(start, {user_id for user_id, _ in awards})
    found = []
    for (user_id, rule), window in (awards | passes).items():
        usual = usual_count(earlier.get(user_id, []), rule.length) if rule.factor else None
        if is_burst(window.count, usual, rule):
            found.append((user_id, rule, window, usual))
    return _with_people(found)


def _rules(kind: str) -> list[WindowRule]:
    return [rule for rule in RULES if rule.kind == kind]


def _busiest(
    moments_by_person: dict[int, list[datetime]], rules: list[WindowRule], end: datetime
) -> dict[tuple[int, WindowRule], Window]:
    """Each person's busiest window starting before `end`, for each rule whose minimum it
    reaches."""
    found = {}
    for user_id, moments in moments_by_person.items():
        for rule in rules:
            window = busiest_window(moments, rule.length, starts_before=end)
            if window is not None and window.count >= rule.minimum:
                found[user_id, rule] = window
    return found


def _award_moments(
    start: datetime, end: datetime, people: set[int] | None
) -> dict[int, list[datetime]]:
    """Rule awards from `start` until the longest window past `end`, sorted, of those with
    at least the smallest minimum there."""
    e = PointsEntry
    until = end + max(rule.length for rule in _rules(AWARDS))
    in_look = (e.kind == "rule", e.earned_at >= start, e.earned_at < until)
    whose = select(e.user_id).where(*in_look)
    if people is not None:
        whose = whose.where(e.user_id.in_(people))
    least = min(rule.minimum for rule in _rules(AWARDS))
    candidates = list(db.session.scalars(whose.group_by(e.user_id).having(func.count() >= least)))
    if not candidates:
        return {}
    rows = db.session.execute(
        select(e.user_id, e.earned_at).where(*in_look, e.user_id.in_(candidates))
    )
    return _by_person(rows)


def _earlier_moments(start: datetime, people: set[int]) -> dict[int, list[datetime]]:
    """Their rule awards in the LOOKBACK_DAYS before `start`, sorted."""
    if not people:
        return {}
    e = PointsEntry
    rows = db.session.execute(
        select(e.user_id, e.earned_at).where(
            e.kind == "rule",
            e.user_id.in_(people),
            e.earned_at >= start - timedelta(days=LOOKBACK_DAYS),
            e.earned_at < start,
        )
    )
    return _by_person(rows)


def _pass_moments(
    start: datetime, end: datetime, people: set[int] | None
) -> dict[int, list[datetime]]:
    """Quiz passes from `start` until the longest window past `end`, sorted, by person."""
    until = end + max(rule.length for rule in _rules(QUIZ_PASSES))
    query = (
        select(Enrollment.user_id, QuizAttempt.submitted_at)
        .join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
        .where(QuizAttempt.passed.is_(True))
        .where(QuizAttempt.submitted_at >= start, QuizAttempt.submitted_at < until)
    )
    if people is not None:
        query = query.where(Enrollment.user_id.in_(people))
    return _by_person(db.session.execute(query))


def _by_person(rows) -> dict[int, list[datetime]]:
    moments = defaultdict(list)
    for user_id, moment in rows:
        moments[user_id].append(moment)
    return {user_id: sorted(found) for user_id, found in moments.items()}


def _with_people(found: list[tuple]) -> list[Burst]:
    """Bursts with their people, loaded in one query; largest count first."""
    ids = {user_id for user_id, *_ in found}
    if not ids:
        return []
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    bursts = [Burst(people[user_id], *rest) for user_id, *rest in found]
    return sorted(bursts, key=lambda b: (-b.window.count, b.person.id, b.window.start))
