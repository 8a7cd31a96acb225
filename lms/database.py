"""The SQLAlchemy handle, the declarative base and engine settings every model shares."""

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event, text
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


def partial_index_where(condition: str) -> dict:
    """The keyword arguments that make an `Index` partial, the same on SQLite and PostgreSQL:
    only rows meeting `condition` get an entry."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


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
    # Read the file through a memory map (shared by every connection, kept by the OS) rather
    # than a read into each connection's cache: a big store's index pages come at memory
    # speed. Address space only; SQLite caps it at its build's limit (2 GB by default).
    cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    _record.info["sqlite_file"] = cursor.execute("PRAGMA database_list").fetchone()[2]
    cursor.close()


@event.listens_for(Engine, "connect")
def _configure_postgresql(dbapi_connection, _record):
    """Python lists go to PostgreSQL as binary arrays: the array parameters of `among` and of
    the bulk writes are then dumped without psycopg's text-format escaping of each element
    (ten times faster for 5,000 strings, measured)."""
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    from psycopg.types.array import ListBinaryDumper  # psycopg only where PostgreSQL is used

    dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)


BUSY_TIMEOUT_MS = 10_000
MMAP_BYTES = 2**31 - 2**16  # SQLite's default SQLITE_MAX_MMAP_SIZE
CHECKPOINT_EVERY_S = 0.5
CHECKPOINT_IN_BACKGROUND = True
CATCH_UP_PASSES = 3
CAUGHT_UP_FRAMES = 500  # ~2 MB
RESTART_AT_FRAMES = 50_000  # ~200 MB of WAL
RESTART_WAIT_MS = 100
RESTARTING_SUFFIX = "-restarting"
RESTART_MARKER_STALE_S = 2.0
WRITE_LOCK_POLL_S = 0.0005
_last_checkpoint = [time.monotonic()]
_checkpointers: dict[tuple[int, str], "_Checkpointer"] = {}
_checkpointers_lock = threading.Lock()


@event.listens_for(Pool, "checkin")
def _checkpoint_after_writing(dbapi_connection, record):
    """After a write transaction, have the WAL copied back into the database (at most every
    half second per process) and started afresh when it has grown large: by a thread of
    this process (CHECKPOINT_IN_BACKGROUND), else here.

    SQLite's own automatic checkpoint runs in the committing writer once the WAL is past a
    size. With several processes writing, another writer has always begun before it
    finishes, so the WAL is never fully copied and is never started afresh: it grows without
    bound and every commit then checkpoints again (measured at 950,000 statements: a 4 MB
    batch commit went from 4 ms to 15 ms, and the WAL reached 800 MB in 200 batches).

    A checkpoint syncs the WAL and the database file: 30-150 ms on the development
    machine's disk, which in the request would keep a web worker from its next request
    (measured: a quarter of a worker's time under batched ingest). The background thread
    waits for the disk with the GIL released while the worker goes on."""
    if dbapi_connection is None or not record.info.pop("wrote", False):
        return
    path = record.info.get("sqlite_file")
    if not isinstance(dbapi_connection, sqlite3.Connection) or not path:
        return
    if CHECKPOINT_IN_BACKGROUND:
        _checkpointer(path).wanted.set()
    elif time.monotonic() - _last_checkpoint[0] >= CHECKPOINT_EVERY_S:
        _last_checkpoint[0] = time.monotonic()
        checkpoint(dbapi_connection, path)


def checkpoint(connection: sqlite3.Connection, path: str) -> None:
    """PASSIVE checkpoints copy what they can while others keep writing. Only a RESTART
    starts the WAL afresh, and it holds every writer off while it copies the rest and syncs
    the database file (30-300 ms on the development machine's disk, whatever is left to
    copy: restarting every 5,000 frames took a fifth of batched ingest at 950,000
    statements). So the WAL is let grow to RESTART_AT_FRAMES first; the RESTART then waits
    up to RESTART_WAIT_MS for the writer at work and for readers (a long read, such as an
    export, just defers it to the next time)."""
    cursor = connection.cursor()
    try:
        busy, frames, _copied = _passive_checkpoint(cursor)
        if not busy and frames >= RESTART_AT_FRAMES:
            _restart(cursor, path)
    except sqlite3.OperationalError:
        pass  # busy or locked: the next write transaction tries again
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.close()


class _Checkpointer(threading.Thread):
    """Checkpoints one database file when writes ask for it, at most every
    CHECKPOINT_EVERY_S, on a connection of its own."""

    def __init__(self, path: str):
        super().__init__(name=f"checkpoint {path}", daemon=True)
        self.path = path
        self.wanted = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        while True:
            self.wanted.wait()
            self.wanted.clear()
            checkpoint(connection, self.path)
            time.sleep(CHECKPOINT_EVERY_S)


def _checkpointer(path: str) -> _Checkpointer:
    """This process's checkpointer for the file (a forked process starts its own)."""
    key = (os.getpid(), path)
    with _checkpointers_lock:
        if key not in _checkpointers:
            _checkpointers[key] = _Checkpointer(path)
            _checkpointers[key].start()
        return _checkpointers[key]


def _restart(cursor, path: str) -> None:
    """RESTART, with the writers of every process holding off meanwhile: they poll for the
    write lock (`_begin_immediate`) more often than SQLite's busy handler, which the RESTART
    waits with, would ever find it free."""
    marker = Path(path + RESTARTING_SUFFIX)
    marker.touch()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {RESTART_WAIT_MS}")
        cursor.execute("PRAGMA wal_checkpoint(RESTART)")
    finally:
        marker.unlink(missing_ok=True)


def _wait_for_restart(path: str, deadline: float) -> None:
    """Hold off while a checkpoint restarts the WAL (a marker left by a process that died
    is ignored once RESTART_MARKER_STALE_S old)."""
    marker = path + RESTARTING_SUFFIX
    while time.monotonic() < deadline:
        try:
            age = time.time() - os.stat(marker).st_mtime
        except FileNotFoundError:
            return
        if age > RESTART_MARKER_STALE_S:
            return
        time.sleep(WRITE_LOCK_POLL_S)


def _passive_checkpoint(cursor) -> tuple[int, int, int]:
    """(busy, frames in the WAL, frames copied) after a PASSIVE checkpoint and, when a
    RESTART is due, more passes until little is left for it (or another checkpoint runs,
    or after CATCH_UP_PASSES). Each pass syncs both files, which costs the writer that
    runs it more time than the copying: no more passes than needed."""
    busy, frames, copied = cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    for _ in range(CATCH_UP_PASSES):
        if busy or frames < RESTART_AT_FRAMES or frames - copied <= CAUGHT_UP_FRAMES:
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
    if reading:
        connection.exec_driver_sql("BEGIN")
        return
    _begin_immediate(connection)
    connection.info["wrote"] = True  # see _checkpoint_after_writing


def _begin_immediate(connection) -> None:
    """BEGIN IMMEDIATE, trying again every half millisecond while another writer holds the
    lock, for up to the busy timeout. SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20,
    25 ms and on between tries, so a writer queued behind a 10 ms transaction slept past its
    end: under batched ingest the write lock stood free a third of the time while a writer
    waited for it."""
    raw = connection.connection.driver_connection
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    path = connection.info.get("sqlite_file")
    if path:
        _wait_for_restart(path, deadline)
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    break  # not the lock: let SQLAlchemy report it, as below
            time.sleep(WRITE_LOCK_POLL_S)
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # a last try, failing as SQLAlchemy does
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
