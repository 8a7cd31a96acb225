"""Archiving and removing statements past retention (`lms xapi prune`), at scale.

1. A fresh database (SQLite in a temporary folder unless --database-url) with --people Uptake
   people (default 2,000) and an LRS client, the CRM.
2. A year of their CRM use (--total statements, default 1,000,000) in the CRM-usage profile
   (record creates and updates with the data quality Uptake judged, report views), stored
   through the store's own code with everything that follows in production — points,
   tallies, data-quality samples, adoption weeks — 1,000 statements a transaction, `stored`
   rising evenly through the twelve months before now.
3. `lms xapi prune` with STATEMENT_RETENTION_MONTHS=3 (about three quarters of the year goes),
   run as the command an operator runs: the time it took, statements removed a second, the
   archive's size, and the database's size before, after, and after VACUUM (which gives the
   freed pages back to the file system; without it they are reused by new statements).
4. `lms gamification rebuild` and `lms adoption rebuild` on what is left, timed: they start at
   the horizon and must find no difference.

    .venv/bin/python bench/prune.py [--total 1000000] [--database-url URL]
"""

import argparse
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402  (beside this script)
    add_database_arguments,
    analyze,
    checkpoint,
    database_label,
    fresh_database,
    machine,
    size_on_disk,
)
from xapi import add_people  # noqa: E402

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.database import db  # noqa: E402
from lms.events import StatementsReceived, publish  # noqa: E402
from lms.xapi.clients import SCOPE_WRITE, authority_for, create_client  # noqa: E402
from lms.xapi.models import LrsClient  # noqa: E402
from lms.xapi.settings import lrs_settings  # noqa: E402
from lms.xapi.store.write import store_batch  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
PROFILE = "https://uptake.dev/xapi/profiles/crm-usage"
RECORD_TYPES = ("lead", "contact", "account", "opportunity")
CHANGES = ("http://activitystrea.ms/schema/1.0/create", "http://activitystrea.ms/schema/1.0/update")
REPORT = f"{PROFILE}/verbs/viewed-report"
CRM = "https://crm.bench.example"


def crm_use(rng: random.Random, people: int) -> dict:
    """A record created or changed, with its data quality, or a report viewed."""
    person = rng.randrange(people)
    statement = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "mbox": f"mailto:person{person}@bench.example"},
        "context": {"platform": "Bench CRM"},
    }
    if rng.random() < 0.2:
        report = f"{CRM}/reports/{rng.randrange(200)}"
        return statement | {"verb": {"id": REPORT}, "object": {"id": report}}
    kind = rng.choice(RECORD_TYPES)
    record = {
        "id": f"{CRM}/{kind}s/{rng.randrange(100_000)}",
        "definition": {"type": f"{PROFILE}/activity-types/{kind}"},
    }
    quality = {"score": {"scaled": rng.choice((0.5, 0.75, 0.9, 1.0))}}
    return statement | {"verb": {"id": rng.choice(CHANGES)}, "object": record, "result": quality}


def fill(app, client_id: int, total: int, people: int, batch: int = 1000) -> float:
    """Store `total` statements of CRM use over the past year, with what follows them;
    the seconds it took."""
    rng = random.Random(11)
    with app.app_context():
        settings = lrs_settings()
        authority = authority_for(db.session.get_one(LrsClient, client_id), settings.base_url)
        now = utcnow() - timedelta(days=365)
        step = timedelta(days=365) / max(1, total // batch)
        started, done = time.perf_counter(), 0
        while done < total:
            size = min(batch, total - done)
            stored = store_batch(
                [crm_use(rng, people) for _ in range(size)],
                authority=authority,
                client_id=client_id,
                now=now,
                settings=settings,
            )
            publish(StatementsReceived(fresh=tuple(stored.fresh), now=now))
            db.session.commit()
            done, now = done + size, now + step
            if done % 100_000 < size:
                rate = done / (time.perf_counter() - started)
                print(f"  stored {done:,} statements ({rate:,.0f}/s)", flush=True)
        return time.perf_counter() - started


def lms_command(url: str, *args: str) -> tuple[float, str]:
    """Run `lms ...` against the database as an operator would; (seconds, its output)."""
    environment = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "BASE_URL": "http://lrs.bench",
        "STATEMENT_RETENTION_MONTHS": "3",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "lms"), *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"lms {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def vacuum(engine) -> None:
    """Give the freed pages back to the file system: SQLite's VACUUM, PostgreSQL's VACUUM
    FULL (both rewrite the tables, holding them locked while they do). Outside any
    transaction: on the driver's connection (SQLite's runs in autocommit, see lms.database)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.exec_driver_sql("VACUUM FULL")
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("VACUUM")
    finally:
        raw.close()
    checkpoint(engine)


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000)
    add_database_arguments(parser)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
    ):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BASE_URL": "http://lrs.bench"}
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            client, _secret = create_client("CRM", {SCOPE_WRITE}, now=utcnow())
            db.session.commit()
            add_people(args.people)
            print(f"{machine()}; {database_label(db.engine)}")
            client_id = client.id
        seconds = fill(app, client_id, args.total, args.people)
        print(f"stored {args.total:,} statements with their points in {seconds:,.0f} s")
        with app.app_context():
            analyze(db.engine)
            checkpoint(db.engine)
            before = size_on_disk(db.engine)
        archive = Path(tmp) / "archive.ndjson.gz"
        elapsed, said = lms_command(url, "xapi", "prune", "--archive", str(archive))
        removed = int(said.split("removed ", 1)[1].split(" ", 1)[0].replace(",", ""))
        print(said)
        with gzip.open(archive, "rb") as lines:
            archived = sum(1 for _ in lines)
        assert archived == removed, (archived, removed)
        print(
            f"prune: {removed:,} statements in {elapsed:,.0f} s ({removed / elapsed:,.0f}/s);"
            f" archive {archive.stat().st_size / 2**20:,.0f} MiB"
            f" ({archive.stat().st_size / max(1, removed):,.0f} bytes a statement, one a line)"
        )
        with app.app_context():
            analyze(db.engine)
            checkpoint(db.engine)
            after = size_on_disk(db.engine)
            vacuum(db.engine)
            vacuumed = size_on_disk(db.engine)
        print(f"database: {gib(before)} before, {gib(after)} after, {gib(vacuumed)} after VACUUM")
        for command in (("gamification", "rebuild"), ("adoption", "rebuild")):
            elapsed, said = lms_command(url, *command)
            print(f"lms {' '.join(command)}: {elapsed:,.0f} s — {said}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
