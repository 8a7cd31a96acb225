"""Leaderboard queries with 100,000 people and 10 million ledger rows.

Builds a fresh database (migrations, as in production; SQLite in a temp dir unless
--database-url), seeds 100,000 people in 12 divisions, a year of ledger rows (10 million by
default) with the week / month / all-time tallies that sum them (INSERT ... SELECT ... GROUP BY
over the ledger, so they agree), and weekly and monthly data-quality tallies for 30% of
people; then times, through the real functions in lms.gamification.boards.leaderboards, the
weekly points board (top ten), the weekly data-quality board of one division, and one
person's own rank (a mid-table person, so the count covers half the board), and the whole of
what a learner's page reads (top ten, own row, neighbours, their true ranks). No cache: every
run queries the database. A SQLite --database-url already seeded by an earlier run is reused.

    .venv/bin/python bench/leaderboards.py [--people 100000] [--rows 10000000] [--runs 50]
        [--database-url URL]
"""

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path

from flask_migrate import upgrade
from harness import (
    add_database_arguments,
    database_label,
    fresh_database,
    machine,
    size_on_disk,
)
from sqlalchemy import func, select

from lms import MIGRATIONS_DIR, create_app
from lms.auth.models import Division, User
from lms.config import PROJECT_ROOT
from lms.courses.content.sync import sync_content
from lms.database import db
from lms.gamification.boards import leaderboards as lb
from lms.gamification.boards import privacy
from lms.gamification.models import ALL_TIME, PointsTally
from lms.gamification.rules import week_start

DIVISIONS = 12
YEAR_START = date(2025, 12, 1)
TODAY = date(2026, 11, 27)  # the week measured: the last full week of the year seeded
NOW = datetime(2026, 11, 28)
SECONDS = 362 * 86_400
FIRST_WEEK = week_start(YEAR_START)
WEEKS = 52
# Literals both databases read into their columns (as SQLAlchemy writes them on SQLite).
HIRED = "'2024-01-15'"
JOINED = f"'{YEAR_START} 00:00:00.000000'"
RECORDED = f"'{NOW:%Y-%m-%d %H:%M:%S.%f}'"
PERSON_COLUMNS = (
    "email, email_sha1, name, job_role_id, division_id, hire_date, active, created_at, updated_at"
)
ENTRY_COLUMNS = (
    "user_id, kind, rule_key, object_id, object_hash, award_key, points, earned_at, recorded_at,"
    " reason"
)
QUALITY_COLUMNS = "user_id, period, period_start, score_sum, samples, reached_at"
# The first day of each tally's period, of a timestamp or date column, in each dialect.
PERIOD_STARTS = {
    "sqlite": {
        "week": "date({}, 'weekday 0', '-6 days')",
        "month": "strftime('%Y-%m-01', {})",
        "all": f"'{ALL_TIME}'",
    },
    "postgresql": {
        "week": "date_trunc('week', {})::date",
        "month": "date_trunc('month', {})::date",
        "all": f"DATE '{ALL_TIME}'",
    },
}


def seed(people: int, rows: int) -> None:
    """Everything in set-based SQL of the database's own, on a connection of the driver's
    own: a bench of 10 million rows cannot go through Python."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database)) as raw:  # without the app's PRAGMAs
            seed_sqlite(raw, people, rows)
        return
    import psycopg

    address = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(address, autocommit=True) as connection:
        seed_postgresql(connection, people, rows)


def seed_sqlite(raw: sqlite3.Connection, people: int, rows: int) -> None:
    """Rows made by recursive CTEs, with synchronous writes off and a 1 GB page cache."""
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA cache_size = -1000000")
    job_role, first_division = add_divisions(raw)
    raw.execute(
        f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {people})
        INSERT INTO users ({PERSON_COLUMNS})
        SELECT 'person' || i || '@bench.example', printf('%040d', i), 'Person ' || i,
               {job_role}, {first_division} + i % {DIVISIONS}, {HIRED}, i % 200 != 0,
               {JOINED}, {JOINED}
        FROM n"""
    )
    raw.commit()
    low = first_person(raw)
    per_person = rows // people
    # In person order, so the ledger's (user_id, ...) indexes fill sequentially. Each person
    # has an activity level (1..10 points an award) so boards are not flat.
    raw.execute(
        f"""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows - 1})
        INSERT INTO points_entries ({ENTRY_COLUMNS})
        SELECT {low} + i / {per_person}, 'rule', 'crm-update', '', '', printf('%x', i),
               1 + abs(random()) % (1 + (i / {per_person}) % 10),
               strftime('%Y-%m-%d %H:%M:%S.000000', '{YEAR_START}',
                        '+' || (abs(random()) % {SECONDS}) || ' seconds'),
               {RECORDED}, ''
        FROM n"""
    )
    raw.commit()
    add_tallies(raw, "sqlite")
    # One number of samples (5..14) for everyone: SQLite computes the subquery once.
    raw.execute(
        f"""WITH RECURSIVE w(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM w WHERE k < {WEEKS - 1})
        INSERT INTO quality_tallies ({QUALITY_COLUMNS})
        SELECT u.id, 'week', date('{FIRST_WEEK}', '+' || (k * 7) || ' days'),
               s.samples * (5000 + abs(random()) % 5001), s.samples,
               strftime('%Y-%m-%d %H:%M:%S.000000', '{FIRST_WEEK}',
                        '+' || (k * 7 * 86400 + abs(random()) % 604800) || ' seconds')
        FROM users u, w, (SELECT 5 + abs(random()) % 10 AS samples) s
        WHERE u.id BETWEEN {low} AND {low + people - 1} AND u.id % 10 < 3"""
    )
    add_quality_months(raw, "sqlite")
    raw.execute("ANALYZE")
    raw.commit()
    raw.execute(
        "PRAGMA wal_checkpoint(TRUNCATE)"
    )  # the load into the file: its size is the store's


def seed_postgresql(connection, people: int, rows: int) -> None:
    """The same people, ledger and tallies as seed_sqlite, with PostgreSQL's own SQL, on an
    autocommit connection (VACUUM runs in none)."""
    connection.execute("SET maintenance_work_mem = '1GB'")  # the index builds' sorts
    job_role, first_division = add_divisions(connection)
    connection.execute(
        f"""INSERT INTO users ({PERSON_COLUMNS})
        SELECT 'person' || i || '@bench.example', lpad(i::text, 40, '0'), 'Person ' || i,
               {job_role}, {first_division} + i % {DIVISIONS}, {HIRED}, i % 200 != 0,
               {JOINED}, {JOINED}
        FROM generate_series(1, {people}) AS n(i)"""
    )
    low = first_person(connection)
    per_person = rows // people
    with bulk_loading(connection, "points_entries"):
        connection.execute(
            f"""INSERT INTO points_entries ({ENTRY_COLUMNS})
            SELECT {low} + i / {per_person}, 'rule', 'crm-update', '', '', to_hex(i),
                   1 + floor(random() * (1 + (i / {per_person}) % 10))::int,
                   TIMESTAMP '{YEAR_START}' + floor(random() * {SECONDS}) * INTERVAL '1 second',
                   {RECORDED}, ''
            FROM generate_series(0, {rows - 1}) AS n(i)"""
        )
    add_tallies(connection, "postgresql")
    connection.execute(
        f"""WITH s AS MATERIALIZED (SELECT 5 + floor(random() * 10)::int AS samples)
        INSERT INTO quality_tallies ({QUALITY_COLUMNS})
        SELECT u.id, 'week', DATE '{FIRST_WEEK}' + k * 7,
               s.samples * (5000 + floor(random() * 5001)::int), s.samples,
               TIMESTAMP '{FIRST_WEEK}'
                   + (k * 7 * 86400 + floor(random() * 604800)) * INTERVAL '1 second'
        FROM users u, generate_series(0, {WEEKS - 1}) AS w(k), s
        WHERE u.id BETWEEN {low} AND {low + people - 1} AND u.id % 10 < 3"""
    )
    add_quality_months(connection, "postgresql")
    # As autovacuum leaves a production database: statistics, and a visibility map for
    # index-only scans (and no autovacuum of the fresh rows while the queries are timed).
    connection.execute("VACUUM (ANALYZE)")


def add_divisions(raw) -> tuple[int, int]:
    """DIVISIONS divisions; the job role people get and the first division's id."""
    names = ", ".join(f"('Division {n}')" for n in range(DIVISIONS))
    raw.execute(f"INSERT INTO divisions (name) VALUES {names}")
    job_role = raw.execute("SELECT min(id) FROM job_roles").fetchone()[0]
    first_division = raw.execute("SELECT min(id) FROM divisions").fetchone()[0]
    return job_role, first_division


def first_person(raw) -> int:
    return raw.execute("SELECT min(id) FROM users WHERE email LIKE 'person%'").fetchone()[0]


def add_tallies(raw, dialect: str) -> None:
    """The week, month and all-time tallies that sum the ledger, as the points engine keeps
    them: the points and the latest earned_at of each person's entries in the period."""
    for period, start_of in PERIOD_STARTS[dialect].items():
        start = start_of.format("earned_at")
        raw.execute(
            f"""INSERT INTO points_tallies (user_id, period, period_start, points, reached_at)
            SELECT user_id, '{period}', {start}, sum(points), max(earned_at)
            FROM points_entries GROUP BY user_id, {start}"""
        )
        raw.commit()


def add_quality_months(raw, dialect: str) -> None:
    """The monthly data-quality tallies that sum the weekly ones."""
    month = PERIOD_STARTS[dialect]["month"].format("period_start")
    raw.execute(
        f"""INSERT INTO quality_tallies ({QUALITY_COLUMNS})
        SELECT user_id, 'month', {month}, sum(score_sum), sum(samples), max(reached_at)
        FROM quality_tallies WHERE period = 'week' GROUP BY user_id, {month}"""
    )
    raw.commit()


@contextmanager
def bulk_loading(connection, table: str) -> Iterator[None]:
    """For a bulk load into `table`: its indexes, unique constraints and foreign keys dropped,
    and made again after the load (from their definitions in the catalogue), one sort or one
    join each instead of an index update and a key check for every row. The primary key
    stays."""
    constraints = connection.execute(
        f"""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = '{table}'::regclass AND contype IN ('f', 'u')"""
    ).fetchall()
    indexes = connection.execute(
        f"""SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = '{table}' AND indexname NOT IN
            (SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass)"""
    ).fetchall()
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    for name, _ in constraints:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    for name, definition in constraints:
        connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        connection.execute(definition)


def timed(run, runs: int) -> tuple[float, float]:
    run()  # warm: as a running server's cache would be
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def measure(runs: int) -> None:
    board = lb.Board("points-week", "week", week_start(TODAY))
    quality_board = lb.Board("quality-week", "week", week_start(TODAY), min_samples=5)
    division = lb.Scope("division", db.session.scalar(select(func.min(Division.id))))
    count = db.session.scalar(
        select(func.count())
        .select_from(PointsTally)
        .where(PointsTally.period == "week", PointsTally.period_start == board.start)
    )
    middle = lb.list_standings(board, limit=1, offset=count // 2)[0]
    viewer = db.session.get(User, middle.user_id)
    cases = {
        "weekly points board, top 10": lambda: lb.list_standings(board, limit=10),
        "data quality, one division": lambda: lb.list_standings(quality_board, division, limit=10),
        "own rank (mid-table)": lambda: lb.rank_of(board, middle.user_id),
        "neighbours (one above, one below)": lambda: lb.neighbours(board, middle.user_id),
        "a learner's whole view (page data)": lambda: privacy.learner_view(
            board, lb.COMPANY, viewer
        ),
    }
    print(f"week of {board.start}: {count} people on the weekly board; measured {middle}")
    print(f"{'query':<36}{'median ms':>10}{'p95 ms':>10}")
    for name, run in cases.items():
        median, p95 = timed(run, runs)
        print(f"{name:<36}{median:>10.1f}{p95:>10.1f}")
        db.session.rollback()  # end the read: no snapshot held between cases


def build(people: int, rows: int) -> None:
    """Content and the seeded people, ledger and tallies, unless an earlier run (a SQLite
    --database-url given again) seeded them."""
    if db.session.scalar(select(func.count()).select_from(Division)):
        print("seeded before: measuring the database as it is")
        return
    rows -= rows % people  # whole ledgers: every row is a seeded person's
    sync_content(PROJECT_ROOT / "content", now=NOW)
    db.session.commit()
    db.engine.dispose()
    started = time.perf_counter()
    seed(people, rows)
    size = size_on_disk(db.engine) / 2**20
    print(
        f"seeded {people} people, {rows} ledger rows, tallies and quality in"
        f" {time.perf_counter() - started:.0f} s ({size:,.0f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=50)
    add_database_arguments(parser)
    args = parser.parse_args()
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
    ):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            print(f"{machine()}; {database_label(db.engine)}")
            build(args.people, args.rows)
            measure(args.runs)
            db.engine.dispose()
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
