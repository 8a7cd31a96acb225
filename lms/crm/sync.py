"""Reading a connection's CRM: each stream from its stored cursor (or from a moment, to
backfill), page by page, each batch of pages stored and its cursor moved in one
transaction. A stream that fails is recorded and the others go on; a CRM that asks us to
wait is waited for. Services take `now`; `sync_connection` commits after every batch (a sync
may run for hours).

A batch is read here (pages pulled, users matched, records judged, statements built and
checked: `read_events`) and handed to a `Store` as a `StoreJob`: `StoreHere` stores it at
once in this transaction; `lms.crm.pipeline.StoreProcess` stores it in a second process
while this one reads the next batch."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from lms.crm.connections import connector_for
from lms.crm.connectors.base import Connector, ConnectorError, RateLimited
from lms.crm.ingest import ReadEvents, note_users, read_events, store_read
from lms.crm.models import CrmConnection, CrmCursor
from lms.database import db

MAX_PAGES_PER_STREAM = 10_000  # a bound on one pass; the next pass goes on from the cursor
# Pages gathered into one transaction, up to about this many events: a few seconds of
# writing, which an LRS request about the same people (or, on SQLite, any write) waits for.
BATCH_EVENTS = 5_000
DEFAULT_RETRY = timedelta(minutes=5)  # a rate limit that named no wait (e.g. a daily cap)
ERROR_LENGTH = 2000


@dataclass(frozen=True)
class StreamOutcome:
    stream: str
    read: int = 0
    stored: int = 0
    unmatched: int = 0
    error: str | None = None
    waiting_until: datetime | None = None


@dataclass(frozen=True)
class StoreJob:
    """A batch of one stream, read and ready to store, and where the stream's cursor goes
    once it is stored. `read` is None when nothing could be made of the batch (`failure`
    says why); `failure` is also a CRM error met after the pages read."""

    connection_id: int
    stream: str
    cursor: str | None
    events: int
    newest: datetime | None
    read: ReadEvents | None
    failure: ConnectorError | None
    now: datetime


@dataclass(frozen=True)
class JobDone:
    stream: str
    stored: int
    error: str | None = None
    waiting_until: datetime | None = None
    stopped: bool = False  # the batch could not be stored: the stream is read no further


def store_job(job: StoreJob) -> JobDone:
    """Store a batch and move its stream's cursor past it, in one transaction, committed.
    A batch that cannot be stored (a bug, a statement the LRS refuses) is recorded as the
    stream's error and the cursor stays: it is read again next time."""
    connection_id = job.connection_id
    connection = db.session.get(CrmConnection, connection_id)
    row = stream_cursor(connection, job.stream)
    try:
        stored = 0 if job.read is None else store_read(connection, job.read, now=job.now).stored
    except Exception as error:  # this stream only: the others go on
        current_app.logger.exception("CRM sync of %s, stream %s", connection.name, job.stream)
        db.session.rollback()
        connection = db.session.get(CrmConnection, connection_id)
        row = stream_cursor(connection, job.stream)
        problem = ConnectorError(f"could not store what was read: {error}")
        _failed(connection, row, problem, job.now)
        db.session.commit()
        return JobDone(job.stream, 0, problem.message, stopped=True)
    if job.failure is None or job.events:
        _advanced(row, job.cursor, job.events, job.newest, job.now)
    wait = None if job.failure is None else _failed(connection, row, job.failure, job.now)
    db.session.commit()
    error = None if job.failure is None else job.failure.message
    return JobDone(job.stream, stored, error, wait, stopped=job.read is None)


class Store(Protocol):
    """Where a pass hands the batches it reads, in order; one pass at a time."""

    def put(self, job: StoreJob) -> None: ...

    def stopped(self, stream: str) -> bool:
        """A batch of this stream could not be stored in this pass: read it no further."""

    def drain(self) -> list[JobDone]:
        """Once every batch handed over is stored, what each came to; the next pass starts
        afresh."""


class StoreHere:
    """Each batch stored as soon as it is read, in this process and transaction."""

    def __init__(self):
        self.done: list[JobDone] = []

    def put(self, job: StoreJob) -> None:
        self.done.append(store_job(job))

    def stopped(self, stream: str) -> bool:
        return any(done.stream == stream and done.stopped for done in self.done)

    def drain(self) -> list[JobDone]:
        done, self.done = self.done, []
        return done


def sync_connection(
    connection: CrmConnection,
    *,
    now: datetime | Callable[[], datetime],
    since: datetime | None = None,
    connector: Connector | None = None,
    streams: tuple[str, ...] | None = None,
    store: Store | None = None,
) -> list[StreamOutcome]:
    """One pass over every stream. `since` backfills: each stream is read from that moment,
    not from its cursor (what is already stored is not stored again). `now` may be a clock,
    for a long pass. By default each batch is stored as it is read; a `StoreProcess` (see
    lms.crm.pipeline) stores it in a second process while this one reads the next. Commits
    after each batch and each failure."""
    clock = now if callable(now) else (lambda: now)
    try:
        connector = connector or connector_for(connection)
        if not streams:
            note_users(connection, connector.users(), (), now=clock())
    except ConnectorError as error:
        _failed(connection, None, error, clock())
        db.session.commit()
        return [StreamOutcome("users", error=error.message)]
    db.session.commit()  # the accounts, before a second process stores what they did
    store = store or StoreHere()
    try:
        read = [
            sync_stream(connection, connector, stream, now=clock, since=since, store=store)
            for stream in (streams or connector.streams())
        ]
    finally:
        done = store.drain()
    db.session.expire(connection)  # the store recorded its errors in its own session
    outcomes = [
        _outcome(outcome, [d for d in done if d.stream == outcome.stream]) for outcome in read
    ]
    connection.last_sync_at = clock()
    if all(o.error is None for o in outcomes):
        connection.last_success_at = connection.last_sync_at
        connection.last_error = None
    db.session.commit()
    return outcomes


def _outcome(read: StreamOutcome, done: list[JobDone]) -> StreamOutcome:
    """A stream's outcome: what was read here, and what its store made of it."""
    errors = [d for d in done if d.error is not None]
    return StreamOutcome(
        read.stream,
        read.read,
        sum(d.stored for d in done),
        read.unmatched,
        read.error or (errors[-1].error if errors else None),
        read.waiting_until
        or next((d.waiting_until for d in reversed(done) if d.waiting_until), None),
    )


def sync_stream(
    connection: CrmConnection,
    connector: Connector,
    stream: str,
    *,
    now: Callable[[], datetime],
    since: datetime | None = None,
    store: Store | None = None,
) -> StreamOutcome:
    """Read one stream until it is caught up (or MAX_PAGES_PER_STREAM pages), handing each
    batch to the store (by default stored at once). Pages are gathered up to BATCH_EVENTS
    events into one batch: a CRM that pages by 50 or 100 (BottleCRM, HubSpot) costs no more
    transactions than one that pages by 2,000 (Salesforce), and what a batch costs per
    person (tallies, adoption weeks, badge looks) is shared by more events. A failure loses
    nothing stored: what was gathered before a CRM error is stored first; a batch that
    cannot be stored is read again next time, from the cursor before it. Returns what was
    read; the store tells what was stored."""
    store = store or StoreHere()
    cursor_row = stream_cursor(connection, stream)
    if cursor_row.retry_at is not None and cursor_row.retry_at > now() and since is None:
        return StreamOutcome(stream, waiting_until=cursor_row.retry_at)
    cursor = None if since is not None else cursor_row.cursor
    read = unmatched = pages = 0
    while pages < MAX_PAGES_PER_STREAM and not store.stopped(stream):
        events, users, more, failure = [], [], True, None
        while more and len(events) < BATCH_EVENTS and pages < MAX_PAGES_PER_STREAM:
            try:
                page = connector.pull(stream, cursor, since=since if cursor is None else None)
            except ConnectorError as error:
                failure = error
                break
            pages += 1
            events += page.events
            users += page.users
            cursor, more = page.cursor, page.more
        try:
            batch = read_events(connection, events, users, now=now())
        except Exception as error:  # a bug or a record that cannot be kept: this stream only
            current_app.logger.exception("CRM sync of %s, stream %s", connection.name, stream)
            db.session.rollback()
            problem = ConnectorError(f"could not store what was read: {error}")
            store.put(StoreJob(connection.id, stream, None, 0, None, None, problem, now()))
            break
        read, unmatched = read + batch.read, unmatched + batch.unmatched
        newest = max((e.at for e in events), default=None)
        job = StoreJob(connection.id, stream, cursor, len(events), newest, batch, failure, now())
        store.put(job)
        if failure is not None or not more:
            break
    return StreamOutcome(stream, read, unmatched=unmatched)


def stream_cursor(connection: CrmConnection, stream: str) -> CrmCursor:
    row = db.session.scalar(
        select(CrmCursor).where(
            CrmCursor.connection_id == connection.id, CrmCursor.stream == stream
        )
    )
    if row is None:
        row = CrmCursor(connection_id=connection.id, stream=stream, events_read=0)
        db.session.add(row)
        db.session.flush()
    return row


def _advanced(
    row: CrmCursor, cursor: str | None, events: int, newest: datetime | None, now: datetime
) -> None:
    row.cursor = cursor if cursor is not None else row.cursor
    row.events_read += events
    if newest is not None:
        row.last_event_at = max(newest, row.last_event_at or newest)
    row.last_success_at = now
    row.last_error = row.last_error_at = row.retry_at = None


def _failed(connection, row: CrmCursor | None, error: ConnectorError, now) -> datetime | None:
    """Record what went wrong (on the stream and the connection); a rate limit sets when the
    stream may be read again."""
    message = error.message[:ERROR_LENGTH]
    where = f"{row.stream}: " if row is not None else ""
    connection.last_error, connection.last_error_at = f"{where}{message}", now
    if row is None:
        return None
    row.last_error, row.last_error_at = message, now
    if isinstance(error, RateLimited) or error.retry_after is not None:
        wait = timedelta(seconds=error.retry_after) if error.retry_after else DEFAULT_RETRY
        row.retry_at = now + wait
    return row.retry_at
