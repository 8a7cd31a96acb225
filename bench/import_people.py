"""Time the HR import on a realistic export: the first import into an empty database, then a
re-import of the same file (every row unchanged).

    .venv/bin/python bench/import_people.py [--rows N] [--database-url URL]

The export has six divisions, a three-level reporting line (division head, team manager,
team member), job roles from content/job_roles.yaml and hire dates over three years; managers
are not listed before their reports, as in an export sorted by name. Without --database-url
the database is a fresh SQLite file in a temporary directory; a URL given must name an empty
database. Each import is timed as `lms users import FILE --links /dev/null` does its work:
validate, write, commit, and write every new person's password link.
"""

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from harness import add_database_arguments, database_label, fresh_database, machine  # noqa: E402  (beside this script)
from sqlalchemy import func, select  # noqa: E402

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms.auth.links import password_links  # noqa: E402
from lms.auth.people_import import COLUMNS, import_people, validate_file  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.courses.models import Enrollment  # noqa: E402
from lms.database import db  # noqa: E402

DIVISIONS = ("North", "South", "East", "West", "Central", "Online")
TEAM_SIZE = 12
HEAD_ROLES = ("sales_manager", "service_manager")
MEMBER_ROLES = {  # job role of a team member -> share of members
    "sales_rep": 0.45,
    "customer_service_rep": 0.35,
    "marketing": 0.12,
    "hr_partner": 0.05,
    "crm_administrator": 0.03,
}
ACCESS = {"hr_partner": "hr", "crm_administrator": "admin"}
FIRST = ("Ann", "Bea", "Carl", "Dina", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jade", "Kai")
FIRST += ("Lena", "Milo", "Nora", "Otto", "Pia", "Raul", "Sara", "Tom", "Uma")
LAST = ("Lee", "Moss", "Park", "Reyes", "Novak", "Berg", "Costa", "Diaz", "Eklund", "Fox")
LAST += ("Gray", "Hill", "Ito", "Jansen", "Klein", "Lopez")
START = date(2023, 10, 1)


def job_roles() -> set[str]:
    return {role["slug"] for role in yaml.safe_load((ROOT / "content/job_roles.yaml").read_text())}


def person(rng: random.Random, n: int, job_role: str, division: str, manager: str) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "email": f"{first}.{last}.{n}@northwind.example".lower(),
        "name": f"{first} {last}",
        "job_role": job_role,
        "division": division,
        "manager_email": manager,
        "hire_date": (START + timedelta(days=rng.randrange(3 * 365))).isoformat(),
        "roles": ACCESS.get(job_role, ""),
    }


def export_rows(count: int, seed: int = 7) -> list[dict]:
    """`count` people: a head per division, team managers under them, members under those."""
    rng = random.Random(seed)
    known = job_roles()
    assert set(HEAD_ROLES) | set(MEMBER_ROLES) <= known, "job roles missing from content"
    heads = [
        person(rng, n, HEAD_ROLES[n % 2], division, "") for n, division in enumerate(DIVISIONS)
    ]
    team_count = max(1, (count - len(heads)) // (TEAM_SIZE + 1))
    managers = []
    for n in range(team_count):
        head = heads[n % len(heads)]
        role = "sales_manager" if head["job_role"] == "sales_manager" else "service_manager"
        managers.append(person(rng, len(heads) + n, role, head["division"], head["email"]))
    rows = heads + managers
    roles, weights = zip(*MEMBER_ROLES.items(), strict=True)
    while len(rows) < count:
        manager = rng.choice(managers)
        role = rng.choices(roles, weights)[0]
        rows.append(person(rng, len(rows), role, manager["division"], manager["email"]))
    rows = rows[:count]
    rows.sort(key=lambda row: (row["name"], row["email"]))
    return rows


def write_export(rows: list[dict], directory: Path) -> Path:
    path = directory / "hr-export.csv"
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def load_content() -> None:
    from lms.courses.content.sync import sync_content

    sync_content(ROOT / "content", now=utcnow())
    db.session.commit()


def timed_import(path: Path) -> tuple[dict[str, float], object]:
    """What `lms users import FILE --links /dev/null` does, timed phase by phase."""
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        phases[phase], clock = time.perf_counter() - clock, time.perf_counter()

    rows = validate_file(path.read_bytes())
    lap("validate")
    result = import_people(rows, now=utcnow())
    lap("write")
    links = password_links(result.created)  # before the commit, as the command does
    lap("links")
    db.session.commit()
    lap("commit")
    with open(os.devnull, "w", newline="") as out:
        csv.writer(out).writerows(links)
    db.session.remove()  # the next import starts cold, as a new command would
    return phases, result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def describe(result, phases: dict[str, float]) -> str:
    created, updated = len(result.created), len(result.updated)
    split = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in phases.items())
    return f"{created} created, {updated} updated, {result.unchanged} unchanged ({split})"


def run(rows: int, url: str, directory: Path) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BASE_URL": "http://lms.bench"}
    )
    path = write_export(export_rows(rows), directory)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        print(f"{machine()}; {database_label(db.engine)}")
        load_content()
        first, result = timed_import(path)
        print(f"first import: {describe(result, first)}")
        print(f"              {count(Enrollment)} curriculum enrolments in the database")
        again, result = timed_import(path)
        print(f"re-import:    {describe(result, again)}")
        backend = db.engine.dialect.name
        db.engine.dispose()
    timings = f"first import {sum(first.values()):.1f} s, re-import {sum(again.values()):.1f} s"
    print(f"{rows} rows: {timings} ({backend})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=10_000, help="people in the export (default 10000)"
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.rows < len(DIVISIONS) + 2:
        parser.error(f"--rows must be at least {len(DIVISIONS) + 2}")
    with (
        tempfile.TemporaryDirectory(prefix="uptake-bench-") as directory,
        fresh_database(args.database_url, Path(directory), keep=args.keep_database) as url,
    ):
        run(args.rows, url, Path(directory))


if __name__ == "__main__":
    main()
