"""The WAL is copied back and started afresh after write transactions (lms.database), so
that it does not grow without bound when several processes write; starting it afresh holds
other writers off only once it is very large."""

import sqlite3
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from lms import database


@pytest.fixture
def engine(tmp_path):
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
    """Run the after-writing checkpoint while another connection holds the write lock;
    return how long it took."""
    path = engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    own = sqlite3.connect(path, isolation_level=None)
    try:
        database._last_checkpoint[0] = 0.0
        started = time.perf_counter()
        database._checkpoint_after_writing(own, SimpleNamespace(info={"wrote": True}))
        return time.perf_counter() - started
    finally:
        own.close()
        other.rollback()
        other.close()


def test_a_large_wal_is_restarted_without_waiting_for_other_writers(engine, monkeypatch):
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    monkeypatch.setattr(database, "_last_checkpoint", [time.monotonic()])
    write(engine, 2_000)  # within the interval: left in the WAL
    assert checkpoint_while_another_writes(engine) < database.RESTART_WAIT_MS / 2_000
    assert wal_frames(engine) > 100  # copied back, but not started afresh: next time


def test_a_very_large_wal_waits_for_other_writers(engine, monkeypatch):
    monkeypatch.setattr(database, "RESTART_AT_FRAMES", 10)
    monkeypatch.setattr(database, "FORCE_RESTART_AT_FRAMES", 20)
    monkeypatch.setattr(database, "_last_checkpoint", [time.monotonic()])
    write(engine, 2_000)
    assert checkpoint_while_another_writes(engine) >= database.RESTART_WAIT_MS / 2_000
