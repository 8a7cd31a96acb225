"""LRS throughput and query latency, through the real HTTP endpoint.

1. Starts gunicorn (2 workers, the app's own wsgi.py) on 127.0.0.1 against a fresh database
   (SQLite in a temp dir unless --database-url), with an LRS client.
2. History: fills the store with a year of statements (--total minus what step 3 posts;
   default 1,000,000 in all) through store_statements in batches of 1,000 — the endpoint's
   own code path without HTTP, to save time — `stored` rising through the year as an LRS
   assigns it.
3. Ingest: POSTs --singles statements one per request, then --batched statements in batches
   of 100, each from --concurrency client threads over keep-alive connections.
4. Times filtered GETs (verb, agent, activity, registration, verb + the last 30 days) with
   limit=100 through HTTP.

With --known-people the 20,000 actors are Uptake people (bulk-inserted before the history,
spread over divisions and job roles) and the statements are the CRM use the shipped
gamification rules and adoption measures count (record updates, new leads, report views,
data-quality scores): points, tallies, levels, badges and adoption weeks are written in the
same transaction as each batch, as in production. Without it nobody is known and those
steps have nothing to do.

    .venv/bin/python bench/xapi.py [--total 1000000] [--known-people] [--database-url URL]
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from flask_migrate import upgrade
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402  (beside this script)
    add_database_arguments,
    autoanalyze,
    database_label,
    fresh_database,
    machine,
    size_on_disk,
)

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms.auth.models import Division, JobRole, User  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.database import db  # noqa: E402
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client  # noqa: E402
from lms.xapi.settings import lrs_settings  # noqa: E402
from lms.xapi.store.write import store_statements  # noqa: E402

VERBS = [
    f"http://adlnet.gov/expapi/verbs/{name}"
    for name in (
        "experienced",
        "completed",
        "answered",
        "attempted",
        "passed",
        "failed",
        "launched",
    )
]
CRM_VERBS = [
    f"https://crm.example.com/verbs/{name}"
    for name in ("updated", "viewed", "created", "searched", "reported")
]
PEOPLE = 20_000
ACTIVITIES = 5_000
DIVISIONS = 8
# --known-people: CRM use as the shipped rules (content/gamification/points.yaml) and adoption
# classes (content/adoption.yaml) count it: verb, activity IRI prefix, activity type.
NORTHWIND = "https://crm.northwind.example"
KNOWN_KINDS = [
    ("http://activitystrea.ms/schema/1.0/update", f"{NORTHWIND}/accounts/", None),
    ("http://activitystrea.ms/schema/1.0/create", f"{NORTHWIND}/leads/", None),
    ("http://id.tincanapi.com/verb/viewed", f"{NORTHWIND}/reports/", None),
    ("http://activitystrea.ms/schema/1.0/search", f"{NORTHWIND}/contacts/", None),
    (
        "http://adlnet.gov/expapi/verbs/scored",
        f"{NORTHWIND}/quality/",
        f"{NORTHWIND}/activity-types/data-quality",
    ),
]


def verbs(known_people: bool) -> list[str]:
    return sorted({verb for verb, _, _ in KNOWN_KINDS}) if known_people else VERBS + CRM_VERBS


def make_statement(rng: random.Random, known_people: bool = False) -> dict:
    """A realistic mix for 20,000 people: course activity and CRM activity, or with
    `known_people` the CRM use that earns points and counts as adoption."""
    person = rng.randrange(PEOPLE)
    if known_people:
        verb, prefix, kind = rng.choice(KNOWN_KINDS)
    else:
        verb, prefix, kind = rng.choice(VERBS + CRM_VERBS), "https://crm.example.com/records/", None
    statement = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "mbox": f"mailto:person{person}@bench.example"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": f"{prefix}{rng.randrange(ACTIVITIES)}"},
        "context": {"registration": str(uuid.UUID(int=person, version=4)), "platform": "bench"},
    }
    if kind is not None:
        statement["object"]["definition"] = {"type": kind}
        statement["result"] = {"score": {"scaled": round(rng.uniform(0.5, 1.0), 2)}}
    elif rng.random() < 0.3:
        statement["result"] = {
            "score": {"scaled": round(rng.random(), 3)},
            "success": rng.random() < 0.8,
        }
    return statement


def activity_iri(rng: random.Random, known_people: bool) -> str:
    """An activity the statements use, for the activity filter."""
    if known_people:
        return f"{rng.choice(KNOWN_KINDS)[1]}{rng.randrange(ACTIVITIES)}"
    return f"https://crm.example.com/records/{rng.randrange(ACTIVITIES)}"


def add_people(count: int) -> None:
    """The statements' actors as Uptake people, in a few bulk inserts (not the HR import:
    the bench is about the LRS), over DIVISIONS divisions and the job roles."""
    roles = list(db.session.scalars(select(JobRole.id)))
    if not roles:
        db.session.execute(insert(JobRole), [{"slug": "bench", "title": "Bench"}])
        roles = list(db.session.scalars(select(JobRole.id)))
    names = [{"name": f"Bench division {n}"} for n in range(DIVISIONS)]
    db.session.execute(insert(Division), names)
    divisions = list(db.session.scalars(select(Division.id).order_by(Division.id)))[-DIVISIONS:]
    now = utcnow()
    rows = [
        {
            "email": (email := f"person{n}@bench.example"),
            "email_sha1": hashlib.sha1(f"mailto:{email}".encode()).hexdigest(),
            "name": f"Person {n}",
            "job_role_id": roles[n % len(roles)],
            "division_id": divisions[n % DIVISIONS],
            "hire_date": date(2025, 1, 6) + timedelta(days=n % 300),
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(count)
    ]
    for start in range(0, count, 5_000):
        db.session.execute(insert(User.__table__), rows[start : start + 5_000])
    db.session.commit()


class Lrs:
    """A keep-alive HTTP connection to the LRS, one per thread."""

    def __init__(self, port: int, auth: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {
            "Authorization": auth,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }

    def post(self, body: str) -> float:
        start = time.perf_counter()
        self.connection.request("POST", "/xapi/statements", body=body, headers=self.headers)
        response = self.connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        return time.perf_counter() - start

    def get(self, query: str) -> float:
        start = time.perf_counter()
        self.connection.request("GET", "/xapi/statements?" + query, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        assert response.status == 200, (response.status, body[:200])
        return time.perf_counter() - start


def ingest(
    ports, auth, count, batch, concurrency, seed, known_people=False
) -> tuple[float, list[float]]:
    """Statements per second and request latencies for `count` statements, the client
    threads spread over the servers at `ports` in turn."""
    per_thread = count // concurrency
    latencies: list[float] = []
    lock = threading.Lock()

    def bodies(thread_no: int) -> list[str]:
        """Request bodies made before the clock starts: the load generator shares the two
        cores with the server, and the server's time is what is measured."""
        rng = random.Random(seed * 1000 + thread_no)
        made = []
        for _ in range(per_thread // batch):
            body = [make_statement(rng, known_people) for _ in range(batch)]
            made.append(json.dumps(body if batch > 1 else body[0]))
        return made

    prepared = [bodies(n) for n in range(concurrency)]

    def work(thread_no: int):
        lrs, mine = Lrs(ports[thread_no % len(ports)], auth), []
        for body in prepared[thread_no]:
            mine.append(lrs.post(body))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return (per_thread // batch) * batch * concurrency / elapsed, latencies


def fill(app, total: int, seed: int, known_people: bool = False, batch: int = 1000) -> None:
    """Store `total` statements, `batch` per transaction, stored evenly over the past year."""
    rng = random.Random(seed)
    with app.app_context():
        from sqlalchemy import func, select

        from lms.xapi.models import Statement

        have = db.session.scalar(select(func.count()).select_from(Statement))
        settings, now = lrs_settings(), utcnow() - timedelta(days=365)
        step = timedelta(days=365) / max(1, (total - have) // batch)
        started, done = time.perf_counter(), 0
        while have + done < total:
            size = min(batch, total - have - done)
            store_statements(
                [make_statement(rng, known_people) for _ in range(size)],
                authority=None,
                client_id=None,
                now=now,
                settings=settings,
            )
            db.session.commit()
            done += size
            now += step
            if done % 100_000 < size:
                print(
                    f"  filled {have + done:,} statements"
                    f" ({done / (time.perf_counter() - started):,.0f}/s)",
                    flush=True,
                )


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))]


def app_environment(url: str, **settings: str) -> dict[str, str]:
    """The environment an app process of the benchmark runs with (server or worker)."""
    return dict(
        os.environ, DATABASE_URL=url, SECRET_KEY="bench", BASE_URL="http://lrs.bench", **settings
    )


def start_server(url: str, port: int, workers: int, **environment: str) -> subprocess.Popen:
    """gunicorn serving wsgi.py on 127.0.0.1:`port`, its settings from the environment."""
    env = app_environment(url, **environment)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/xapi/about")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--singles", type=int, default=4_000)
    parser.add_argument("--batched", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--total", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--fill-batch", type=int, default=1000, help="statements per transaction of the history"
    )
    parser.add_argument("--port", type=int, default=5077)
    add_database_arguments(parser)
    parser.add_argument(
        "--known-people", action="store_true", help="the actors are Uptake people (see above)"
    )
    args = parser.parse_args()
    known = args.known_people
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
    ):
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "BASE_URL": "http://lrs.bench"}
        )
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            client, secret = create_client("bench", {SCOPE_WRITE, SCOPE_READ_ALL}, now=utcnow())
            db.session.commit()
            if known:
                add_people(PEOPLE)
            auth = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
            dialect = database_label(db.engine)
        with autoanalyze(url):  # as autovacuum would, where the server has it off
            server = start_server(url, args.port, args.workers)
            try:
                print(
                    f"{machine()}; {dialect},"
                    f" gunicorn {args.workers} workers, {args.concurrency} client threads,"
                    f" actors {'Uptake people' if known else 'unknown to Uptake'}"
                )
                began = time.perf_counter()
                history = args.total - args.singles - args.batched
                fill(app, history, seed=7, known_people=known, batch=args.fill_batch)
                print(f"history stored in {time.perf_counter() - began:,.0f} s", flush=True)
                for label, count, batch in (
                    ("single POSTs", args.singles, 1),
                    ("batches of 100", args.batched, 100),
                ):
                    rate, latencies = ingest(
                        [args.port],
                        auth,
                        count,
                        batch,
                        args.concurrency,
                        seed=batch,
                        known_people=known,
                    )
                    print(
                        f"ingest {label:<15} {rate:>8,.0f} statements/s   request median"
                        f" {statistics.median(latencies) * 1000:.1f} ms,"
                        f" p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
                    )
                rng = random.Random(11)
                month_ago = quote(
                    (utcnow() - timedelta(days=30)).isoformat(timespec="seconds") + "Z"
                )
                lrs = Lrs(args.port, auth)
                queries = {
                    "verb": lambda: f"verb={quote(rng.choice(verbs(known)))}&limit=100",
                    "agent": lambda: (
                        "agent="
                        + quote(
                            json.dumps(
                                {"mbox": f"mailto:person{rng.randrange(PEOPLE)}@bench.example"}
                            )
                        )
                        + "&limit=100"
                    ),
                    "activity": lambda: f"activity={quote(activity_iri(rng, known))}&limit=100",
                    "registration": lambda: (
                        f"registration={uuid.UUID(int=rng.randrange(PEOPLE), version=4)}&limit=100"
                    ),
                    "verb+30 days": lambda: (
                        f"verb={quote(rng.choice(verbs(known)))}&since={month_ago}&limit=100"
                    ),
                }
                print(
                    f"GET /xapi/statements at {args.total:,} statements"
                    f" ({args.queries} requests each)"
                )
                for name, make_query in queries.items():
                    lrs.get(make_query())  # warm up
                    timings = [lrs.get(make_query()) * 1000 for _ in range(args.queries)]
                    print(
                        f"  {name:<14} median {statistics.median(timings):6.1f} ms"
                        f"   p95 {percentile(timings, 0.95):6.1f} ms"
                    )
                with app.app_context():
                    print(f"store on disk: {size_on_disk(db.engine) / 2**20:,.0f} MiB")
            finally:
                server.terminate()
                server.wait(timeout=30)
                with app.app_context():
                    db.engine.dispose()


if __name__ == "__main__":
    main()
