"""The points ledger: awarding points for statements by the rules, taking them back when a
statement is voided, HR's manual entries, and the per-period tallies kept beside them.
Services: they flush, never commit. Rows are only ever added."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, tuple_

from lms.database import db
from lms.errors import FieldError
from lms.gamification import rules as r
from lms.gamification.models import ALL_TIME, PointsEntry, PointsTally
from lms.gamification.tallies import add_to_tallies
from lms.xapi.bulk import insert_rows


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
    are decided, so a batch (or a whole rebuild) is decided in stored order."""

    awards: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    reversals: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    day_points: dict[tuple[int, str, date], int] = field(default_factory=lambda: defaultdict(int))
    last_award: dict[tuple[int, str], datetime] = field(default_factory=dict)

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
        else:
            self.reversals[key] += 1
        self.day_points[row["user_id"], row["rule_key"], row["earned_at"].date()] += row["points"]


def decide_awards(candidates: list[Candidate], state: LedgerState, now: datetime) -> list[dict]:
    """Ledger rows for the candidates, in order: once per (person, rule, object), within
    the rule's daily cap and outside its cool-down."""
    rows = []
    for c in candidates:
        generation = state.generation(c.user_id, c.object_hash)
        if generation is None:
            continue
        when = c.facts.when
        earned_today = state.day_points[c.user_id, c.rule.key, when.date()]
        last = state.last_award.get((c.user_id, c.rule.key))
        points = r.points_allowed(c.rule, earned_today, last, when)
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


def decide_reversals(awarded: list[dict], state: LedgerState, voiding_pk: int, now) -> list[dict]:
    """A reversal for each standing award of a voided statement: the same points taken
    back, in the same period, naming the award. The voiding statement is the reason."""
    rows = []
    for award in awarded:
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
            "reverses_id": award.get("id"),
            "reason": "its statement was voided",
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


def load_state(candidates: list[Candidate], standing: list[dict] = ()) -> LedgerState:
    """The ledger as far as these candidates' decisions (and the reversal of these standing
    awards) need it, in three queries at most."""
    state = LedgerState()
    pairs = {(c.user_id, c.object_hash) for c in candidates}
    pairs |= {(row["user_id"], row["object_hash"]) for row in standing}
    if not pairs:
        return state
    users = {c.user_id for c in candidates}
    query = select(PointsEntry.user_id, PointsEntry.object_hash, PointsEntry.kind).where(
        tuple_(PointsEntry.user_id, PointsEntry.object_hash).in_(pairs)
    )
    for user_id, object_hash, kind in db.session.execute(query):
        counts = state.awards if kind == "rule" else state.reversals
        counts[user_id, object_hash] += 1
    capped = {c.rule.key for c in candidates if c.rule.daily_cap is not None}
    if capped and users:
        _load_day_points(state, users, capped, candidates)
    cooled = {c.rule.key for c in candidates if c.rule.cooldown is not None}
    if cooled:
        _load_last_awards(state, users, cooled)
    return state


def _load_day_points(state, users, rule_keys, candidates) -> None:
    days = [c.facts.when.date() for c in candidates]
    start = datetime.combine(min(days), datetime.min.time())
    end = datetime.combine(max(days), datetime.min.time()) + timedelta(days=1)
    day = func.date(PointsEntry.earned_at)
    query = (
        select(PointsEntry.user_id, PointsEntry.rule_key, day, func.sum(PointsEntry.points))
        .where(
            PointsEntry.user_id.in_(users),
            PointsEntry.rule_key.in_(rule_keys),
            PointsEntry.earned_at >= start,
            PointsEntry.earned_at < end,
        )
        .group_by(PointsEntry.user_id, PointsEntry.rule_key, day)
    )
    for user_id, rule_key, on, points in db.session.execute(query):
        on = on if isinstance(on, date) else date.fromisoformat(on)  # SQLite answers text
        state.day_points[user_id, rule_key, on] = points


def _load_last_awards(state, users, rule_keys) -> None:
    query = (
        select(PointsEntry.user_id, PointsEntry.rule_key, func.max(PointsEntry.earned_at))
        .where(
            PointsEntry.user_id.in_(users),
            PointsEntry.rule_key.in_(rule_keys),
            PointsEntry.kind == "rule",
        )
        .group_by(PointsEntry.user_id, PointsEntry.rule_key)
    )
    for user_id, rule_key, last in db.session.execute(query):
        state.last_award[user_id, rule_key] = last


def standing_awards(statement_pks: list[int]) -> dict[int, list[dict]]:
    """The awards of these statements not yet reversed, by statement."""
    if not statement_pks:
        return {}
    reversed_ids = select(PointsEntry.reverses_id).where(PointsEntry.reverses_id.is_not(None))
    query = select(PointsEntry).where(
        PointsEntry.statement_pk.in_(statement_pks),
        PointsEntry.kind == "rule",
        PointsEntry.id.not_in(reversed_ids),
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for entry in db.session.scalars(query):
        found[entry.statement_pk].append(_as_row(entry))
    return found


def _as_row(entry: PointsEntry) -> dict:
    keys = ("id", "user_id", "rule_key", "object_id", "object_hash", "award_key", "points")
    return {key: getattr(entry, key) for key in keys} | {"earned_at": entry.earned_at}


def write_entries(rows: list[dict]) -> None:
    """Append the rows to the ledger and add them to the tallies, in one go."""
    if not rows:
        return
    insert_rows(PointsEntry.__table__, rows)
    add_to_tallies(rows)


def add_manual_entry(person, points: int, reason: str, *, granted_by, now) -> PointsEntry:
    """HR's bonus (positive) or penalty (negative), with the reason the person will see.
    It counts in the period it is granted in."""
    reason = (reason or "").strip()
    if points == 0:
        raise FieldError("points", "Points must not be 0: give a bonus or a penalty.")
    if not -10_000 <= points <= 10_000:
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
