"""The boards' pure rules: how anonymous colleagues are numbered, how bars are scaled and
where the data-quality bar is drawn, why a board has nobody on it, and when a period's
reward may be granted. Plain values in, answers out."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lms.errors import FieldError
from lms.gamification.rules import next_period_start

# The data-quality bar when content/adoption.yaml names none: its data-quality signal
# ("incomplete customer profiles", `below`) is the bar the other pages hold people to.
QUALITY_BAR = 0.7
QUALITY_SCALE = 10_000  # quality values are ten-thousandths


class ColleagueNumbers:
    """Numbers for the people a board page shows without their name, in the order the page
    shows them: the same person keeps their number in the table, the chart and the rows
    around the viewer. Only on this page: a number never follows a person to another
    board, scope or period, so it names nobody."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}

    def of(self, user_id: int) -> int:
        return self._numbers.setdefault(user_id, len(self._numbers) + 1)


def colleague_label(number: int, division: str) -> str:
    """ "Colleague #4, South" ("Colleague #4" for someone in no division)."""
    return f"Colleague #{number}, {division}" if division else f"Colleague #{number}"


# Bars ---------------------------------------------------------------------------------


def bar_range(unit: str, values: list[float]) -> tuple[float, float]:
    """What a board's bars are drawn against: the whole range of a share (0–100%) for data
    quality and average scores, so 59% fills 59% of the width; otherwise from 0 (or, where
    lower is better, the lowest value) to the highest value shown."""
    if unit == "quality":
        return 0.0, float(QUALITY_SCALE)
    if unit == "percent":
        return 0.0, 1.0
    if is_lower_better(unit):
        return min(values, default=0.0), max(values, default=0.0)
    return 0.0, max(values, default=0.0)


def is_lower_better(unit: str) -> bool:
    """Days to adopt and time to first: the fewest is best."""
    return unit in ("days", "duration")


def bar_share(value: float, low: float, high: float, *, lower_is_better: bool) -> float:
    """The bar's length as a share (0..1) of the width: where the value lies in [low, high],
    turned round when lower is better (the best value gets the longest bar). Every bar shows
    at least a sliver, so a value of 0 is still seen to be there."""
    if high <= low:
        share = 1.0
    elif lower_is_better:
        share = (high - value + low) / high if high else 1.0
    else:
        share = (value - low) / (high - low)
    return min(1.0, max(0.02, share))


def quality_line(unit: str, bar: float | None) -> float | None:
    """Where the data-quality bar is drawn on a data-quality board (a share of the width,
    the range being 0–100%); None on every other board."""
    return bar if unit == "quality" and bar is not None else None


def is_below_bar(unit: str, value: float, bar: float | None) -> bool:
    """A data-quality value under the bar: nobody wins with it."""
    return unit == "quality" and bar is not None and value < bar * QUALITY_SCALE


def below_bar_words(bar: float) -> str:
    return f"the {bar:.0%} data-quality bar"


# Empty boards -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmptyBoard:
    unit: str
    where: str  # "in South", "in the company", "in your team"
    period: str  # period_words(...)
    min_samples: int | None = None  # scores a person needs to be ranked


def empty_reason(board: EmptyBoard) -> str:
    """Why nobody is on a board, in the words of what it counts."""
    who = f"Nobody {board.where}"
    during = "so far" if board.period == "all time" else f"in {board.period}"
    if board.min_samples is not None:
        needs = board.min_samples
        scores = "data-quality scores" if board.unit == "quality" else "scores"
        return (
            f"{who} has {needs} or more {scores} {during}: a person needs at least {needs} "
            f"to be ranked (min_samples), so that one record does not make a winner."
        )
    if board.unit == "points":
        return f"{who} has earned points {during}."
    if board.unit == "days":
        return f"{who} has completed onboarding or made a first CRM change yet."
    return f"{who} has done what this board counts {during}."


# Periods and grants -------------------------------------------------------------------


def period_words(period: str, start: date) -> str:
    """ "the week of 5 Oct 2026", "October 2026", "Q4 2026", "all time"."""
    if period == "week":
        return f"the week of {start.day} {start:%b %Y}"
    if period == "month":
        return f"{start:%B %Y}"
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return "all time"


def period_ends_at(period: str, start: date) -> datetime | None:
    """The moment a period is over (the next one's first midnight, UTC); None for all time,
    which never ends."""
    if period not in ("week", "month", "quarter"):
        return None
    return datetime.combine(next_period_start(period, start), time())


def has_ended(period: str, start: date, now: datetime) -> bool:
    ends = period_ends_at(period, start)
    return ends is not None and now >= ends


def period_status(period: str, start: date, now: datetime) -> str:
    """ "ended on 11 Oct 2026", "runs until 11 Oct 2026" (its last day), "never ends"."""
    ends = period_ends_at(period, start)
    if ends is None:
        return "never ends"
    last = ends.date() - timedelta(days=1)
    return f"{'ended on' if now >= ends else 'runs until'} {last.day} {last:%b %Y}"


def check_grant_period(period: str, start: date, now: datetime, *, early: bool) -> None:
    """A period's reward is granted once the period has ended, so that the winner is the
    winner; before that (and always for all time, which never ends) only when HR says
    "grant early". Raises FieldError on `grant_early` otherwise."""
    if early or has_ended(period, start, now):
        return
    words = period_words(period, start)
    raise FieldError(
        "grant_early",
        f"Grant early: {words} {period_status(period, start, now)}, so its winner may still "
        "change. Tick “Grant early” to grant the reward now anyway.",
    )
