"""The WAL is copied back and started afresh after write transactions (lms.database), so
that it does not grow without bound when several processes write."""

import sqlite3

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
