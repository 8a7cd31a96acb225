"""Reading content/gamification/badges.yaml: each badge, its image and its one criterion."""

import re
from pathlib import Path

from lms.courses.content.yaml_fields import KEY, KEY_RULE, Field, UniqueKeys
from lms.gamification.badges import rules as b
from lms.gamification.content.fields import MATCH_FIELDS, known_list, read_match, top_of

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def read_badges(folder: Path, display: str, vocabulary, problems) -> tuple[b.BadgeSpec, ...]:
    top, _ = top_of(folder / "badges.yaml", display, problems)
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
            courses = known_list(field, vocabulary.courses, "course")
            return None if courses is None else b.Criterion(kind, courses=courses)
        case b.COACHING_FINISHED:
            if field.is_word("all"):
                return b.Criterion(kind, skills=None)
            skills = known_list(field, vocabulary.skills, "skill")
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
