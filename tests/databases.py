"""Throw-away databases for the test suite, on SQLite or PostgreSQL.

`TEST_DATABASE=postgresql` runs the suite against the server at `TEST_POSTGRES_URL`
(default postgresql://postgres@127.0.0.1:5432/postgres); every database made here is dropped
afterwards.
"""

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
SERVER_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def fresh_database(directory: Path):
    """Yield the SQLAlchemy URL of a new, empty database; drop it afterwards."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{directory / f'test-{uuid.uuid4().hex[:8]}.db'}"
        return
    if BACKEND != "postgresql":
        raise RuntimeError(f"TEST_DATABASE must be sqlite or postgresql, not {BACKEND!r}")
    name = f"uptake_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = SERVER_URL.rpartition("/")
    try:
        yield base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + name
    finally:
        with psycopg.connect(SERVER_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
