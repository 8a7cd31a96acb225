"""Keeping the store a manageable size: statements stored before a horizon are written to an
archive and removed (`lms xapi prune`). Services: they flush, never commit; the command
commits chunk by chunk, each chunk written to the archive before it is removed.

What is removed is what grows with use: statements LRS clients sent (the CRM's above all)
stored before the horizon. Kept whatever their age, because Uptake still reads them:

- Uptake's own statements (courses, coaching): each person's learning record, which badge
  criteria and the onboarding firsts read, and which grows with training, not with CRM use;
- each person's first CRM record change (the early-adopter board);
- statements still waiting to be forwarded to the enterprise LRS;
- a voided statement and the statements voiding it, when any of them is kept.

Of a removed statement everything derived stays: its points (the ledger row, unlinked from
it), the tallies, its data-quality sample and tallies, the adoption weeks, badge awards. The
replays that check those against the statements (`lms gamification rebuild`, `lms adoption
rebuild`) start at the horizon (`current_horizon`)."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, text

from lms.database import db
from lms.errors import DomainError
from lms.events import StatementsArchived, publish
from lms.value_lists import among
from lms.xapi.models import (
    RECORD_CHANGE_BY_CLIENT,
    OutboxItem,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementPrune,
)
from lms.xapi.store.export import ndjson_line
from lms.xapi.store.mentions import mentioned_activities, mentioned_agents
from lms.xapi.store.person_order import lock_people

CHUNK_SIZE = 2000
MINIMUM_MONTHS = 3  # a horizon never reaches into an open week, month or quarter


def retention_horizon(now: datetime, months: int) -> datetime:
    """The first moment of the month `months` before this one: statements stored before it
    are past retention. Whole months, so that no week, month or quarter a board or contest
    may still show is cut through (at least MINIMUM_MONTHS)."""
    if months < MINIMUM_MONTHS:
        raise ValueError(f"retention is at least {MINIMUM_MONTHS} months, not {months}")
    months_since_year_zero = now.year * 12 + now.month - 1 - months
    return datetime(months_since_year_zero // 12, months_since_year_zero % 12 + 1, 1)


@dataclass(frozen=True)
class Horizon:
    before: datetime
    first_kept_pk: int


def current_prune() -> StatementPrune | None:
    """The latest prune started."""
    return db.session.scalar(select(StatementPrune).order_by(StatementPrune.id.desc()).limit(1))


def current_horizon() -> Horizon | None:
    """The horizon of the latest prune started (finished or not: what it removed is gone
    either way); None when nothing was ever pruned."""
    prune = current_prune()
    return None if prune is None else Horizon(prune.before, prune.first_kept_pk)


def plan_prune(before: datetime, archive: str, *, now: datetime) -> StatementPrune:
    """The record of a prune up to `before`, not added yet (a dry run writes nothing); a
    prune may not move the horizon back."""
    latest = current_horizon()
    if latest is not None and before < latest.before:
        raise DomainError(
            f"The store was already pruned up to {latest.before:%Y-%m-%d}; "
            f"a prune up to {before:%Y-%m-%d} would move its horizon back"
        )
    # The first stored on or after the horizon: a step into the index on `stored`.
    first = select(Statement.id).where(Statement.stored >= before)
    first_kept = db.session.scalar(first.order_by(Statement.stored, Statement.id).limit(1))
    if first_kept is None:  # nothing stored since: the next statement will be the first kept
        first_kept = (db.session.scalar(select(func.max(Statement.id))) or 0) + 1
    return StatementPrune(
        before=before, first_kept_pk=first_kept, archive=archive, archived=0, kept=0, started_at=now
    )


@dataclass(frozen=True)
class Past:
    """A statement stored before the horizon, as much of it as deciding needs."""

    pk: int
    statement_id: str
    user_id: int | None
    client_id: int | None
    stored: datetime
    voided: bool
    is_voiding: bool
    target_statement_id: str | None
    document: str


_PAST_COLUMNS = (
    Statement.id,
    Statement.statement_id,
    Statement.user_id,
    Statement.client_id,
    Statement.stored,
    Statement.voided,
    Statement.is_voiding,
    Statement.target_statement_id,
    Statement.document,
)


def past_chunks(prune: StatementPrune, *, after: int = 0, chunk_size: int = CHUNK_SIZE):
    """The statements LRS clients sent that were stored before the horizon, in stored order,
    `chunk_size` at a time (keyset on the primary key, which ends at the first kept)."""
    query = (
        select(*_PAST_COLUMNS)
        .where(
            Statement.id < prune.first_kept_pk,
            Statement.client_id.is_not(None),
            Statement.stored < prune.before,
        )
        .order_by(Statement.id)
        .limit(chunk_size)
    )
    while True:
        chunk = [Past(*row) for row in db.session.execute(query.where(Statement.id > after))]
        if not chunk:
            return
        yield chunk
        after = chunk[-1].pk


def first_record_changes(people, found: dict[int, int | None]) -> None:
    """Add to `found` each person's earliest CRM record change still standing (person ->
    statement pk), as the early-adopter board finds it: a lookup in the partial index of
    record changes for each person not in `found` yet."""
    first = (
        select(Statement.id)
        .where(Statement.user_id == bindparam("person"), text(RECORD_CHANGE_BY_CLIENT))
        .where(Statement.voided.is_(False))
        .order_by(Statement.timestamp, Statement.id)
        .limit(1)
    )
    for person in sorted({p for p in people if p is not None} - set(found)):
        found[person] = db.session.scalar(first, {"person": person})


def to_remove(chunk: list[Past], prune: StatementPrune, firsts: dict[int, int | None]):
    """The statements of the chunk that go: not a first record change, not waiting to be
    forwarded, and not of a voiding group (a voided statement and every statement voiding
    it) of which one member stays. `firsts` is the people's first record changes found so
    far (first_record_changes), added to."""
    groups = _voiding_groups(chunk)
    members = [member for group in groups.values() for member in group]
    waiting = _waiting_to_forward([s.pk for s in chunk] + [m.pk for m in members])
    first_record_changes([s.user_id for s in chunk], firsts)
    kept_firsts = set(firsts.values())

    def stays(s) -> bool:
        return (
            s.client_id is None
            or s.pk >= prune.first_kept_pk
            or s.stored >= prune.before
            or s.pk in kept_firsts
            or s.pk in waiting
        )

    return [s for s in chunk if not any(stays(m) for m in groups.get(s.pk, [s]))]


@dataclass(frozen=True)
class _Member:
    pk: int
    client_id: int | None
    stored: datetime


def _voiding_groups(chunk: list[Past]) -> dict[int, list[_Member]]:
    """Statement pk -> its voiding group, for the chunk's voided and voiding statements: the
    voided statement and every statement voiding it (a voiding statement cannot itself be
    voided, so the group is the whole of what refers to what)."""
    target_of = {s.pk: s.statement_id for s in chunk if s.voided}
    target_of |= {s.pk: s.target_statement_id for s in chunk if s.is_voiding}
    if not target_of:
        return {}
    targets = set(target_of.values())
    s, columns = Statement, (Statement.id, Statement.client_id, Statement.stored)
    groups: dict[str, list[_Member]] = defaultdict(list)
    voided = select(s.statement_id, *columns).where(
        among(s.statement_id, targets), s.is_voiding.is_(False)
    )
    voiding = select(s.target_statement_id, *columns).where(
        among(s.target_statement_id, targets), s.is_voiding.is_(True)
    )
    for query in (voided, voiding):
        for target, *member in db.session.execute(query):
            groups[target].append(_Member(*member))
    return {pk: groups[target] for pk, target in target_of.items()}


def _waiting_to_forward(pks: list[int]) -> set[int]:
    query = select(OutboxItem.statement_pk).where(
        among(OutboxItem.statement_pk, pks),
        OutboxItem.delivered_at.is_(None),
        OutboxItem.dead_at.is_(None),
    )
    return set(db.session.scalars(query))


def archive_lines(statements: list[Past]) -> str:
    """The statements as NDJSON, one per line, as `lms xapi export` writes them."""
    return "".join(ndjson_line(s.document) for s in statements)


def remove(statements: list[Past], *, now: datetime) -> None:
    """Remove archived statements: what follows first (their points and samples let go of
    them), then their outbox rows, their mentions (by key: see StatementAgent) and them."""
    if not statements:
        return
    pks = [s.pk for s in statements]
    lock_people(s.user_id for s in statements)  # as storing and deciding points do
    publish(StatementsArchived(tuple(pks), now))
    outbox = OutboxItem.__table__
    db.session.execute(delete(outbox).where(among(outbox.c.statement_pk, pks)))
    agents, activities = [], []
    for s in statements:
        document = json.loads(s.document)
        agents += [
            {"k": key, "pk": s.pk, "core": core} for key, core in mentioned_agents(document).items()
        ]
        activities += [
            {"k": key, "pk": s.pk, "core": core}
            for key, core in mentioned_activities(document).items()
        ]
    _delete_mentions(StatementAgent.__table__, "agent_key", agents)
    _delete_mentions(StatementActivity.__table__, "activity_id", activities)
    statements_table = Statement.__table__
    db.session.execute(delete(statements_table).where(among(statements_table.c.id, pks)))


def _delete_mentions(table, key: str, rows: list[dict]) -> None:
    """Delete each mention by its primary key (one lookup each)."""
    if not rows:
        return
    statement = delete(table).where(
        table.c[key] == bindparam("k"),
        table.c.statement_pk == bindparam("pk"),
        table.c.core == bindparam("core"),
    )
    db.session.execute(statement, rows)


def finish_prune(prune: StatementPrune, *, sha256: str, now: datetime) -> None:
    prune.archive_sha256 = sha256
    prune.finished_at = now
    db.session.flush()
