"""Leaderboard queries with 100,000 people and 10 million ledger rows.

Builds a fresh SQLite database (migrations, as in production), seeds 100,000 people in
12 divisions, a year of ledger rows (10 million by default) with the week / month / all-time
tallies that sum them (INSERT ... SELECT ... GROUP BY over the ledger, so they agree), and
weekly and monthly data-quality tallies for 30% of people; then times, through the real
functions in lms.gamification.leaderboards, the weekly points board (top ten), the weekly
data-quality board of one division, and one person's own rank (a mid-table person, so
the count covers half the board), and the whole of what a learner's page reads
(top ten, own row, neighbours, their true ranks). No cache: every run queries the database.

    .venv/bin/python bench/leaderboards.py [--people 100000] [--rows 10000000] [--runs 50]
"""

import argparse
import os
import platform
import sqlite3
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from lms import MIGRATIONS_DIR, create_app
from lms.auth.models import User
from lms.config import PROJECT_ROOT
from lms.courses.content.sync import sync_content
from lms.database import db
from lms.gamification.boards import leaderboards as lb
from lms.gamification.boards import privacy
from lms.gamification.rules import week_start

DIVISIONS = 12
YEAR_START = date(2025, 12, 1)
TODAY = date(2026, 11, 27)  # the week measured: the last full week of the year seeded
NOW = datetime(2026, 11, 28)
SECONDS = 362 * 86_400


def seed(raw: sqlite3.Connection, people: int, rows: int) -> None:
    """Everything in set-based SQL: a bench of 10 million rows cannot go through Python."""
    raw.execute("PRAGMA synchronous = OFF")
    raw.execute("PRAGMA cache_size = -1000000")
    job_role = raw.execute("SELECT id FROM job_roles ORDER BY id LIMIT 1").fetchone()[0]
    raw.executemany(
        "INSERT INTO divisions (name) VALUES (?)", [(f"Division {n}",) for n in range(DIVISIONS)]
    )
    first_division = raw.execute("SELECT min(id) FROM divisions").fetchone()[0]
    raw.execute(
        f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {people})
        INSERT INTO users (email, email_sha1, name, job_role_id, division_id, hire_date, active,
                           failed_logins, created_at, updated_at)
        SELECT 'person' || i || '@bench.example', printf('%040d', i), 'Person ' || i,
               {job_role}, {first_division} + i % {DIVISIONS}, '2024-01-15', i % 200 != 0, 0,
               '2025-12-01 00:00:00.000000', '2025-12-01 00:00:00.000000'
        FROM n"""
    )
    raw.commit()
    low = raw.execute("SELECT min(id) FROM users WHERE email LIKE 'person%'").fetchone()[0]
    per_person = rows // people
    # In person order, so the ledger's (user_id, ...) indexes fill sequentially. Each person
    # has an activity level (1..10 points an award) so boards are not flat.
    raw.execute(
        f"""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows - 1})
        INSERT INTO points_entries (user_id, kind, rule_key, object_id, object_hash, award_key,
                                    points, earned_at, recorded_at, reason)
        SELECT {low} + i / {per_person}, 'rule', 'crm-update', '', '', printf('%x', i),
               1 + abs(random()) % (1 + (i / {per_person}) % 10),
               strftime('%Y-%m-%d %H:%M:%S.000000', '{YEAR_START}',
                        '+' || (abs(random()) % {SECONDS}) || ' seconds'),
               '2026-11-28 00:00:00.000000', ''
        FROM n"""
    )
    raw.commit()
    tallies(raw)
    quality(raw, low, people)
    raw.execute("ANALYZE")
    raw.commit()


def tallies(raw: sqlite3.Connection) -> None:
    for period, start in (
        ("week", "date(earned_at, 'weekday 0', '-6 days')"),
        ("month", "strftime('%Y-%m-01', earned_at)"),
        ("all", "'2000-01-01'"),
    ):
        raw.execute(
            f"""INSERT INTO points_tallies (user_id, period, period_start, points, reached_at)
            SELECT user_id, '{period}', {start}, sum(points), max(earned_at)
            FROM points_entries GROUP BY user_id, {start}"""
        )
        raw.commit()


def quality(raw: sqlite3.Connection, low: int, people: int) -> None:
    """Weekly and monthly data-quality tallies for 30% of people, 5..14 samples a week."""
    raw.execute(
        f"""WITH RECURSIVE w(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM w WHERE k < 51)
        INSERT INTO quality_tallies (user_id, period, period_start, score_sum, samples,
                                     reached_at)
        SELECT u.id, 'week', date('{week_start(YEAR_START)}', '+' || (k * 7) || ' days'),
               s.samples * (5000 + abs(random()) % 5001), s.samples,
               strftime('%Y-%m-%d %H:%M:%S.000000', '{week_start(YEAR_START)}',
                        '+' || (k * 7 * 86400 + abs(random()) % 604800) || ' seconds')
        FROM users u, w, (SELECT 5 + abs(random()) % 10 AS samples) s
        WHERE u.id BETWEEN {low} AND {low + people - 1} AND u.id % 10 < 3"""
    )
    raw.execute(
        """INSERT INTO quality_tallies (user_id, period, period_start, score_sum, samples,
                                        reached_at)
        SELECT user_id, 'month', strftime('%Y-%m-01', period_start), sum(score_sum),
               sum(samples), max(reached_at)
        FROM quality_tallies WHERE period = 'week'
        GROUP BY user_id, strftime('%Y-%m-01', period_start)"""
    )
    raw.commit()


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
    division_id = db.session.scalar(text("SELECT min(id) FROM divisions"))
    division = lb.Scope("division", division_id)
    count = db.session.scalar(
        text("SELECT count(*) FROM points_tallies WHERE period = 'week' AND period_start = :s"),
        {"s": board.start.isoformat()},
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


def build(path: Path, people: int, rows: int) -> None:
    upgrade(directory=MIGRATIONS_DIR)
    sync_content(PROJECT_ROOT / "content", now=NOW)
    db.session.commit()
    db.engine.dispose()
    started = time.perf_counter()
    raw = sqlite3.connect(path)
    seed(raw, people, rows)
    raw.close()
    size = path.stat().st_size / 2**30
    print(
        f"seeded {people} people, {rows} ledger rows, tallies and quality in"
        f" {time.perf_counter() - started:.0f} s ({size:.1f} GiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="seed this file once, then reuse it")
    args = parser.parse_args()
    began = time.perf_counter()
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()}"
        f" {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        fresh = not path.exists()
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"})
        with app.app_context():
            if fresh:
                build(path, args.people, args.rows)
            measure(args.runs)
            db.engine.dispose()
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
