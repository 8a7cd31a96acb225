"""Adoption rules, pure: weeks, what counts as CRM use, rates, the 3X factor, and the
early-warning signals with their plain-language reasons. Plain values in, answers out."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

INPUT, OUTPUT, REPORT = "input", "output", "report"  # a report request is also an output
ACTION_KINDS = (INPUT, OUTPUT, REPORT)

UPDATING_DROP = "updating-drop"
DATA_QUALITY = "data-quality"
FEW_REPORTS = "few-reports"
THREE_X = "three-x"
SIGNAL_KINDS = (UPDATING_DROP, DATA_QUALITY, FEW_REPORTS, THREE_X)
SIGNAL_TITLES = {
    UPDATING_DROP: "Less CRM updating than before",
    DATA_QUALITY: "Incomplete customer profiles",
    FEW_REPORTS: "Few report requests",
    THREE_X: "3X factor below three",
}
# What each signal means, in a sentence for the people who read the boards.
SIGNAL_MEANINGS = {
    UPDATING_DROP: "The person creates and updates fewer CRM records than they used to:"
    " often the first sign of going back to spreadsheets and e-mail.",
    DATA_QUALITY: "The records the person creates or changes miss fields a complete record"
    " has, or hold badly formatted values (Uptake judges each record against the data-quality"
    " rules).",
    FEW_REPORTS: "The person rarely opens CRM reports or dashboards: they put data in but do"
    " not use what it tells them.",
    THREE_X: "The 3X factor is what someone gets out of the CRM (records viewed, reports run,"
    " searches) for each record they put in (created or updated). At three or more the CRM"
    " pays them back; below three they feed it without using it, and tend to stop.",
}

ASSIGN_REMEDIAL, NUDGE, TELL_MANAGER = "assign_remedial", "nudge", "tell_manager"
RESPONSES = (ASSIGN_REMEDIAL, NUDGE, TELL_MANAGER)


# Weeks -------------------------------------------------------------------------------------


def week_of(moment: datetime | date) -> date:
    """The Monday (ISO 8601) of the week a moment falls in: Sunday 23:59:59 is still in the
    week that began six days before, Monday 00:00 starts the next."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def week_end(week: date) -> date:
    """The Sunday that ends the week starting `week`."""
    return week + timedelta(days=6)


def last_weeks(current: date, count: int) -> list[date]:
    """The `count` weeks ending with the week of `current`, oldest first."""
    this = week_of(current)
    return [this - timedelta(weeks=count - 1 - n) for n in range(count)]


def last_complete_week(now: datetime) -> date:
    """Signals judge finished weeks only: the week before the one `now` is in."""
    return week_of(now) - timedelta(weeks=1)


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter `day` is in."""
    first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    following = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return first, following - timedelta(days=1)


# What counts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionClass:
    """Which CRM statements are of one kind: this verb, on an activity whose id starts with
    the prefix (any activity when the prefix is empty)."""

    kind: str
    verb: str
    activity_prefix: str = ""

    def matches(self, verb: str, activity_id: str | None) -> bool:
        return verb == self.verb and (activity_id or "").startswith(self.activity_prefix)


def classify(verb: str, activity_id: str | None, classes) -> str | None:
    """The kind of the first class that matches (order matters: a specific report prefix
    goes before the verb's general class), or None: not counted as CRM use."""
    for action_class in classes:
        if action_class.matches(verb, activity_id):
            return action_class.kind
    return None


def counts_of(kind: str | None) -> tuple[int, int, int]:
    """(inputs, outputs, reports) one statement of this kind adds."""
    return {INPUT: (1, 0, 0), OUTPUT: (0, 1, 0), REPORT: (0, 1, 1)}.get(kind, (0, 0, 0))


def adoption_rate(active: int, licensed: int) -> float | None:
    """Active users as a share of licensed people; None when nobody is licensed."""
    return active / licensed if licensed else None


def three_x_factor(outputs: int, inputs: int) -> float | None:
    """What a person gets back from the CRM (views, reports, searches) per thing they put in
    (creates, updates); None when they put nothing in."""
    return outputs / inputs if inputs else None


def is_licensed(active: bool, hire_date: date, week: date) -> bool:
    """On the roster of a week: an active person hired by the week's last day."""
    return active and hire_date <= week_end(week)


# Signals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """What a signal triggers: assign_remedial (with a course slug), nudge, tell_manager."""

    kind: str
    course_slug: str = ""


@dataclass(frozen=True)
class SignalSpec:
    kind: str
    weeks: int  # the window judged (for a drop: the recent weeks)
    below: float  # the threshold the measure must fall below
    earlier_weeks: int = 0  # a drop: the weeks compared against
    minimum: int = 0  # too little activity to judge below this (see each rule)
    response: Response | None = None


@dataclass(frozen=True)
class WeekCounts:
    inputs: int = 0
    outputs: int = 0
    reports: int = 0


@dataclass(frozen=True)
class History:
    """A person's (or a team's summed) weeks, oldest first, ending with the week judged;
    `quality` is the average data-quality score (0..1) over the data-quality window, None
    when there were no scores."""

    weeks: tuple[WeekCounts, ...]
    quality: float | None = None


@dataclass(frozen=True)
class Signal:
    kind: str
    reason: str
    value: float


def evaluate(history: History, specs) -> list[Signal]:
    """Every signal the history raises, in the order of the specs."""
    judges = {
        UPDATING_DROP: updating_drop,
        DATA_QUALITY: low_quality,
        FEW_REPORTS: few_reports,
        THREE_X: low_three_x,
    }
    found = (judges[spec.kind](history, spec) for spec in specs)
    return [signal for signal in found if signal is not None]


def _window(history: History, weeks: int, skip: int = 0) -> tuple[WeekCounts, ...]:
    end = len(history.weeks) - skip
    return history.weeks[max(0, end - weeks) : end]


def updating_drop(history: History, spec: SignalSpec) -> Signal | None:
    """A sustained drop: the average weekly updates of the last `weeks` fell below `below`
    times the average of the `earlier_weeks` before them, and that earlier average was at
    least `minimum` (a quiet person is not dropping). Whole weeks, so one quiet day is not
    a drop."""
    recent = _window(history, spec.weeks)
    earlier = _window(history, spec.earlier_weeks, skip=spec.weeks)
    if len(recent) < spec.weeks or len(earlier) < spec.earlier_weeks or not earlier:
        return None
    now = sum(w.inputs for w in recent) / len(recent)
    before = sum(w.inputs for w in earlier) / len(earlier)
    if before < max(spec.minimum, 1e-9) or now >= spec.below * before:
        return None
    return Signal(
        UPDATING_DROP,
        f"Updated the CRM {now:.1f} times a week over the last {len(recent)} weeks, down from"
        f" {before:.1f} a week in the {len(earlier)} weeks before.",
        round(now / before, 3),
    )


def low_quality(history: History, spec: SignalSpec) -> Signal | None:
    """The average data-quality score of the last `weeks` is below `below` (no scores: no
    signal, nothing is known)."""
    score = history.quality
    if score is None or score >= spec.below:
        return None
    return Signal(
        DATA_QUALITY,
        f"The CRM records they created or changed scored {score:.0%} on Uptake's data-quality"
        f" checks over the last {spec.weeks} weeks; {spec.below:.0%} is expected.",
        round(score, 4),
    )


def few_reports(history: History, spec: SignalSpec) -> Signal | None:
    """Fewer than `below` report requests in the last `weeks`, for someone who used the CRM
    in that time (an absent person is the adoption rate's business)."""
    window = _window(history, spec.weeks)
    used = sum(w.inputs + w.outputs for w in window)
    reports = sum(w.reports for w in window)
    if not used or reports >= spec.below:
        return None
    return Signal(
        FEW_REPORTS,
        f"Asked the CRM for {reports} report{'s' if reports != 1 else ''} in the last"
        f" {spec.weeks} weeks; at least {spec.below:g} are expected.",
        float(reports),
    )


def low_three_x(history: History, spec: SignalSpec) -> Signal | None:
    """The 3X factor (outputs ÷ inputs) over the last `weeks` is below `below`, for someone
    with at least `minimum` inputs in that time."""
    window = _window(history, spec.weeks)
    inputs = sum(w.inputs for w in window)
    outputs = sum(w.outputs for w in window)
    factor = three_x_factor(outputs, inputs)
    if factor is None or inputs < spec.minimum or factor >= spec.below:
        return None
    return Signal(
        THREE_X,
        f"Got {outputs} views, reports and searches back for {inputs} records created or"
        f" updated in the last {spec.weeks} weeks: a 3X factor of {factor:.1f}, below"
        f" {spec.below:g}.",
        round(factor, 3),
    )


def history_length(specs) -> int:
    """How many weeks of history the specs need."""
    return max([spec.weeks + spec.earlier_weeks for spec in specs] or [1])
