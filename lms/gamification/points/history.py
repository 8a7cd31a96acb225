"""A person's points as they and HR see them: the total, the level and the way to the
next, and the ledger lines in words (newest first)."""

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from lms.database import db
from lms.gamification import rules as r
from lms.gamification.models import PointsEntry
from lms.gamification.points.ledger import total_points
from lms.value_lists import among
from lms.xapi.models import Activity, Statement
from lms.xapi.store.words import object_name


@dataclass(frozen=True)
class LevelProgress:
    points: int
    level: r.Level | None
    next: r.Level | None
    to_next: int  # points still needed; 0 at the top level
    pct: int  # of the way from this level's threshold to the next


@dataclass(frozen=True)
class PointsLine:
    earned_at: datetime
    points: int
    kind: str
    what: str  # the rule's title, or "Bonus from HR", ...
    why: str  # HR's reason, or why points were taken back
    about: str = ""  # what the statement was about: the course, the lesson, the CRM record


def level_progress(user_id: int, levels: tuple[r.Level, ...]) -> LevelProgress:
    """Where the person stands: progress is measured from the threshold of their level
    (0 below the first) to the threshold of the next."""
    points = total_points(user_id)
    level, upcoming = r.level_for(points, levels), r.next_level(points, levels)
    if upcoming is None:
        return LevelProgress(points, level, None, 0, 100)
    floor = level.threshold if level else 0
    pct = int(100 * (points - floor) / max(1, upcoming.threshold - floor))
    return LevelProgress(points, level, upcoming, upcoming.threshold - points, max(0, pct))


def ledger_select(user_id: int):
    """The person's ledger, newest first (ties by the order written)."""
    return (
        select(PointsEntry)
        .where(PointsEntry.user_id == user_id)
        .order_by(PointsEntry.earned_at.desc(), PointsEntry.id.desc())
    )


def points_lines(entries, rules: tuple[r.PointRule, ...]) -> list[PointsLine]:
    """Ledger rows in words, each with what its statement was about (one query for the
    page). A rule no longer in content/ is named by its key."""
    titles = {rule.key: rule.title for rule in rules}
    about = _objects_of([entry.statement_pk for entry in entries if entry.statement_pk])
    archived = [e.object_id for e in entries if e.statement_pk is None and e.kind != "manual"]
    named = _activities_named(archived)
    return [
        replace(
            _line(entry, titles.get(entry.rule_key, entry.rule_key)),
            about=about.get(entry.statement_pk) or named.get(entry.object_id, ""),
        )
        for entry in entries
    ]


def _activities_named(object_ids: list[str]) -> dict[str, str]:
    """What an entry whose statement is archived (`lms xapi prune`) counted, named by the
    activity's canonical definition when it counted an activity."""
    if not object_ids:
        return {}
    query = select(Activity.activity_id, Activity.definition).where(
        among(Activity.activity_id, set(object_ids))
    )
    return {
        iri: object_name({"id": iri, "definition": json.loads(definition)})
        for iri, definition in db.session.execute(query)
    }


def _objects_of(statement_pks: list[int]) -> dict[int, str]:
    """The object of each statement, in words. A reversal names the voiding statement, whose
    object is the voided statement: it is named by the award it takes back instead."""
    if not statement_pks:
        return {}
    query = select(Statement.id, Statement.document).where(
        among(Statement.id, statement_pks), Statement.is_voiding.is_(False)
    )
    return {pk: object_name(json.loads(doc)["object"]) for pk, doc in db.session.execute(query)}


def _line(entry: PointsEntry, title: str) -> PointsLine:
    if entry.kind == "manual":
        what = "Bonus from HR" if entry.points > 0 else "Penalty from HR"
        return PointsLine(entry.earned_at, entry.points, entry.kind, what, entry.reason)
    if entry.kind == "reversal":
        why = f"Taken back: {entry.reason}"
        return PointsLine(entry.earned_at, entry.points, entry.kind, title, why)
    return PointsLine(entry.earned_at, entry.points, entry.kind, title, "")
