"""The WAL is copied back and started afresh after write transactions (lms.database), so
that it does not grow without bound when several processes write; starting it afresh holds
other writers off only once it is very large."""

import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from lms import database


@pytest.fixture
def engine(tmp_path, monkeypatch):
    """An engine whose checkpoints run as its connections go back to the pool (the tests
    of the background thread say otherwise)."""
    monkeypatch.setattr(database, "CHECKPOINT_IN_BACKGROUND", False)
    engine = create_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)"))
    yield engine
    engine.dispose()


def wal_frames(engine) -> int:
    """Frames in the WAL now; a PASSIVE checkpoint does not restart it."""
    path = engine.url.database
    with sqlite3.connect(path) as raw:
        return raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def write(engine, rows: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO t (x) VALUES (:x)"), [{"x": "x" * 500} for _ in range(rows)]
        )


def test_the_next_writer_starts_the_wal_afresh(engine, monkeypatch):
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    monkeypatch.setattr(database, "_last_checkpoint", [0.0])
    write(engine, 2_000)  # then checkpointed as the connection goes back to the pool
    write(engine, 1)
    assert wal_frames(engine) < 10


def test_no_checkpoint_more_often_than_the_interval(engine, monkeypatch):
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    monkeypatch.setattr(database, "_last_checkpoint", [0.0])
    write(engine, 1)
    write(engine, 2_000)  # within the interval: left in the WAL
    write(engine, 1)
    assert wal_frames(engine) > 100


def checkpoint_while_another_writes(engine) -> float:
    """Run a checkpoint while another connection holds the write lock; return how long it
    took."""
    path = engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    own = sqlite3.connect(path, isolation_level=None)
    try:
        started = time.perf_counter()
        database.checkpoint(own, path)
        return time.perf_counter() - started
    finally:
        own.close()
        other.rollback()
        other.close()


def test_a_restart_waits_a_little_for_the_writer_at_work(engine, monkeypatch):
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    monkeypatch.setattr(database, "_last_checkpoint", [time.monotonic()])
    write(engine, 2_000)  # within the interval: left in the WAL
    assert checkpoint_while_another_writes(engine) >= database.RESTART_WAIT_MS / 2_000
    assert wal_frames(engine) > 100  # copied back, but not started afresh: next time
    assert not os.path.exists(engine.url.database + database.RESTARTING_SUFFIX)


def test_writers_hold_off_while_a_restart_runs(engine):
    marker = engine.url.database + database.RESTARTING_SUFFIX
    open(marker, "w").close()
    threading.Timer(0.05, os.remove, [marker]).start()
    started = time.perf_counter()
    write(engine, 1)
    assert time.perf_counter() - started >= 0.04


def test_a_restart_marker_left_behind_is_ignored_once_stale(engine):
    marker = engine.url.database + database.RESTARTING_SUFFIX
    open(marker, "w").close()
    stale = time.time() - database.RESTART_MARKER_STALE_S - 1
    os.utime(marker, (stale, stale))
    started = time.perf_counter()
    write(engine, 1)
    assert time.perf_counter() - started < database.RESTART_MARKER_STALE_S


def test_a_thread_of_the_writing_process_checkpoints(engine, monkeypatch):
    monkeypatch.setattr(database, "CHECKPOINT_IN_BACKGROUND", True)
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    write(engine, 2_000)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # it runs at most every CHECKPOINT_EVERY_S
        write(engine, 1)
        if wal_frames(engine) < 10:
            break
        time.sleep(0.05)
    assert wal_frames(engine) < 10
    assert database._checkpointers[os.getpid(), engine.url.database].is_alive()


def test_every_connection_writes_ahead_and_reads_through_a_memory_map(engine):
    with engine.connect() as connection:
        settings = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "wal_autocheckpoint", "mmap_size")
        }
    assert settings == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "wal_autocheckpoint": 0,  # the checkpoints above run instead
        "mmap_size": database.MMAP_BYTES,
    }
