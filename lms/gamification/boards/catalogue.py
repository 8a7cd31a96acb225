"""Every board people can open — the built-in leaderboards and the contests — by key, for
one period, with how its values read. Views ask this module for standings; it asks
leaderboards (tallies) or contests (statements)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lms.adoption.content import AdoptionContentInvalid, current_adoption
from lms.adoption.rules import DATA_QUALITY
from lms.auth.models import Division
from lms.database import db
from lms.gamification.boards import contests as c
from lms.gamification.boards import leaderboards as lb
from lms.gamification.boards import privacy
from lms.gamification.boards import rules as r
from lms.gamification.models import ALL_TIME, Contest
from lms.gamification.rules import next_period_start, period_start
from lms.gamification.ruleset import current_ruleset
from lms.xapi.store.retention import current_horizon

BUILT_IN = {
    "points-week": ("Points this week", "week", "points"),
    "points-month": ("Points this month", "month", "points"),
    "points-all": ("Points, all time", "all", "points"),
    "quality-week": ("Data quality, week", "week", "quality"),
    "quality-month": ("Data quality, month", "month", "quality"),
    "early-adopters": ("Early adopters", "all", "days"),
}
UNITS = {"count": "count", "average_score": "percent", "time_to_first": "duration"}


@dataclass(frozen=True)
class Shown:
    key: str
    title: str
    period: str  # week | month | quarter | all
    start: date
    unit: str  # points | quality | percent | days | count | duration
    contest: Contest | None = None
    # A contest that counts statements, in a period that began before the retention horizon:
    # its statements are archived (`lms xapi prune`), so its standings cannot be worked out.
    archived_before: date | None = None

    @property
    def previous(self) -> date | None:
        if self.period == "all":
            return None
        return period_start(self.period, self.start - timedelta(days=1))

    @property
    def next(self) -> date | None:
        return None if self.period == "all" else next_period_start(self.period, self.start)

    def span(self, *, now: datetime) -> tuple[datetime, datetime]:
        """The period as moments: [start, next start); all time runs to `now`."""
        if self.period == "all":
            return datetime.min, now
        return datetime.combine(self.start, time()), datetime.combine(self.next, time())


def resolve(key: str, day: date, *, include_test: bool) -> Shown | None:
    """The board `key` for the period that contains `day`; None when unknown or hidden
    (a test-mode contest for someone who is not HR or an admin)."""
    if key in BUILT_IN:
        title, period, unit = BUILT_IN[key]
        start = ALL_TIME if period == "all" else period_start(period, day)
        return Shown(key, title, period, start, unit)
    if not key.startswith("contest-"):
        return None
    contest = db.session.scalar(select(Contest).where(Contest.slug == key.removeprefix("contest-")))
    if contest is None or (contest.status == "test" and not include_test):
        return None
    unit = UNITS.get(contest.metric, "points")
    start = period_start(contest.period, day)
    horizon = current_horizon() if contest.metric != "points" else None
    archived = horizon.before.date() if horizon and start < horizon.before.date() else None
    return Shown(key, contest.title, contest.period, start, unit, contest, archived)


def list_boards(day: date, *, include_test: bool) -> list[Shown]:
    boards = [resolve(key, day, include_test=True) for key in BUILT_IN]
    for contest in c.list_contests(include_test=include_test):
        boards.append(resolve(f"contest-{contest.slug}", day, include_test=True))
    return boards


def _sql_board(shown: Shown) -> lb.Board | None:
    if shown.key.startswith(("points-", "quality-")):
        quality = current_ruleset().quality
        return lb.Board(shown.key, shown.period, shown.start, quality.min_samples if quality else 1)
    return None


def standings(shown: Shown, scope: lb.Scope, *, limit: int | None = None):
    """The whole ranking in scope (or its top `limit`), everyone named: for HR and CSV."""
    board = _sql_board(shown)
    if board is not None:
        return lb.list_standings(board, scope, limit=limit)
    return _in_memory(shown, scope)[:limit]


def _in_memory(shown: Shown, scope: lb.Scope):
    if shown.archived_before is not None:
        return []
    if shown.contest is not None:
        return c.contest_standings(shown.contest, shown.start, scope)
    return c.early_adopter_standings(scope)


def learner_rows(shown: Shown, scope: lb.Scope, viewer):
    """(top rows, own rows) as this viewer may see them (privacy.py)."""
    board = _sql_board(shown)
    if board is not None:
        return privacy.learner_view(board, scope, viewer)
    return privacy.learner_view_of_list(_in_memory(shown, scope), viewer)


def grant_key(shown: Shown, scope: lb.Scope) -> str:
    """A board in a scope is granted once per period: "points-week", "quality-week:division:3"."""
    if scope.kind == "division":
        return f"{shown.key}:division:{scope.division_id}"
    return shown.key


def format_value(unit: str, value) -> str:
    if unit == "quality":  # ten-thousandths
        return f"{value / 100:.1f}%"
    if unit == "percent":  # scaled 0..1
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{int(value)} day{'s' if int(value) != 1 else ''}"
    if unit == "duration":
        hours = int(value) // 3600
        return f"{hours // 24} d {hours % 24} h {int(value) % 3600 // 60} min"
    return f"{int(value):,}"


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value, printed on the bar: the chart never relies on colour alone
    width: float  # percent of the chart's width
    highlight: bool = False


@dataclass(frozen=True)
class ChartLine:
    """A line across the bars (the data-quality bar), labelled."""

    at: float  # percent of the chart's width
    label: str


def bars(rows, unit: str, *, lower_is_better: bool = False) -> list[Bar]:
    """Bars for a server-drawn SVG chart, scaled to the board's range (rules.bar_range)."""
    values = [float(row.value) for row in rows]
    if not values:
        return []
    low, high = r.bar_range(unit, values)
    return [
        Bar(
            f"{row.rank}. {row.name}",
            format_value(unit, row.value),
            r.bar_share(value, low, high, lower_is_better=lower_is_better) * 100,
            getattr(row, "is_viewer", False),
        )
        for row, value in zip(rows, values, strict=True)
    ]


def quality_bar() -> float:
    """The data-quality bar the other pages hold people to: the `below` of
    content/adoption.yaml's data-quality signal (70% as shipped), else rules.QUALITY_BAR."""
    try:
        spec = current_adoption().spec(DATA_QUALITY)
    except AdoptionContentInvalid:
        return r.QUALITY_BAR
    return spec.below if spec else r.QUALITY_BAR


def chart_line(shown: Shown) -> ChartLine | None:
    """The data-quality bar, drawn on data-quality boards."""
    at = r.quality_line(shown.unit, quality_bar() if shown.unit == "quality" else None)
    return None if at is None else ChartLine(at * 100, f"{at:.0%} bar")


def below_bar(shown: Shown, value) -> str | None:
    """Why a value cannot win this board (under the data-quality bar), or None."""
    bar = quality_bar() if shown.unit == "quality" else None
    if not r.is_below_bar(shown.unit, float(value), bar):
        return None
    return f"{format_value(shown.unit, value)} is below {r.below_bar_words(bar)}"


def describe(shown: Shown, scope: lb.Scope) -> str:
    """The board in words: "Data quality, week, South"."""
    division = _division_of(scope)
    return f"{shown.title}, {division.name}" if division else shown.title


def _division_of(scope: lb.Scope) -> Division | None:
    if scope.kind != "division" or scope.division_id is None:
        return None
    return db.session.get(Division, scope.division_id)


def _where(scope: lb.Scope) -> str:
    if scope.kind == "team":
        return "in your team"
    division = _division_of(scope)
    return f"in {division.name}" if division else "in the company"


def min_samples_of(shown: Shown) -> int | None:
    """Scores a person needs to be on the board, where the board asks for any."""
    if shown.unit == "quality":
        quality = current_ruleset().quality
        return quality.min_samples if quality else 1
    if shown.contest is not None and shown.contest.metric == "average_score":
        return max(1, shown.contest.min_samples)
    return None


def empty_reason(shown: Shown, scope: lb.Scope) -> str:
    """Why nobody is on the board in this scope and period."""
    empty = r.EmptyBoard(
        shown.unit, _where(scope), r.period_words(shown.period, shown.start), min_samples_of(shown)
    )
    return r.empty_reason(empty)
