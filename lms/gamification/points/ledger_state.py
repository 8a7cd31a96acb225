"""Loading the part of the ledger a batch's decisions need into a `LedgerState`. (Two
transactions never decide for the same person at once: `lms.xapi.store.person_order`.)"""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lms.database import db
from lms.gamification.models import PointsEntry
from lms.gamification.points.ledger import Candidate, LedgerState
from lms.gamification.rules import reversal_key
from lms.value_lists import among, with_pairs


def load_state(candidates: list[Candidate], target_pks: list[int]) -> LedgerState:
    """The ledger as far as these candidates' decisions, and the reversal of the standing
    awards of these voided statements, need it: a few indexed queries."""
    state = LedgerState()
    _load_standing(state, target_pks)
    pairs = {(c.user_id, c.object_hash) for c in candidates}
    pairs |= {
        (row["user_id"], row["object_hash"]) for rows in state.standing.values() for row in rows
    }
    if not pairs:
        return state
    query = with_pairs(
        select(PointsEntry.user_id, PointsEntry.object_hash, PointsEntry.kind),
        PointsEntry.user_id,
        PointsEntry.object_hash,
        pairs,
    )
    for user_id, object_hash, kind in db.session.execute(query):
        counts = state.awards if kind == "rule" else state.reversals
        counts[user_id, object_hash] += 1
    _load_day_points(state, [c for c in candidates if c.rule.daily_cap is not None])
    _load_last_awards(state, [c for c in candidates if c.rule.cooldown is not None])
    _load_rule_points(state, [c for c in candidates if c.rule.cap is not None])
    return state


def _load_standing(state: LedgerState, target_pks: list[int]) -> None:
    """The awards of these statements that no reversal has taken back yet."""
    if not target_pks:
        return
    query = select(PointsEntry).where(
        among(PointsEntry.statement_pk, target_pks), PointsEntry.kind == "rule"
    )
    awards = [_as_row(entry) for entry in db.session.scalars(query)]
    if not awards:
        return
    taken = {(row["user_id"], reversal_key(row["award_key"])) for row in awards}
    query = with_pairs(
        select(PointsEntry.user_id, PointsEntry.award_key),
        PointsEntry.user_id,
        PointsEntry.award_key,
        taken,
    )
    reversed_ = {(user_id, key[4:]) for user_id, key in db.session.execute(query)}
    for row in awards:
        if (row["user_id"], row["award_key"]) not in reversed_:
            state.standing.setdefault(row["statement_pk"], []).append(row)


def _as_row(entry: PointsEntry) -> dict:
    keys = ("user_id", "rule_key", "object_id", "object_hash", "award_key", "points")
    row = {key: getattr(entry, key) for key in keys}
    return row | {"earned_at": entry.earned_at, "statement_pk": entry.statement_pk}


def _load_day_points(state: LedgerState, candidates: list[Candidate]) -> None:
    """Points each person earned from each capped rule on the days concerned, in one
    grouped query (reversals included: a voided statement's points leave the cap)."""
    if not candidates:
        return
    users = {c.user_id for c in candidates}
    rule_keys = {c.rule.key for c in candidates}
    days = [c.facts.when.date() for c in candidates]
    start = datetime.combine(min(days), datetime.min.time())
    end = datetime.combine(max(days), datetime.min.time()) + timedelta(days=1)
    day = func.date(PointsEntry.earned_at)
    query = (
        select(PointsEntry.user_id, PointsEntry.rule_key, day, func.sum(PointsEntry.points))
        .where(
            among(PointsEntry.user_id, users),
            among(PointsEntry.rule_key, rule_keys),
            PointsEntry.earned_at >= start,
            PointsEntry.earned_at < end,
        )
        .group_by(PointsEntry.user_id, PointsEntry.rule_key, day)
    )
    for user_id, rule_key, on, points in db.session.execute(query):
        on = on if isinstance(on, date) else date.fromisoformat(on)  # SQLite answers text
        state.day_points[user_id, rule_key, on] = points


def _load_last_awards(state: LedgerState, candidates: list[Candidate]) -> None:
    """When each person last had an award from each rule with a cool-down."""
    if not candidates:
        return
    query = (
        select(PointsEntry.user_id, PointsEntry.rule_key, func.max(PointsEntry.earned_at))
        .where(
            among(PointsEntry.user_id, {c.user_id for c in candidates}),
            among(PointsEntry.rule_key, {c.rule.key for c in candidates}),
            PointsEntry.kind == "rule",
        )
        .group_by(PointsEntry.user_id, PointsEntry.rule_key)
    )
    for user_id, rule_key, last in db.session.execute(query):
        state.last_award[user_id, rule_key] = last


def _load_rule_points(state: LedgerState, candidates: list[Candidate]) -> None:
    """Points each person has from each rule with an all-time cap (reversals included)."""
    if not candidates:
        return
    query = (
        select(PointsEntry.user_id, PointsEntry.rule_key, func.sum(PointsEntry.points))
        .where(
            among(PointsEntry.user_id, {c.user_id for c in candidates}),
            among(PointsEntry.rule_key, {c.rule.key for c in candidates}),
        )
        .group_by(PointsEntry.user_id, PointsEntry.rule_key)
    )
    for user_id, rule_key, points in db.session.execute(query):
        state.rule_points[user_id, rule_key] = points
