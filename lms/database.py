"""The SQLAlchemy handle, the declarative base and engine settings every model shares."""

import sqlite3
import time
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

# Predictable constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    """Foreign keys on, WAL for concurrent readers, fewer fsyncs, and real transactions.

    pysqlite starts transactions lazily on its own and breaks SAVEPOINT; we switch that off and
    emit BEGIN ourselves (see `_begin_sqlite`), as the SQLAlchemy documentation recommends.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # In WAL mode NORMAL is safe against application crashes (only a power cut or OS crash
    # can lose the last commits) and saves an fsync per commit.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Checkpoints are run after write transactions instead (`_checkpoint_after_writing`).
    cursor.execute("PRAGMA wal_autocheckpoint = 0")
    # Keep 64 MB of pages in memory: bulk statement inserts touch many index pages.
    cursor.execute("PRAGMA cache_size = -65536")
    cursor.close()


BUSY_TIMEOUT_MS = 10_000
CHECKPOINT_EVERY_S = 0.5
CATCH_UP_PASSES = 3
CAUGHT_UP_FRAMES = 500  # ~2 MB
RESTART_AT_FRAMES = 50_000  # ~200 MB of WAL
FORCE_RESTART_AT_FRAMES = 150_000  # ~600 MB
RESTART_WAIT_MS = 100
_last_checkpoint = [time.monotonic()]


@event.listens_for(Pool, "checkin")
def _checkpoint_after_writing(dbapi_connection, record):
    """Copy the WAL back into the database at most every half second per process, after a
    write transaction has ended, and have it started afresh when it has grown large.

    SQLite's own automatic checkpoint runs in the committing writer once the WAL is past a
    size. With several processes writing, another writer has always begun before it
    finishes, so the WAL is never fully copied and is never started afresh: it grows without
    bound and every commit then checkpoints again (measured at 950,000 statements: a 4 MB
    batch commit went from 4 ms to 15 ms, and the WAL reached 800 MB in 200 batches).

    Here PASSIVE checkpoints copy what they can while others keep writing, a few passes
    until little is left (each copies what was written during the one before). Only a
    RESTART starts the WAL afresh, and it holds every writer off while it copies the rest
    and syncs the database file, which on the development machine's disk takes 100-300
    ms whatever is left to copy: restarting every 5,000 frames (20 MB) cost batched
    ingest at 950,000 statements a fifth of its throughput. So it is tried only once the
    WAL is past RESTART_AT_FRAMES, and then without waiting (another writer at work: try
    again next time); past FORCE_RESTART_AT_FRAMES it waits up to RESTART_WAIT_MS for
    writers and readers (a long read, such as an export, just defers it)."""
    if dbapi_connection is None or not record.info.pop("wrote", False):
        return
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if time.monotonic() - _last_checkpoint[0] < CHECKPOINT_EVERY_S:
        return
    _last_checkpoint[0] = time.monotonic()
    cursor = dbapi_connection.cursor()
    try:
        busy, frames, copied = _passive_checkpoint(cursor)
        if not busy and frames >= RESTART_AT_FRAMES:
            wait = RESTART_WAIT_MS if frames >= FORCE_RESTART_AT_FRAMES else 0
            cursor.execute(f"PRAGMA busy_timeout = {wait}")
            cursor.execute("PRAGMA wal_checkpoint(RESTART)")
    except sqlite3.OperationalError:
        pass  # busy or locked: the next write transaction tries again
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()


def _passive_checkpoint(cursor) -> tuple[int, int, int]:
    """(busy, frames in the WAL, frames copied) after PASSIVE passes that stop when another
    checkpoint is running, when little is left, or after CATCH_UP_PASSES."""
    busy, frames, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    for _ in range(CATCH_UP_PASSES):
        if busy or frames - copied <= CAUGHT_UP_FRAMES:
            break
        busy, frames, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return busy, frames, copied


# Requests that only read. Everything else (other requests, commands, workers) may write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_read_only = ContextVar("read_only", default=False)


@contextmanager
def read_only():
    """Transactions begun inside only read, whatever the request: they need not wait for
    SQLite's write lock (e.g. checking an LRS client's credentials before a POST)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    """A transaction that may write takes SQLite's write lock as it begins (waiting up to the
    busy timeout for another writer). Begun lazily, it would read first and then find, when it
    came to write, that another writer had committed in between: SQLite refuses that upgrade
    at once ("database is locked") instead of waiting. Reads stay lazy, so readers never queue
    behind writers (WAL)."""
    if connection.dialect.name != "sqlite":
        return
    reading = _read_only.get() or (has_request_context() and request.method in SAFE_METHODS)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
    if not reading:
        connection.info["wrote"] = True  # see _checkpoint_after_writing
