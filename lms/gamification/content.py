"""Reading content/gamification/ — points rules, levels, badges and example contests —
with every problem named by file, line and field, as for the rest of content/."""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from lms.courses.content_yaml import KEY, KEY_RULE, Field, Source, UniqueKeys, read_yaml
from lms.gamification import badge_rules as b
from lms.gamification.rules import (
    CONTEST_METRICS,
    CONTEST_PERIODS,
    CONTEST_STATUSES,
    PER_DAY,
    PER_OBJECT,
    PER_STATEMENT,
    SOURCE_ANY,
    Level,
    Match,
    PointRule,
    QualitySettings,
    Ruleset,
)

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
IRI_LENGTH = 2048
MATCH_FIELDS = ("verb", "activity_type", "activity_prefix", "success", "min_score", "source")
RULE_FIELDS = ("title", "per", "daily_cap", "cooldown_minutes", *MATCH_FIELDS)
CONTENT_SCOPES = ("company", "division")  # a team contest names its manager: made in the app
PERS = (PER_OBJECT, PER_STATEMENT, PER_DAY)


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
    badges = _read_badges(folder, f"{display}/badges.yaml", vocabulary, problems)
    contests = _read_contests(
        folder / "contests.yaml", f"{display}/contests.yaml", vocabulary, problems
    )
    ruleset = Ruleset(rules=rules, levels=levels, quality=quality, badges=badges)
    return GamificationContent(ruleset=ruleset, contests=contests)


def _optional(record, name: str, read, default):
    """The field read with `read` when it is given, else the default."""
    return read(record[name]) if name in record else default


def _top(path: Path, display: str, problems) -> tuple[Field | None, Source]:
    """The file's top value; None when it is absent (each file is optional: without it
    there is nothing of its kind) or unreadable (reported)."""
    source = Source(display, problems)
    if not path.is_file():
        return None, source
    return read_yaml(path, source), source


def _read_points(path, display, problems) -> tuple[tuple[PointRule, ...], QualitySettings | None]:
    top, _ = _top(path, display, problems)
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
    key = record["key"].slug(KEY, KEY_RULE, max_length=80)
    points = record["points"].integer()
    if points == 0:
        record["points"].report("must not be 0: a rule that awards nothing is a mistake")
        points = None
    per = (
        record["per"].one_of((PER_OBJECT, PER_STATEMENT, PER_DAY), "per")
        if "per" in record
        else PER_OBJECT
    )
    cap = record["daily_cap"].integer(minimum=1) if "daily_cap" in record else None
    minutes = (
        record["cooldown_minutes"].integer(minimum=1) if "cooldown_minutes" in record else None
    )
    match = read_match(record)
    if None in (key, points, per, match) or ("daily_cap" in record and cap is None):
        return None
    if "cooldown_minutes" in record and minutes is None:
        return None
    return PointRule(
        key=key,
        title=record["title"].text() if "title" in record else key,
        points=points,
        match=match,
        per=per,
        daily_cap=cap,
        cooldown=timedelta(minutes=minutes) if minutes else None,
    )


def read_match(record) -> Match | None:
    """The statement conditions of a rule, badge or contest; None when any is malformed."""
    ok = True
    verbs = _iris(record["verb"]) if "verb" in record else frozenset()
    types = _iris(record["activity_type"]) if "activity_type" in record else frozenset()
    prefix = record["activity_prefix"].text(IRI_LENGTH) if "activity_prefix" in record else ""
    success = record["success"].flag() if "success" in record else None
    score = record["min_score"].number() if "min_score" in record else None
    if score is not None and not 0 <= score <= 1:
        record["min_score"].report("must be a scaled score between 0 and 1")
        ok = False
    source = _source(record["source"]) if "source" in record else SOURCE_ANY
    if verbs is None or types is None or prefix is None or source is None:
        return None
    if ("success" in record and success is None) or ("min_score" in record and score is None):
        return None
    return Match(verbs, types, prefix, success, score, source) if ok else None


def _iris(field: Field) -> frozenset[str] | None:
    """One IRI, or a list of them."""
    fields = field.items() if field.node is not None and field.node.id == "sequence" else [field]
    values = []
    for one in fields or []:
        value = one.text(IRI_LENGTH)
        if value is not None and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            one.report(f'"{value}" is not an IRI (e.g. http://adlnet.gov/expapi/verbs/completed)')
            value = None
        if value is None:
            return None
        values.append(value)
    return frozenset(values)


def _source(field: Field) -> str | None:
    value = field.text()
    if value is None:
        return None
    if value in ("lms", "client", "any") or (value.startswith("client:") and len(value) > 7):
        return value
    field.report("must be lms, client, any, or client:<LRS client name>")
    return None


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
    top, _ = _top(path, display, problems)
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


def _read_badges(folder: Path, display: str, vocabulary, problems) -> tuple[b.BadgeSpec, ...]:
    top, _ = _top(folder / "badges.yaml", display, problems)
    if top is None:
        return ()
    keys, badges = UniqueKeys("badge"), []
    for item in top.items() or []:
        badge = _read_badge(item, folder, vocabulary)
        if badge is not None and keys.claim(badge.key, item):
            badges.append(badge)
    return tuple(badges)


def _read_badge(item: Field, folder: Path, vocabulary) -> b.BadgeSpec | None:
    record = item.record(
        ["key", "name", "description", "criteria", "colour", "icon"], ["image", *b.CRITERIA]
    )
    if record is None:
        return None
    key = record["key"].slug(KEY, KEY_RULE, max_length=60)
    name = record["name"].text(max_length=100)
    description = record["description"].text(max_length=500)
    criteria = record["criteria"].text(max_length=1000)
    colour = record["colour"].text(max_length=7)
    if colour is not None and not COLOUR.fullmatch(colour):
        record["colour"].report('must be a colour written as "#rrggbb", e.g. "#2f7d6d"')
        colour = None
    icon = record["icon"].one_of(b.ICONS, "icon")
    image = _image(record["image"], folder) if "image" in record else None
    kinds = [kind for kind in b.CRITERIA if kind in record]
    if len(kinds) != 1:
        item.report(f"needs exactly one criterion, one of: {', '.join(b.CRITERIA)}")
        return None
    criterion = _read_criterion(kinds[0], record[kinds[0]], vocabulary)
    if None in (key, name, description, criteria, colour, icon, criterion):
        return None
    if "image" in record and image is None:
        return None
    return b.BadgeSpec(key, name, description, criteria, colour, icon, criterion, image)


def _image(field: Field, folder: Path) -> str | None:
    name = field.text()
    if name is None:
        return None
    if not name.endswith(".png") or "/" in name or not (folder / name).is_file():
        field.report(f'"{name}" is not a PNG file in {folder.name}/')
        return None
    return name


def _read_criterion(kind: str, field: Field, vocabulary) -> b.Criterion | None:
    match kind:
        case b.COURSES_COMPLETED:
            courses = _known_list(field, vocabulary.courses, "course")
            return None if courses is None else b.Criterion(kind, courses=courses)
        case b.COACHING_FINISHED:
            if field.is_word("all"):
                return b.Criterion(kind, skills=None)
            skills = _known_list(field, vocabulary.skills, "skill")
            return None if skills is None else b.Criterion(kind, skills=skills)
        case b.ONBOARDING_COMPLETED | b.CHAMPION:
            if field.flag() is not True:
                field.report("must be true")
                return None
            return b.Criterion(kind)
        case b.STATEMENTS_IN_WEEK:
            return _read_in_week(field)
        case b.QUALITY_STREAK:
            record = field.record(["threshold", "weeks"])
            if record is None:
                return None
            threshold, weeks = record["threshold"].number(), record["weeks"].integer(minimum=1)
            if threshold is not None and not 0 <= threshold <= 1:
                record["threshold"].report("must be a scaled score between 0 and 1")
                return None
            if None in (threshold, weeks):
                return None
            return b.Criterion(kind, threshold=threshold, weeks=weeks)
    return _read_early_adopter(field)


def _read_in_week(field: Field) -> b.Criterion | None:
    record = field.record(["count"], MATCH_FIELDS)
    if record is None:
        return None
    count, match = record["count"].integer(minimum=1), read_match(record)
    if count is None or match is None:
        return None
    return b.Criterion(b.STATEMENTS_IN_WEEK, match=match, count=count)


def _read_early_adopter(field: Field) -> b.Criterion | None:
    record = field.record([], ["first", "days_after_go_live", "days_after_hire"])
    if record is None:
        return None
    given = [name for name in ("first", "days_after_go_live", "days_after_hire") if name in record]
    if len(given) != 1:
        field.report("needs exactly one of first, days_after_go_live, days_after_hire")
        return None
    value = record[given[0]].integer(minimum=1 if given[0] == "first" else 0)
    if value is None:
        return None
    return b.Criterion(b.EARLY_ADOPTER, **{given[0]: value})


def _known_list(field: Field, known, what: str) -> tuple[str, ...] | None:
    items = field.items()
    if not items:
        if items is not None:
            field.report(f"must name at least one {what}")
        return None
    values = []
    for item in items:
        value = item.text(max_length=80)
        if value is not None and known is not None and value not in known:
            item.report(f'unknown {what} "{value}"')
            value = None
        if value is None:
            return None
        values.append(value)
    return tuple(values)


def _read_contests(path, display, vocabulary, problems) -> tuple[ContestSpec, ...]:
    top, _ = _top(path, display, problems)
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
        return _optional(record, name, lambda field: field.text(length), default)

    def choice(name: str, allowed, default: str):
        return _optional(record, name, lambda field: field.one_of(allowed, name), default)

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
        "min_samples": _optional(record, "min_samples", lambda f: f.integer(minimum=1), 1),
    }
    roles = ()
    if "eligible_roles" in record:
        roles = _known_list(record["eligible_roles"], vocabulary.job_roles, "job role")
        if roles is None:
            return None
    if any(value is None for value in values.values()):
        return None
    if values["metric"] != "points" and not values["verb"]:
        record["verb"].report(f"is needed for a {values['metric']} contest: which statements count")
        return None
    return ContestSpec(eligible_roles=roles, **values)
