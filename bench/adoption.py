"""Server time of the HR adoption dashboard with 20,000 people and 5 million CRM statements.

1. A fresh database (a SQLite file in a temp dir, or with --database-url a new database on
   that PostgreSQL server) built by the migrations; content synced; 20,000 people (400
   managers with 49 reports each, six divisions) bulk inserted, and an LRS client for the CRM.
2. A year of CRM statements (--statements, default 5,000,000) written straight into
   `statements` (executemany on SQLite, COPY on PostgreSQL; the same rows): people start
   using the CRM at different weeks (most early, some late, a few never) and skip some
   weeks; updates, creates, views and report requests in a realistic mix.
3. The weekly counts filled the way `lms adoption rebuild` fills them (from the statements),
   onboarding completions and coaching sign-offs for part of the company, and the signals
   of the last finished week recorded as `lms adoption signals` would; the database's size
   on disk.
4. Times GET /adoption (HR, the default 12 weeks) through the Flask test client: median and
   p95 of --requests requests after one warm-up, and its SQL query count; the manager's team
   view and the governance summary for comparison.

    .venv/bin/python bench/adoption.py [--statements 5000000] [--requests 30]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--keep-database]

On SQLite about two minutes in all on a 2-core machine (the load about 70 s, the rebuild
about 40 s).
"""

import argparse
import itertools
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402  (beside this script)
    add_database_arguments,
    analyze,
    database_label,
    fresh_database,
    machine,
    size_on_disk,
)
from harness import checkpoint as harness_checkpoint  # noqa: E402
from page_timing import measure  # noqa: E402  (beside this script)

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms.adoption import aggregates, signals  # noqa: E402
from lms.adoption import rules as r  # noqa: E402
from lms.adoption.content import current_adoption  # noqa: E402
from lms.adoption.models import AdoptionWeek  # noqa: E402
from lms.auth.models import Division, JobRole, User  # noqa: E402
from lms.bulk_writes import insert_rows  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.config import PROJECT_ROOT  # noqa: E402
from lms.courses.content.sync import sync_content  # noqa: E402
from lms.courses.models import Skill  # noqa: E402
from lms.database import db  # noqa: E402
from lms.xapi.clients import SCOPE_WRITE, create_client  # noqa: E402
from lms.xapi.models import Statement  # noqa: E402

PASSWORD = "bench-password-1"
PEOPLE, MANAGERS, DIVISIONS = 20_000, 400, 6
CRM = "https://crm.northwind.example"
MIX = (  # (verb, object path, share)
    ("http://activitystrea.ms/schema/1.0/update", "contacts", 0.45),
    ("http://activitystrea.ms/schema/1.0/create", "leads", 0.15),
    ("http://id.tincanapi.com/verb/viewed", "contacts", 0.28),
    ("http://id.tincanapi.com/verb/viewed", "reports/pipeline", 0.12),
)
COLUMNS = (
    "statement_id, verb_id, activity_id, actor_key, timestamp, stored, voided, is_voiding,"
    " user_id, client_id, document"
)
BATCH = 100_000  # statements a transaction
# PostgreSQL: what the load sets aside and puts back after it, as (drop, create). The
# indexes of the primary key and the unique statement_id stay: the app relies on them, and
# they hold during the load. A foreign key checks each row copied with a query of its own
# (more than the copy itself costs); added back, it checks them all in one.
SET_ASIDE = """
    SELECT format('DROP INDEX %I', indexname), indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'statements'
      AND indexname::regclass NOT IN (
          SELECT conindid FROM pg_constraint WHERE conrelid = 'statements'::regclass)
    UNION ALL
    SELECT format('ALTER TABLE statements DROP CONSTRAINT %I', conname),
           format('ALTER TABLE statements ADD CONSTRAINT %I %s', conname,
                  pg_get_constraintdef(oid))
    FROM pg_constraint WHERE conrelid = 'statements'::regclass AND contype = 'f'
"""


def stamp(moment: datetime) -> str:
    """As SQLAlchemy's SQLite DateTime stores it, so comparisons in queries hold; PostgreSQL's
    COPY reads the same text as a timestamp."""
    return moment.isoformat(sep=" ", timespec="microseconds")


def seed_people(now: datetime) -> list[tuple[int, str]]:
    """20,000 people in one bulk insert; returns (id, e-mail) of everyone but the HR user."""
    from werkzeug.security import generate_password_hash

    sync_content(PROJECT_ROOT / "content", now=now)
    divisions = [Division(name=f"Division {n}") for n in range(DIVISIONS)]
    db.session.add_all(divisions)
    roles = {role.slug: role.id for role in db.session.scalars(select(JobRole))}
    hr = User(
        email="hr@bench.example",
        name="HR Bench",
        job_role_id=roles["sales_manager"],
        hire_date=now.date() - timedelta(days=900),
        password_hash=generate_password_hash(PASSWORD),
    )
    hr.set_roles({"learner", "hr"})
    db.session.add(hr)
    db.session.flush()
    rows, rng = [], random.Random(7)
    for n in range(PEOPLE):
        is_manager = n < MANAGERS
        manager = None if is_manager else 1 + hr.id + (n % MANAGERS)
        email = f"{'manager' if is_manager else 'person'}{n}@bench.example"
        rows.append(
            {
                "email": email,
                "email_sha1": email,  # not used here; any text fits the column
                "name": f"{'Manager' if is_manager else 'Person'} {n}",
                "job_role_id": roles["sales_manager" if is_manager else "sales_rep"],
                "division_id": divisions[(manager or n) % DIVISIONS].id,
                "manager_id": manager,
                "hire_date": (now - timedelta(days=rng.randrange(30, 900))).date(),
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    insert_rows(User.__table__, rows)
    query = select(User.id, User.email).where(User.id != hr.id).order_by(User.id)
    return list(db.session.execute(query))


def statement_rows(people, client_id: int, total: int, now: datetime, rng: random.Random):
    """Yield prepared rows: each person starts in some week (a few never) and skips some."""
    weeks = 53
    first_monday = r.week_of(now) - timedelta(weeks=weeks - 1)
    start_of = [min(weeks, int(weeks * rng.random() ** 2.5)) for _ in people]
    active_weeks = sum(weeks - start for start in start_of)
    per_week = total / active_weeks / 0.85 * 1.03  # a little over, so the total is reached
    verbs = [(verb, f"{CRM}/{path}") for verb, path, _ in MIX]
    weights = [share for _, _, share in MIX]
    made, number = 0, 0
    for (person_id, email), start in zip(people, start_of, strict=True):
        actor = f"agent|mbox|mailto:{email}"
        for week in range(start, weeks):
            if rng.random() < 0.15:
                continue  # a week off
            monday = datetime.combine(first_monday + timedelta(weeks=week), datetime.min.time())
            # At least one; the mean stays per_week, so the total spreads over everyone.
            count = min(int(rng.expovariate(1 / (per_week - 0.5))) + 1, total - made)
            for verb, obj in rng.choices(verbs, weights, k=count):
                when = monday + timedelta(seconds=rng.randrange(7 * 86400))
                if when > now:
                    when = now - timedelta(seconds=rng.randrange(3600))
                number += 1
                sid = f"00000000-0000-4000-8000-{number:012x}"
                target = f"{obj}/{rng.randrange(500)}"
                ts = stamp(when)
                document = (
                    f'{{"id":"{sid}","actor":{{"objectType":"Agent","mbox":"mailto:{email}"}},'
                    f'"verb":{{"id":"{verb}"}},"object":{{"id":"{target}"}},'
                    f'"timestamp":"{when.isoformat()}Z","stored":"{when.isoformat()}Z"}}'
                )
                yield (sid, verb, target, actor, ts, ts, 0, 0, person_id, client_id, document)
            made += count
            if made >= total:
                return


def seed_statements(people, client_id: int, total: int, now: datetime) -> int:
    """The rows of `statement_rows` on the driver's own connection, in transactions of BATCH,
    the fastest way each database takes them; the statements' secondary indexes are dropped
    for the load and built again after it (one sorted build instead of millions of random
    inserts)."""
    db.session.commit()
    rows = statement_rows(people, client_id, total, now, random.Random(11))
    load = _load_postgresql if db.engine.dialect.name == "postgresql" else _load_sqlite
    pooled = db.engine.raw_connection()
    try:
        return load(pooled.driver_connection, rows)
    finally:
        pooled.close()


def _load_sqlite(raw: sqlite3.Connection, rows) -> int:
    """executemany, the write-ahead log emptied after each transaction. The connection is in
    autocommit: we say BEGIN ourselves."""
    indexes = raw.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'statements' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in indexes:
        raw.execute(f"DROP INDEX {name}")
    sql = f"INSERT INTO statements ({COLUMNS}) VALUES ({', '.join('?' * 11)})"

    def write(batch: list[tuple]) -> None:
        raw.execute("BEGIN")
        raw.executemany(sql, batch)
        raw.execute("COMMIT")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # keep the write-ahead log small

    written = _in_transactions(rows, write)
    raw.execute("BEGIN")
    for _name, index_sql in indexes:
        raw.execute(index_sql)
    raw.execute("COMMIT")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return written


def _load_postgresql(raw, rows) -> int:
    """COPY in text format (a psycopg connection): the server reads each value as its
    column's type, so the rows SQLite takes are right as they are (times as ISO text, 0
    for false, the document as text). Foreign keys too are set aside for the load (see
    SET_ASIDE); ANALYZE after, for the planner."""
    set_aside = raw.execute(SET_ASIDE).fetchall()
    for drop, _create in set_aside:
        raw.execute(drop)
    raw.commit()

    def write(batch: list[tuple]) -> None:
        with raw.cursor() as cursor, cursor.copy(f"COPY statements ({COLUMNS}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        raw.commit()

    written = _in_transactions(rows, write)
    for _drop, create in set_aside:
        raw.execute(create)
    raw.commit()
    raw.execute("ANALYZE statements")
    raw.commit()
    return written


def _in_transactions(rows, write) -> int:
    """Hand `write` the rows BATCH at a time, each batch one transaction; progress each
    million."""
    written, started = 0, time.perf_counter()
    while batch := list(itertools.islice(rows, BATCH)):
        write(batch)
        written += len(batch)
        if written % 1_000_000 == 0:
            rate = written / (time.perf_counter() - started)
            print(f"  {written:,} statements ({rate:,.0f}/s)", flush=True)
    return written


def seed_learning(people, now: datetime) -> None:
    """Onboarding completed by 40% of people; coaching sign-offs, steps 1–4, for 60%."""
    from lms.coaching.models import CoachingSignOff, OnboardingCompletion

    rng = random.Random(5)
    skill = db.session.scalars(select(Skill)).first()
    completions, sign_offs = [], []
    for person_id, _email in people[MANAGERS:]:
        coach = people[0][0]  # any manager: who signed does not change the counts
        if rng.random() < 0.4:
            when = now - timedelta(days=rng.randrange(1, 360))
            completions.append({"person_id": person_id, "completed_at": when})
        if rng.random() < 0.6:
            for step in range(1, rng.randrange(2, 6)):
                sign_offs.append(
                    {
                        "learner_id": person_id,
                        "skill_id": skill.id,
                        "step": step,
                        "coach_id": coach,
                        "signed_at": now - timedelta(days=rng.randrange(1, 360)),
                        "note": "",
                        "statement_id": f"00000000-0000-4000-9000-{len(sign_offs):012x}",
                    }
                )
    insert_rows(OnboardingCompletion.__table__, completions)
    insert_rows(CoachingSignOff.__table__, sign_offs)
    db.session.commit()


def checkpoint() -> None:
    """The load committed and, on SQLite, the write-ahead log emptied into the database."""
    db.session.commit()
    harness_checkpoint(db.engine)


def build(args, app) -> None:
    now = utcnow()
    started = time.perf_counter()
    people = seed_people(now)
    client, _secret = create_client("Northwind CRM", {SCOPE_WRITE}, now=now)
    db.session.commit()
    print(f"{len(people):,} people in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    written = seed_statements(people, client.id, args.statements, now)
    print(f"{written:,} statements in {time.perf_counter() - started:.1f} s", flush=True)
    seed_learning(people, now)
    started = time.perf_counter()
    aggregates.rebuild()
    db.session.commit()
    checkpoint()
    weeks = db.session.scalar(select(func.count()).select_from(AdoptionWeek))
    print(
        f"weekly counts rebuilt from the statements in {time.perf_counter() - started:.1f} s"
        f" ({weeks:,} person-weeks)",
        flush=True,
    )
    started = time.perf_counter()
    raised = signals.record_signals(now, current_adoption())
    db.session.commit()
    print(f"{len(raised):,} signals recorded in {time.perf_counter() - started:.1f} s")
    checkpoint()  # the signals' writes too
    analyze(db.engine)
    print(f"database on disk: {size_on_disk(db.engine) / 2**20:,.0f} MiB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=5_000_000)
    parser.add_argument("--requests", type=int, default=30)
    add_database_arguments(parser)
    args = parser.parse_args()
    total = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
    ):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            build(args, app)
            statements = db.session.scalar(select(func.count()).select_from(Statement))
            manager = db.session.scalar(
                select(User.id).where(User.email == "manager0@bench.example")
            )
            engine = db.engine
        print(f"{machine()}; {database_label(engine)}; {statements:,} statements")
        print(f"{'page':<28}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, path in (
            ("HR dashboard (12 weeks)", "/adoption"),
            ("team view (49 reports)", f"/adoption/team/{manager}"),
            ("governance summary", "/adoption/governance"),
        ):
            client = app.test_client()
            client.post("/login", data={"email": "hr@bench.example", "password": PASSWORD})
            median, p95, queries = measure(client, path, args.requests, engine)
            print(f"{name:<28}{median:>10.1f}{p95:>10.1f}{queries:>9}", flush=True)
        engine.dispose()
    print(f"total run time {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
