"""Reading a connection's CRM: each stream from its stored cursor (or from a moment, to
backfill), page by page, each page stored and its cursor moved in one transaction. A stream
that fails is recorded and the others go on; a CRM that asks us to wait is waited for.
Services take `now`; `sync_connection` commits after every page (a sync may run for hours)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from lms.crm.connections import connector_for
from lms.crm.connectors.base import Connector, ConnectorError, RateLimited
from lms.crm.ingest import ingest, note_users
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


def sync_connection(
    connection: CrmConnection,
    *,
    now: datetime | Callable[[], datetime],
    since: datetime | None = None,
    connector: Connector | None = None,
    streams: tuple[str, ...] | None = None,
) -> list[StreamOutcome]:
    """One pass over every stream. `since` backfills: each stream is read from that moment,
    not from its cursor (what is already stored is not stored again). `now` may be a clock,
    for a long pass. Commits after each page and each failure."""
    clock = now if callable(now) else (lambda: now)
    try:
        connector = connector or connector_for(connection)
        if not streams:
            note_users(connection, connector.users(), (), now=clock())
    except ConnectorError as error:
        _failed(connection, None, error, clock())
        db.session.commit()
        return [StreamOutcome("users", error=error.message)]
    outcomes = [
        sync_stream(connection, connector, stream, now=clock, since=since)
        for stream in (streams or connector.streams())
    ]
    connection.last_sync_at = clock()
    if all(o.error is None for o in outcomes):
        connection.last_success_at = connection.last_sync_at
        connection.last_error = None
    db.session.commit()
    return outcomes


def sync_stream(
    connection: CrmConnection,
    connector: Connector,
    stream: str,
    *,
    now: Callable[[], datetime],
    since: datetime | None = None,
) -> StreamOutcome:
    """Read one stream until it is caught up (or MAX_PAGES_PER_STREAM pages). Pages are
    gathered up to BATCH_EVENTS events and stored, with the cursor moved past them, in one
    transaction: a CRM that pages by 50 or 100 (BottleCRM, HubSpot) costs no more
    transactions than one that pages by 2,000 (Salesforce), and what a batch costs per
    person (tallies, adoption weeks, badge looks) is shared by more events. A failure loses
    nothing stored: what was gathered before a CRM error is stored first; a batch that
    cannot be stored is read again next time, from the cursor before it."""
    cursor_row = stream_cursor(connection, stream)
    if cursor_row.retry_at is not None and cursor_row.retry_at > now() and since is None:
        return StreamOutcome(stream, waiting_until=cursor_row.retry_at)
    cursor = None if since is not None else cursor_row.cursor
    read = stored = unmatched = pages = 0
    while pages < MAX_PAGES_PER_STREAM:
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
            result = ingest(connection, events, users, now=now())
        except Exception as error:  # a bug or a statement the LRS refuses: this stream only
            current_app.logger.exception("CRM sync of %s, stream %s", connection.name, stream)
            db.session.rollback()
            connection, cursor_row = _reloaded(connection, stream)
            problem = ConnectorError(f"could not store what was read: {error}")
            _failed(connection, cursor_row, problem, now())
            db.session.commit()
            return StreamOutcome(stream, read, stored, unmatched, problem.message)
        read, stored, unmatched = (
            read + result.read,
            stored + result.stored,
            unmatched + result.unmatched,
        )
        if failure is not None:
            if events:
                _advanced(cursor_row, cursor, events, now())
            wait = _failed(connection, cursor_row, failure, now())
            db.session.commit()
            return StreamOutcome(stream, read, stored, unmatched, failure.message, wait)
        _advanced(cursor_row, cursor, events, now())
        db.session.commit()
        if not more:
            break
    return StreamOutcome(stream, read, stored, unmatched)


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


def _reloaded(connection: CrmConnection, stream: str) -> tuple[CrmConnection, CrmCursor]:
    connection = db.session.get(CrmConnection, connection.id)
    return connection, stream_cursor(connection, stream)


def _advanced(row: CrmCursor, cursor: str | None, events: list, now: datetime) -> None:
    row.cursor = cursor if cursor is not None else row.cursor
    row.events_read += len(events)
    if events:
        newest = max(e.at for e in events)
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
