"""The forwarding outbox: claiming due items under a lease, recording what the remote said,
and the figures and dead letters the admin page shows. Services: flush, never commit.

An item is pending until it is delivered or dead. A worker leases the items it claims
(locked_by, locked_until); a worker that dies simply lets its lease run out, and the items
become claimable again. Nothing is ever deleted here, so nothing recorded can be lost.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, or_, select, update

from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.database import db
from lms.errors import DomainError
from lms.xapi.forwarding.remote import OutgoingStatement, declared_sha2s
from lms.xapi.models import Attachment, OutboxItem, Statement

PENDING = (OutboxItem.delivered_at.is_(None), OutboxItem.dead_at.is_(None))
_outbox = OutboxItem.__table__


@dataclass(frozen=True)
class ClaimedItem:
    outbox_id: int
    attempts: int
    statement: OutgoingStatement


@dataclass(frozen=True)
class QueueStats:
    pending: int
    leased: int
    retrying: int
    dead: int
    delivered_last_day: int
    oldest_pending_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    last_delivered_at: datetime | None


def _due(now: datetime):
    """Due: pending, its next attempt has come, and no live lease holds it. Leases are
    compared with the workers' clocks, so their hosts must keep time (NTP)."""
    not_leased = or_(OutboxItem.locked_until.is_(None), OutboxItem.locked_until <= now)
    return (*PENDING, OutboxItem.next_attempt_at <= now, not_leased)


BACKFILL_BATCH = 1000


def backfill(*, since: datetime, now: datetime, batch: int = BACKFILL_BATCH) -> int:
    """Queue the statements stored at or after `since` that are not in the outbox yet (those
    stored before forwarding was switched on), in stored order; returns how many. Running it
    again queues nothing twice: the outbox holds each statement at most once. Works through
    the statements `batch` at a time, flushing each, so memory stays flat."""
    queued, after = 0, 0
    while True:
        pks = list(
            db.session.scalars(
                select(Statement.id)
                .outerjoin(OutboxItem, OutboxItem.statement_pk == Statement.id)
                .where(Statement.stored >= since, Statement.id > after, OutboxItem.id.is_(None))
                .order_by(Statement.id)
                .limit(batch)
            )
        )
        if not pks:
            return queued
        rows = [{"statement_pk": pk, "enqueued_at": now, "next_attempt_at": now} for pk in pks]
        db.session.execute(insert(_outbox), [{**row, "attempts": 0} for row in rows])
        db.session.flush()
        queued, after = queued + len(pks), pks[-1]


def claim_due(worker_id: str, *, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Lease up to `limit` due items to this worker, earliest due first; return their ids.

    One statement, so the pick and the lease cannot be split by another worker. On
    PostgreSQL, FOR UPDATE SKIP LOCKED makes concurrent claimers pass over rows another is
    claiming instead of queueing behind them, and a row claimed and committed meanwhile is
    re-checked and found leased. MATERIALIZED keeps the LIMIT-ed pick from being run twice
    inside the UPDATE. SQLite ignores FOR UPDATE: it has one writer at a time anyway.
    """
    picked = (
        select(OutboxItem.id)
        .where(*_due(now))
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)  # follows ix_xapi_outbox_pending
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("picked")
        .prefix_with("MATERIALIZED")
    )
    claim = (
        update(_outbox)
        .where(_outbox.c.id.in_(select(picked.c.id)))
        .values(locked_by=worker_id, locked_until=now + lease)
        .returning(_outbox.c.id)
    )
    return sorted(db.session.scalars(claim))


def load_claimed(ids: list[int]) -> tuple[list[ClaimedItem], dict[str, tuple[str, bytes]]]:
    """The claimed items with their statements, in stored order, and the attachment data
    (sha2 -> (content type, bytes)) those statements declare."""
    rows = db.session.execute(
        select(OutboxItem.id, OutboxItem.attempts, Statement.statement_id, Statement.document)
        .join(Statement, Statement.id == OutboxItem.statement_pk)
        .where(OutboxItem.id.in_(ids))
        .order_by(Statement.id)
    )
    items = [
        ClaimedItem(
            row.id,
            row.attempts,
            OutgoingStatement(row.statement_id, row.document, declared_sha2s(row.document)),
        )
        for row in rows
    ]
    return items, _attachment_data({sha2 for item in items for sha2 in item.statement.sha2s})


def _attachment_data(hashes: set[str]) -> dict[str, tuple[str, bytes]]:
    if not hashes:
        return {}
    rows = db.session.execute(
        select(Attachment.sha2, Attachment.content_type, Attachment.content).where(
            Attachment.sha2.in_(hashes)
        )
    )
    return {row.sha2: (row.content_type, row.content) for row in rows}


def renew_lease(ids: list[int], worker_id: str, *, until: datetime) -> bool:
    """Extend this worker's lease on its batch; False when another worker has taken any of
    it (its lease had run out), so the rest of the batch is not sent twice at once."""
    result = db.session.execute(
        update(_outbox)
        .where(_outbox.c.id.in_(ids), _outbox.c.locked_by == worker_id, *_pending_columns())
        .values(locked_until=until)
    )
    return result.rowcount == len(ids)


def _pending_columns():
    return (_outbox.c.delivered_at.is_(None), _outbox.c.dead_at.is_(None))


def record_delivered(ids: list[int], *, now: datetime) -> None:
    """Delivered is a fact about the remote, so it is recorded even if our lease ran out."""
    if ids:
        db.session.execute(
            update(_outbox)
            .where(_outbox.c.id.in_(ids), _outbox.c.delivered_at.is_(None))
            .values(
                delivered_at=now,
                last_attempt_at=now,
                attempts=_outbox.c.attempts + 1,
                locked_by=None,
                locked_until=None,
                dead_at=None,
            )
        )


def record_retries(
    retries: list[tuple[int, datetime, str]], worker_id: str, *, now: datetime
) -> None:
    """(id, next attempt, error) for items to try again; only items this worker still holds."""
    _update_held(
        worker_id,
        [{"b_id": i, "b_next": at, "b_error": storable(error)} for i, at, error in retries],
        next_attempt_at=bindparam("b_next"),
        last_error=bindparam("b_error"),
        attempts=_outbox.c.attempts + 1,
        last_attempt_at=now,
    )


def record_dead(dead: list[tuple[int, str]], worker_id: str, *, now: datetime) -> None:
    """(id, error) for statements the remote refused; they wait for an admin."""
    _update_held(
        worker_id,
        [{"b_id": i, "b_error": storable(error)} for i, error in dead],
        dead_at=now,
        last_error=bindparam("b_error"),
        attempts=_outbox.c.attempts + 1,
        last_attempt_at=now,
    )


def storable(error: str) -> str:
    """An error as a text column holds it: PostgreSQL refuses NUL, which a remote's reply
    may hold, and that refusal once failed the recording of the whole batch at every lease."""
    return error.replace("\x00", "\ufffd")


def release(ids: list[int], worker_id: str) -> None:
    """Give back items not tried (the lease was running out): due again at once."""
    _update_held(worker_id, [{"b_id": i} for i in ids])


def _update_held(worker_id: str, rows: list[dict], **values) -> None:
    if rows:
        statement = (
            update(_outbox)
            .where(_outbox.c.id == bindparam("b_id"), _outbox.c.locked_by == worker_id)
            .values(locked_by=None, locked_until=None, **values)
        )
        db.session.execute(statement, rows)


def count_due(now: datetime) -> int:
    """How many items a worker could claim now."""
    return db.session.scalar(select(func.count()).select_from(OutboxItem).where(*_due(now)))


def queue_stats(now: datetime) -> QueueStats:
    """The figures for the admin page; each a query the pending index can answer."""
    pending = select(func.count()).select_from(OutboxItem).where(*PENDING)
    last_error = db.session.execute(
        select(OutboxItem.last_error, OutboxItem.last_attempt_at)
        .where(OutboxItem.delivered_at.is_(None), OutboxItem.last_error.is_not(None))
        .order_by(OutboxItem.last_attempt_at.desc())
        .limit(1)
    ).first()
    return QueueStats(
        pending=db.session.scalar(pending),
        leased=db.session.scalar(pending.where(OutboxItem.locked_until > now)),
        retrying=db.session.scalar(pending.where(OutboxItem.attempts > 0)),
        dead=db.session.scalar(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.delivered_at.is_(None), OutboxItem.dead_at.is_not(None))
        ),
        delivered_last_day=db.session.scalar(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.delivered_at > now - timedelta(days=1))
        ),
        oldest_pending_at=db.session.scalar(
            select(func.min(OutboxItem.enqueued_at)).where(*PENDING)
        ),
        last_error=last_error.last_error if last_error else None,
        last_error_at=last_error.last_attempt_at if last_error else None,
        last_delivered_at=db.session.scalar(select(func.max(OutboxItem.delivered_at))),
    )


def dead_letters_query():
    """Dead letters, most recently refused first."""
    return (
        select(OutboxItem)
        .where(OutboxItem.delivered_at.is_(None), OutboxItem.dead_at.is_not(None))
        .order_by(OutboxItem.dead_at.desc(), OutboxItem.id.desc())
    )


def statements_for(items: list[OutboxItem]) -> dict[int, Statement]:
    """The statements of these outbox items, by statement primary key, in one query."""
    pks = {item.statement_pk for item in items}
    if not pks:
        return {}
    return {s.id: s for s in db.session.scalars(select(Statement).where(Statement.id.in_(pks)))}


def retry_dead_letter(item: OutboxItem, *, now: datetime, actor: User | None = None) -> None:
    """Put a dead letter back in the queue, due now, with its back-off starting afresh; the
    audit log records who did (`actor` None: the command line)."""
    if item.dead_at is None or item.delivered_at is not None:
        raise DomainError("That statement is not in the dead-letter list.")
    error = item.last_error
    item.dead_at, item.attempts, item.next_attempt_at = None, 0, now
    item.locked_by = item.locked_until = None
    summary = f"Sent dead letter {item.id} again (it had failed with: {error or 'no error'})."
    audit.record(audit.DEAD_LETTER_RETRIED, audit.OUTBOX, item.id, summary, actor=actor, now=now)


def retry_all_dead(*, now: datetime, actor: User | None = None) -> int:
    """Put every dead letter back in the queue; returns how many. The audit log records
    who did, and how many."""
    result = db.session.execute(
        update(_outbox)
        .where(_outbox.c.delivered_at.is_(None), _outbox.c.dead_at.is_not(None))
        .values(dead_at=None, attempts=0, next_attempt_at=now, locked_by=None, locked_until=None)
    )
    summary = f"Sent every dead letter again ({result.rowcount})."
    details = {"count": result.rowcount}
    audit.record(
        audit.DEAD_LETTERS_RETRIED,
        audit.OUTBOX,
        None,
        summary,
        actor=actor,
        now=now,
        details=details,
    )
    return result.rowcount
