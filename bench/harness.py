"""What every benchmark needs: a database of its own on either database, a line describing the
machine it ran on, and the arguments that choose them."""

import argparse
import os
import platform
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url

DATABASE_HELP = (
    "a PostgreSQL server (a fresh database is made there and dropped afterwards), e.g."
    " postgresql://postgres@127.0.0.1:5432/postgres; default a temporary SQLite file"
)


def add_database_arguments(parser: argparse.ArgumentParser) -> None:
    """--database-url and --keep-database, the same in every benchmark."""
    parser.add_argument("--database-url", help=DATABASE_HELP)
    parser.add_argument(
        "--keep-database", action="store_true", help="PostgreSQL: keep the database made"
    )


@contextmanager
def fresh_database(url: str | None, folder: Path, *, keep: bool = False) -> Iterator[str]:
    """A SQLite file in `folder`, or a new database on the PostgreSQL server of `url`
    (dropped afterwards unless `keep`, to look at its plans after the run)."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{folder / 'bench.db'}"
        return
    import psycopg

    server = make_url(url).set(drivername="postgresql")
    name = f"uptake_bench_{uuid.uuid4().hex[:8]}"
    admin_url = server.render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        if keep:
            print(f"kept: database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine() -> str:
    """Cores, CPU model, memory and Python: the line a benchmark's figures are read with."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    model = next(
        (line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
        platform.processor() or "unknown CPU",
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {model}, {memory:.0f} GiB RAM,"
        f" Python {platform.python_version()}, load average {load:.2f}"
    )


def database_label(engine) -> str:
    """`sqlite 3.40.1` or `postgresql 15.x`: the server's own version."""
    version = engine.dialect.server_version_info or ()
    return f"{engine.dialect.name} {'.'.join(str(part) for part in version)}"


def analyze(engine) -> None:
    """PostgreSQL: the planner's statistics for every table, gathered now, as autovacuum
    would have as the tables grew (the development machine's server runs with autovacuum
    off). Without them the run would measure plans made for the empty tables the migrations
    left."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def checkpoint(engine) -> None:
    """SQLite: move the write-ahead log into the database and empty it, so that the size on
    disk is the store's, not the log's high-water mark. PostgreSQL checkpoints by itself."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def size_on_disk(engine) -> int:
    """Bytes: the SQLite file with its write-ahead log, or the PostgreSQL database with its
    indexes, TOAST and free space."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT pg_database_size(current_database())"
            ).scalar()
    path = Path(engine.url.database)
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


# Autovacuum's defaults: a table is analysed once this many rows plus this share of it have
# changed since it last was.
ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR = 50, 0.1


@contextmanager
def autoanalyze(url: str, *, every_s: float = 5.0) -> Iterator[None]:
    """While the block runs, on a PostgreSQL server whose autovacuum is off: what its
    autoanalyze would do, by autovacuum's own rule, from a thread of its own. Nothing on
    SQLite, or where the server's autovacuum is on."""
    if not url.startswith("postgresql"):
        yield
        return
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(conninfo, autocommit=True)
    if connection.execute("SHOW autovacuum").fetchone()[0] == "on":
        connection.close()
        yield
        return
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(every_s):
            due = connection.execute(
                "SELECT relname FROM pg_stat_user_tables"
                " WHERE n_mod_since_analyze > %s + %s * n_live_tup",
                (ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR),
            ).fetchall()
            for (table,) in due:
                connection.execute(f'ANALYZE "{table}"')

    thread = threading.Thread(target=watch, name="autoanalyze", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=120)
        connection.close()
