"""What every benchmark needs: a database of its own on either database, a line describing the
machine it ran on, and the arguments that choose them."""

import argparse
import os
import platform
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
