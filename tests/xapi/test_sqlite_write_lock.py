"""Writing transactions on SQLite take the write lock as they begin and wait their turn for
it, up to the busy timeout (lms.database)."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from lms import database


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


def hold_write_lock(engine, seconds: float) -> threading.Thread:
    """Another connection takes the write lock now and lets it go after `seconds`."""
    other = sqlite3.connect(engine.url.database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    def release():
        time.sleep(seconds)
        other.rollback()
        other.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_a_writer_waits_for_the_lock_and_takes_it_once_free(engine):
    holder = hold_write_lock(engine, 0.05)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t DEFAULT VALUES"))
    holder.join()
    assert time.perf_counter() - started >= 0.04
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM t")) == 1


def test_a_writer_gives_up_after_the_busy_timeout(engine, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 50)
    holder = hold_write_lock(engine, 0.3)
    with pytest.raises(OperationalError, match="locked"), engine.begin() as connection:
        connection.execute(text("INSERT INTO t DEFAULT VALUES"))
    holder.join()
