"""Server time of the learner's and manager's busiest pages with 10,000 people.

Seeds a fresh database (SQLite in a temp dir unless --database-url) through the real import
and enrolment code, gives people realistic progress, then times each page through the WSGI
app in-process — what the server spends, without network — and counts its SQL queries.

    .venv/bin/python bench/pages.py [--people 10000] [--requests 300] [--database-url URL]
"""

import argparse
import csv
import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from harness import add_database_arguments, database_label, fresh_database, machine
from page_timing import measure  # beside this script
from sqlalchemy import select

from lms import MIGRATIONS_DIR, create_app
from lms.auth.models import User
from lms.auth.people_import import import_people, validate_file
from lms.clock import utcnow
from lms.config import PROJECT_ROOT
from lms.courses import plan, progress
from lms.courses.content.sync import sync_content
from lms.database import db

PASSWORD = "bench-password-1"
ROLES = ["sales_rep", "customer_service_rep", "marketing", "sales_rep", "sales_rep"]


def export_csv(people: int) -> str:
    """An HR export: 200 managers with 49 reports each, plus one manager with 50."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["email", "name", "job_role", "division", "manager_email", "hire_date", "roles"]
    )
    managers = max(1, people // 50)
    today = date.today()
    for m in range(managers):
        writer.writerow(
            [
                f"manager{m}@bench.example",
                f"Manager {m}",
                "sales_manager",
                f"Division {m % 6}",
                "",
                "2024-01-15",
                "",
            ]
        )
    for n in range(people - managers):
        manager = 0 if n < 50 else 1 + n % (managers - 1)
        hired = today - timedelta(days=n % 120)
        writer.writerow(
            [
                f"person{n}@bench.example",
                f"Person {n}",
                ROLES[n % len(ROLES)],
                f"Division {manager % 6}",
                f"manager{manager}@bench.example",
                hired.isoformat(),
                "",
            ]
        )
    return out.getvalue()


def seed(people: int) -> None:
    now = utcnow()
    sync_content(PROJECT_ROOT / "content", now=now)
    rows = validate_file(export_csv(people))
    import_people(rows, now=now)
    db.session.commit()
    # Everyone reporting to manager0 gets part-way: some courses done, one in progress.
    for index, person in enumerate(
        db.session.scalars(select(User).where(User.email.like("person%@bench.example")).limit(50))
    ):
        for number, enrollment in enumerate(plan.list_enrollments(person)[: 2 + index % 4]):
            for lesson in progress.visible_lessons(enrollment.course, person)[: 2 + number]:
                progress.complete_lesson(enrollment, lesson, now=now)
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD)
    for email in ("person0@bench.example", "manager0@bench.example"):
        db.session.scalar(select(User).where(User.email == email)).password_hash = password_hash
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    add_database_arguments(parser)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
    ):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            started = time.perf_counter()
            seed(args.people)
            print(f"seeded {args.people} people in {time.perf_counter() - started:.1f} s")
            print(f"{machine()}; {database_label(db.engine)}")
            learner = db.session.scalar(select(User).where(User.email == "person0@bench.example"))
            enrollment = plan.list_enrollments(learner)[1]
            lesson = progress.visible_lessons(enrollment.course, learner)[0]
            engine = db.engine
        pages = {
            "My plan": ("person0@bench.example", "/"),
            "lesson": (
                "person0@bench.example",
                f"/courses/{enrollment.course.slug}/lessons/{lesson.slug}",
            ),
            "team (50 reports)": ("manager0@bench.example", "/team"),
        }
        print(f"{'page':<20}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, (email, path) in pages.items():
            client = app.test_client()
            client.post("/login", data={"email": email, "password": PASSWORD})
            median, p95, queries = measure(client, path, args.requests, engine)
            print(f"{name:<20}{median:>10.1f}{p95:>10.1f}{queries:>9}")
        engine.dispose()


if __name__ == "__main__":
    main()
