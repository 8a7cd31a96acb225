"""Reading content/gamification/ — points rules, levels, badges and example contests —
with every problem named by file, line and field, as for the rest of content/."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from lms.courses.content.yaml_fields import KEY, KEY_RULE, Field, UniqueKeys
from lms.gamification.content.badges import read_badges
from lms.gamification.content.fields import (
    IRI_LENGTH,
    MATCH_FIELDS,
    known_list,
    optional,
    read_match,
    top_of,
)
from lms.gamification.rules import (
    CONTEST_METRICS,
    CONTEST_PERIODS,
    CONTEST_STATUSES,
    PER_DAY,
    PER_OBJECT,
    PER_STATEMENT,
    SCALE_FIRST_ATTEMPT,
    Level,
    PointRule,
    QualitySettings,
    Ruleset,
)

WHOLE_FIELDS = ("daily_cap", "cap", "cooldown_minutes")  # whole numbers, 1 or more
RULE_FIELDS = ("title", "per", "scale_by", *WHOLE_FIELDS, *MATCH_FIELDS)
CONTENT_SCOPES = ("company", "division")  # a team contest names its manager: made in the app
PERS = (PER_OBJECT, PER_STATEMENT, PER_DAY)
SCALES = (SCALE_FIRST_ATTEMPT,)


@dataclass(frozen=True)
class Vocabulary:
    """What gamification content may name; None where its own file could not be read."""

    courses: frozenset[str] | None
    skills: frozenset[str] | None
    job_roles: frozenset[str] | None


@dataclass(frozen=True)
class ContestSpec:
    slug: str
    title: str
    description: str
    metric: str
    verb: str
    activity_type: str
    activity_prefix: str
    period: str
    scope: str
    eligible_roles: tuple[str, ...]
    prize: str
    status: str
    min_samples: int


@dataclass(frozen=True)
class GamificationContent:
    ruleset: Ruleset
    contests: tuple[ContestSpec, ...]

    def summary(self) -> str:
        ruleset = self.ruleset
        return (
            f"{len(ruleset.rules)} point rules, {len(ruleset.levels)} levels, "
            f"{len(ruleset.badges)} badges, {len(self.contests)} example contests"
        )


def read_gamification(folder: Path, display: str, vocabulary, problems) -> GamificationContent:
    """The four files of content/gamification; `vocabulary` has the known courses, skills
    and job roles (None where their own files could not be read)."""
    rules, quality = _read_points(folder / "points.yaml", f"{display}/points.yaml", problems)
    levels = _read_levels(folder / "levels.yaml", f"{display}/levels.yaml", problems)
    badges = read_badges(folder, f"{display}/badges.yaml", vocabulary, problems)
    contests = _read_contests(
        folder / "contests.yaml", f"{display}/contests.yaml", vocabulary, problems
    )
    ruleset = Ruleset(rules=rules, levels=levels, quality=quality, badges=badges)
    return GamificationContent(ruleset=ruleset, contests=contests)


def _read_points(path, display, problems) -> tuple[tuple[PointRule, ...], QualitySettings | None]:
    top, _ = top_of(path, display, problems)
    if top is None:
        return (), None
    record = top.record(["rules"], ["data_quality"])
    if record is None:
        return (), None
    keys, rules = UniqueKeys("rule"), []
    for item in record["rules"].items() or []:
        rule = _read_rule(item)
        if rule is not None and keys.claim(rule.key, item):
            rules.append(rule)
    quality = None
    if "data_quality" in record:
        quality = _read_quality(record["data_quality"])
    return tuple(rules), quality


def _read_rule(item: Field) -> PointRule | None:
    record = item.record(["key", "points"], RULE_FIELDS)
    if record is None:
        return None
    whole = {name: record[name].integer(minimum=1) for name in WHOLE_FIELDS if name in record}
    values = {
        "key": record["key"].slug(KEY, KEY_RULE, max_length=80),
        # Rules only reward; a penalty is HR's manual entry, with a reason the person sees.
        "points": record["points"].integer(minimum=1),
        "per": optional(record, "per", lambda field: field.one_of(PERS, "per"), PER_OBJECT),
        "match": read_match(record),
    }
    scale_by = record["scale_by"].one_of(SCALES, "scale_by") if "scale_by" in record else None
    if None in values.values() or None in whole.values():
        return None
    if "scale_by" in record and scale_by is None:
        return None
    minutes = whole.get("cooldown_minutes")
    return PointRule(
        title=optional(record, "title", lambda field: field.text(), values["key"]) or values["key"],
        daily_cap=whole.get("daily_cap"),
        cap=whole.get("cap"),
        cooldown=timedelta(minutes=minutes) if minutes else None,
        scale_by=scale_by,
        **values,
    )


def _read_quality(field: Field) -> QualitySettings | None:
    record = field.record([], ["min_samples", *MATCH_FIELDS])
    if record is None:
        return None
    if "activity_type" not in record and "activity_prefix" not in record:
        field.report("needs an activity_type or an activity_prefix: where the scores come from")
        return None
    match = read_match(record)
    samples = record["min_samples"].integer(minimum=1) if "min_samples" in record else 5
    if match is None or samples is None:
        return None
    return QualitySettings(match=match, min_samples=samples)


def _read_levels(path, display, problems) -> tuple[Level, ...]:
    top, _ = top_of(path, display, problems)
    if top is None:
        return ()
    levels: list[Level] = []
    numbers, thresholds = UniqueKeys("level"), UniqueKeys("threshold")
    for item in top.items() or []:
        record = item.record(["level", "title", "points"])
        if record is None:
            continue
        number = record["level"].integer(minimum=1)
        title = record["title"].text(max_length=60)
        points = record["points"].integer(minimum=0)
        if None in (number, title, points):
            continue
        if numbers.claim(str(number), item) and thresholds.claim(str(points), item):
            levels.append(Level(number, title, points))
    ordered = sorted(levels, key=lambda level: level.number)
    if [level.threshold for level in ordered] != sorted(level.threshold for level in ordered):
        top.report("higher levels must need more points")
    return tuple(ordered)


def _read_contests(path, display, vocabulary, problems) -> tuple[ContestSpec, ...]:
    top, _ = top_of(path, display, problems)
    if top is None:
        return ()
    slugs, contests = UniqueKeys("contest"), []
    for item in top.items() or []:
        contest = _read_contest(item, vocabulary)
        if contest is not None and slugs.claim(contest.slug, item):
            contests.append(contest)
    return tuple(contests)


def _read_contest(item: Field, vocabulary) -> ContestSpec | None:
    record = item.record(
        ["slug", "title", "metric", "period"],
        [
            "description",
            "verb",
            "activity_type",
            "activity_prefix",
            "scope",
            "eligible_roles",
            "prize",
            "status",
            "min_samples",
        ],
    )
    if record is None:
        return None

    def text(name: str, default: str = "", length: int = IRI_LENGTH):
        return optional(record, name, lambda field: field.text(length), default)

    def choice(name: str, allowed, default: str):
        return optional(record, name, lambda field: field.one_of(allowed, name), default)

    values = {
        "slug": record["slug"].slug(max_length=60),
        "title": record["title"].text(),
        "metric": record["metric"].one_of(CONTEST_METRICS, "metric"),
        "period": record["period"].one_of(CONTEST_PERIODS, "period"),
        "description": text("description", length=1000),
        "verb": text("verb"),
        "activity_type": text("activity_type"),
        "activity_prefix": text("activity_prefix"),
        "scope": choice("scope", CONTENT_SCOPES, "company"),
        "prize": text("prize", length=300),
        "status": choice("status", CONTEST_STATUSES, "test"),
        "min_samples": optional(record, "min_samples", lambda f: f.integer(minimum=1), 1),
    }
    roles = ()
    if "eligible_roles" in record:
        roles = known_list(record["eligible_roles"], vocabulary.job_roles, "job role")
        if roles is None:
            return None
    if any(value is None for value in values.values()):
        return None
    if values["metric"] != "points" and not values["verb"]:
        record["verb"].report(f"is needed for a {values['metric']} contest: which statements count")
        return None
    return ContestSpec(eligible_roles=roles, **values)
