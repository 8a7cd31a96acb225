"""The points engine's cost on the LRS ingest path: `engine.apply` for batches of 100
realistic CRM statements (updates, new leads, report views, data-quality scores; several
rules match each, daily caps and a cool-down bite), with the shipped rules.

    .venv/bin/python bench/gamification_apply.py [--batches 50] [--people 20] [--database-url URL]

Each batch is stored first (store_batch, not timed), then engine.apply is timed; the
transaction commits after each batch as a request would. Prints the median and p90 in ms.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import add_database_arguments, database_label, fresh_database, machine  # noqa: E402

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms.auth.models import User  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.courses.content.sync import sync_content  # noqa: E402
from lms.database import db  # noqa: E402
from lms.gamification.points import engine  # noqa: E402
from lms.gamification.ruleset import current_ruleset  # noqa: E402
from lms.xapi.clients import SCOPE_WRITE, create_client  # noqa: E402
from lms.xapi.settings import lrs_settings  # noqa: E402
from lms.xapi.store.write import store_batch  # noqa: E402

CRM = "https://crm.northwind.example"
KINDS = [
    ("http://activitystrea.ms/schema/1.0/update", f"{CRM}/accounts/", None),
    ("http://activitystrea.ms/schema/1.0/create", f"{CRM}/leads/", None),
    ("http://id.tincanapi.com/verb/viewed", f"{CRM}/reports/", None),
    ("http://adlnet.gov/expapi/verbs/scored", f"{CRM}/quality/", "data-quality"),
]


def statement(email: str, at, rng: random.Random) -> dict:
    verb, prefix, kind = rng.choice(KINDS)
    document = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{email}"},
        "verb": {"id": verb},
        "object": {"id": f"{prefix}{rng.randrange(500)}"},
        "timestamp": at.isoformat() + "Z",
    }
    if kind:
        document["object"]["definition"] = {"type": f"{CRM}/activity-types/{kind}"}
        document["result"] = {"score": {"scaled": round(rng.uniform(0.6, 1.0), 2)}}
    return document


def people(count: int) -> list[str]:
    from lms.auth.services import get_job_role, get_or_create_division

    emails = [f"rep{n}@bench.example" for n in range(count)]
    for email in emails:
        user = User(
            email=email,
            name=email,
            job_role=get_job_role("sales_rep"),
            division=get_or_create_division("North"),
            hire_date=date(2026, 1, 5),
            active=True,
        )
        user.set_roles({"learner"})
        db.session.add(user)
    db.session.commit()
    return emails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument(
        "--without-badges", action="store_true", help="time points, samples and levels only"
    )
    add_database_arguments(parser)
    args = parser.parse_args()
    if args.without_badges:
        engine.evaluate_badges = lambda *_args: []
    rng = random.Random(6)
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(args.database_url, Path(folder), keep=args.keep_database) as url,
    ):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "BASE_URL": "http://lms.bench",
                "CONTENT_DIR": ROOT / "content",
            }
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            print(f"{machine()}; {database_label(db.engine)}")
            sync_content(ROOT / "content", now=utcnow())
            client, _ = create_client("CRM", {SCOPE_WRITE}, now=utcnow())
            emails = people(args.people)
            ruleset, settings, start = current_ruleset(), lrs_settings(), utcnow()
            timings = []
            for n in range(args.batches):
                now = start + timedelta(minutes=30 * n)
                batch = [statement(rng.choice(emails), now, rng) for _ in range(100)]
                fresh = store_batch(
                    batch, authority=None, client_id=client.id, now=now, settings=settings
                ).fresh
                began = time.perf_counter()
                engine.apply(fresh, now=now, ruleset=ruleset)
                timings.append((time.perf_counter() - began) * 1000)
                db.session.commit()
            timings.sort()
            print(
                f"engine.apply, {args.batches} batches of 100 CRM statements, "
                f"{args.people} people: median {statistics.median(timings):.1f} ms, "
                f"p90 {timings[int(len(timings) * 0.9)]:.1f} ms per batch"
            )


if __name__ == "__main__":
    main()
