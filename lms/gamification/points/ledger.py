"""The points ledger: awarding points for statements by the rules, taking them back when a
statement is voided, HR's manual entries, and the per-period tallies kept beside them.
Decisions are pure (a `LedgerState` in, rows out), so the live engine and `lms gamification
rebuild` decide alike. Services: they flush, never commit. Rows are only ever added."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from lms.bulk_writes import insert_rows
from lms.database import db
from lms.errors import FieldError
from lms.gamification import rules as r
from lms.gamification.models import ALL_TIME, PointsEntry, PointsTally
from lms.gamification.points.tallies import add_to_tallies
from lms.value_lists import with_pairs

MAX_MANUAL = 10_000
REVERSAL_REASON = "its statement was voided"


@dataclass
class Candidate:
    """A statement a rule matched, with what the rule would award once for."""

    statement_pk: int
    user_id: int
    rule: r.PointRule
    facts: r.Facts
    object_id: str
    object_hash: str


@dataclass
class LedgerState:
    """What the decisions need to know of the ledger so far, kept up to date as entries
    are decided, so a batch (or a whole rebuild) is decided in stored order.

    `standing` holds the awards not yet reversed of the statements a later voiding may
    name, by statement pk; `watch` limits it to those statements (a rebuild watches only
    statements that end up voided) — None keeps every award."""

    awards: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    reversals: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    day_points: dict[tuple[int, str, date], int] = field(default_factory=lambda: defaultdict(int))
    rule_points: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    last_award: dict[tuple[int, str], datetime] = field(default_factory=dict)
    standing: dict[int, list[dict]] = field(default_factory=dict)
    watch: set[int] | None = None

    def generation(self, user_id: int, object_hash: str) -> int | None:
        """The generation an award would take; None while an earlier one still stands."""
        awards = self.awards[user_id, object_hash]
        return None if awards > self.reversals[user_id, object_hash] else awards

    def note(self, row: dict) -> None:
        key = (row["user_id"], row["object_hash"])
        if row["kind"] == "rule":
            self.awards[key] += 1
            previous = self.last_award.get((row["user_id"], row["rule_key"]))
            if previous is None or row["earned_at"] > previous:
                self.last_award[row["user_id"], row["rule_key"]] = row["earned_at"]
            if self.watch is None or row["statement_pk"] in self.watch:
                self.standing.setdefault(row["statement_pk"], []).append(row)
        else:
            self.reversals[key] += 1
        self.day_points[row["user_id"], row["rule_key"], row["earned_at"].date()] += row["points"]
        self.rule_points[row["user_id"], row["rule_key"]] += row["points"]


def decide_awards(candidates: list[Candidate], state: LedgerState, now: datetime) -> list[dict]:
    """Ledger rows for the candidates, in order: once per (person, rule, object) while an
    award stands, within the rule's daily and all-time caps (the rest of a cap when the full
    amount would pass it) and outside its cool-down."""
    rows = []
    for c in candidates:
        generation = state.generation(c.user_id, c.object_hash)
        if generation is None:
            continue
        when = c.facts.when
        earned_today = state.day_points[c.user_id, c.rule.key, when.date()]
        last = state.last_award.get((c.user_id, c.rule.key))
        ever = state.rule_points[c.user_id, c.rule.key]
        earned = r.rule_points(c.rule, c.facts)
        points = r.points_allowed(c.rule, earned_today, last, when, ever, earned)
        if points <= 0:
            continue
        row = _entry(c.user_id, "rule", c.rule.key, points, when, now, c.statement_pk)
        row |= {
            "object_id": c.object_id[:2048],
            "object_hash": c.object_hash,
            "award_key": r.award_key(c.object_hash, generation),
        }
        state.note(row)
        rows.append(row)
    return rows


def decide_reversals(target_pk: int, state: LedgerState, voiding_pk: int, now) -> list[dict]:
    """A reversal for each standing award of a voided statement: the same points taken
    back in the award's own period (its earned_at), keyed `rev:<award key>`. The voiding
    statement is the reason; the object may earn again afterwards."""
    rows = []
    for award in state.standing.pop(target_pk, []):
        row = _entry(
            award["user_id"],
            "reversal",
            award["rule_key"],
            -award["points"],
            award["earned_at"],
            now,
            voiding_pk,
        )
        row |= {
            "object_id": award["object_id"],
            "object_hash": award["object_hash"],
            "award_key": r.reversal_key(award["award_key"]),
            "reason": REVERSAL_REASON,
        }
        state.note(row)
        rows.append(row)
    return rows


def _entry(user_id, kind, rule_key, points, earned_at, now, statement_pk) -> dict:
    return {
        "user_id": user_id,
        "kind": kind,
        "rule_key": rule_key,
        "object_id": "",
        "object_hash": "",
        "award_key": "",
        "points": points,
        "statement_pk": statement_pk,
        "earned_at": earned_at,
        "recorded_at": now,
        "reason": "",
        "granted_by_id": None,
        "reverses_id": None,
    }


def write_entries(rows: list[dict]) -> dict[int, int]:
    """Append the rows to the ledger and add them to the tallies; return the all-time
    points of the people concerned. Reversals name the row they reverse (found by its
    award key: it may have been decided in this same batch)."""
    if not rows:
        return {}
    awards = [row for row in rows if row["kind"] != "reversal"]
    reversals = [row for row in rows if row["kind"] == "reversal"]
    insert_rows(PointsEntry.__table__, awards)
    if reversals:
        wanted = {(row["user_id"], row["award_key"][4:]) for row in reversals}
        query = with_pairs(
            select(PointsEntry.user_id, PointsEntry.award_key, PointsEntry.id),
            PointsEntry.user_id,
            PointsEntry.award_key,
            wanted,
        )
        ids = {(user_id, key): pk for user_id, key, pk in db.session.execute(query)}
        for row in reversals:
            row["reverses_id"] = ids.get((row["user_id"], row["award_key"][4:]))
        insert_rows(PointsEntry.__table__, reversals)
    return add_to_tallies(rows)


def add_manual_entry(person, points: int, reason: str, *, granted_by, now) -> PointsEntry:
    """HR's bonus (positive) or penalty (negative), with the reason the person will see.
    It counts in the period it is granted in."""
    reason = (reason or "").strip()
    if points == 0:
        raise FieldError("points", "Points must not be 0: give a bonus or a penalty.")
    if not -MAX_MANUAL <= points <= MAX_MANUAL:
        raise FieldError("points", "Points must be between -10,000 and 10,000.")
    if not reason:
        raise FieldError("reason", "Say why: the person sees the reason beside the points.")
    row = _entry(person.id, "manual", "manual", points, now, now, None)
    row |= {
        "reason": reason[:2000],
        "granted_by_id": granted_by.id,
        "award_key": f"manual:{uuid.uuid4().hex}",
    }
    entry = PointsEntry(**row)
    db.session.add(entry)
    db.session.flush()
    add_to_tallies([row])
    return entry


def total_points(user_id: int) -> int:
    """A person's points: the sum of their ledger rows (the all-time tally, which is kept
    equal to it in the same transaction)."""
    return (
        db.session.scalar(
            select(PointsTally.points).where(
                PointsTally.user_id == user_id,
                PointsTally.period == "all",
                PointsTally.period_start == ALL_TIME,
            )
        )
        or 0
    )
