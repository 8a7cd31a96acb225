"""The rules of gamification, pure: which statements earn points, how caps and cool-downs
limit them, which period an award counts in, levels, and the uniqueness key of an award.
No app, no database: statements come in as `Facts`, decisions go out as values."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

SOURCE_LMS = "lms"  # Uptake's own statements
SOURCE_ANY = "any"
SOURCE_CLIENT = "client"  # any LRS client; Facts.source is "client:<its name>"
PER_OBJECT, PER_STATEMENT, PER_DAY = "object", "statement", "day"
SCALE_FIRST_ATTEMPT = "first_attempt_score"  # a rule's scale_by: see `rule_points`
CONTEST_METRICS = ("count", "average_score", "time_to_first", "points")
CONTEST_PERIODS = ("week", "month", "quarter")
CONTEST_SCOPES = ("company", "division", "team")
CONTEST_STATUSES = ("test", "live", "closed")


@dataclass(frozen=True)
class Facts:
    """What the rules look at in one stored statement."""

    statement_id: str
    verb: str
    object_id: str
    activity_type: str  # "" when the object has no type (or is not an Activity)
    success: bool | None
    scaled: float | None
    source: str  # SOURCE_LMS, or "client:<name>" of the LRS client that posted it
    when: datetime  # the moment it counts at: see `lms.xapi.formats.counted_at`
    # An attempt's duration over its questions (result.duration / result.score.max), when
    # the statement says both: how long each answer was thought about.
    seconds_per_question: float | None = None
    # The scaled score of the learner's first attempt at the assessment, when the statement
    # says it (result extension vocabulary.EXT_FIRST_ATTEMPT_SCORE).
    first_attempt_scaled: float | None = None


@dataclass(frozen=True)
class Match:
    """Which statements a rule or a badge looks at. Empty parts match anything."""

    verbs: frozenset[str] = frozenset()
    activity_types: frozenset[str] = frozenset()
    activity_prefix: str = ""
    success: bool | None = None
    min_score: float | None = None
    source: str = SOURCE_ANY
    min_seconds_per_question: float | None = None

    def matches(self, facts: Facts) -> bool:
        """Every given condition holds; a minimum score needs a score to compare. Source
        `client` is any LRS client; `client:<name>` one of them. A pass faster than
        `min_seconds_per_question` a question does not match (too fast to have read them);
        one that does not say how long it took is not judged on it."""
        return (
            (not self.verbs or facts.verb in self.verbs)
            and (not self.activity_types or facts.activity_type in self.activity_types)
            and facts.object_id.startswith(self.activity_prefix)
            and (self.success is None or facts.success is self.success)
            and (
                self.min_score is None
                or (facts.scaled is not None and facts.scaled >= self.min_score)
            )
            and _from_source(facts.source, self.source)
            and (
                self.min_seconds_per_question is None
                or facts.seconds_per_question is None
                or facts.seconds_per_question >= self.min_seconds_per_question
            )
        )


def _from_source(actual: str, wanted: str) -> bool:
    if wanted == SOURCE_ANY or actual == wanted:
        return True
    return wanted == SOURCE_CLIENT and actual.startswith("client:")


@dataclass(frozen=True)
class PointRule:
    """`points` for each statement `match` accepts (scaled by the first attempt's score when
    `scale_by` says so: see `rule_points`), once per `per` (the object, each statement, or
    each day), at most `daily_cap` points a day and `cap` points in all from this rule, and
    no sooner than `cooldown` after the rule's previous award to the same person."""

    key: str
    title: str
    points: int
    match: Match
    per: str = PER_OBJECT
    daily_cap: int | None = None
    cooldown: timedelta | None = None
    cap: int | None = None  # all time, per person
    scale_by: str | None = None  # SCALE_FIRST_ATTEMPT, or None: the full points


def rule_points(rule: PointRule, facts: Facts) -> int:
    """The rule's points for this statement. Scaled by the first attempt's score, they are
    that share of the points, rounded (at least 1: the statement matched): a pass at the
    second try after 40% at the first earns 40% of them. A statement that does not say its
    first attempt's score is scaled by its own score, and one with neither earns the full
    points."""
    if rule.scale_by != SCALE_FIRST_ATTEMPT:
        return rule.points
    share = facts.first_attempt_scaled if facts.first_attempt_scaled is not None else facts.scaled
    if share is None:
        return rule.points
    return max(1, round(rule.points * max(0.0, min(1.0, share))))


@dataclass(frozen=True)
class Level:
    number: int
    title: str
    threshold: int  # points needed


@dataclass(frozen=True)
class QualitySettings:
    """Where data-quality scores come from: result.score.scaled of statements on these
    activity types (or ids under the prefix); a person needs `min_samples` in a period to be
    ranked."""

    match: Match
    min_samples: int = 5


@dataclass(frozen=True)
class Ruleset:
    rules: tuple[PointRule, ...] = ()
    levels: tuple[Level, ...] = ()
    quality: QualitySettings | None = None
    badges: tuple = field(default=())  # BadgeSpec, see badges/rules.py

    def rules_for(self, verb: str) -> tuple[PointRule, ...]:
        """The rules that can match a statement with this verb (those naming it and those
        naming no verb), in their order: most rules name a verb, and a batch asks for
        thousands of statements."""
        return self._by_verb.get(verb, self._any_verb)

    @cached_property
    def _any_verb(self) -> tuple[PointRule, ...]:
        return tuple(rule for rule in self.rules if not rule.match.verbs)

    @cached_property
    def _by_verb(self) -> dict[str, tuple[PointRule, ...]]:
        verbs = {verb for rule in self.rules for verb in rule.match.verbs}
        return {
            verb: tuple(r for r in self.rules if not r.match.verbs or verb in r.match.verbs)
            for verb in verbs
        }


def object_of(rule: PointRule, facts: Facts) -> str:
    """What the rule awards once for: the activity, the statement, or the day."""
    if rule.per == PER_STATEMENT:
        return facts.statement_id
    if rule.per == PER_DAY:
        return facts.when.date().isoformat()
    return facts.object_id


def object_hash(rule_key: str, object_id: str) -> str:
    return hashlib.sha1(f"{rule_key}|{object_id}".encode()).hexdigest()


def award_key(object_hash_: str, generation: int) -> str:
    """Unique per person. Generation 0 is the first award for (rule, object); each reversal
    (its statement voided) lets the object earn once more, under the next generation."""
    return object_hash_ if generation == 0 else f"{object_hash_}:{generation}"


def reversal_key(award: str) -> str:
    """A reversal's key names the award it takes back: no award is reversed twice."""
    return f"rev:{award}"


def points_allowed(
    rule: PointRule,
    earned_today: int,
    last_award: datetime | None,
    when,
    earned_ever: int = 0,
    points: int | None = None,
) -> int:
    """The points the rule may award now: 0 inside the cool-down; else its points (or the
    `points` it gives this statement, `rule_points`), cut to what is left of the daily cap
    and of the all-time cap when the full amount would pass either."""
    if rule.cooldown is not None and last_award is not None and when - last_award < rule.cooldown:
        return 0
    allowed = rule.points if points is None else points
    if rule.daily_cap is not None:
        allowed = min(allowed, rule.daily_cap - earned_today)
    if rule.cap is not None:
        allowed = min(allowed, rule.cap - earned_ever)
    return max(0, allowed)


def week_start(day: date) -> date:
    """Weeks start on Monday (ISO 8601)."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def next_period_start(period: str, start: date) -> date:
    """The first day after the period beginning at `start`."""
    if period == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3}[period]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_start(period: str, day: date) -> date:
    return {"week": week_start, "month": month_start, "quarter": quarter_start}[period](day)


def level_for(points: int, levels: tuple[Level, ...]) -> Level | None:
    """The highest level whose threshold the points reach; None below the first."""
    reached = [level for level in levels if points >= level.threshold]
    return max(reached, key=lambda level: level.threshold, default=None)


def next_level(points: int, levels: tuple[Level, ...]) -> Level | None:
    above = [level for level in levels if level.threshold > points]
    return min(above, key=lambda level: level.threshold, default=None)


def scaled_to_score(scaled: float) -> int:
    """A scaled score (0..1) in ten-thousandths; negative scores count as 0."""
    return round(max(0.0, min(1.0, scaled)) * 10_000)
