"""Scale-out on PostgreSQL: one and then two app servers against one database, with
forwarding workers sending everything on to an enterprise LRS.

1. A fresh PostgreSQL database (--database-url names the server) with an LRS client and
   --stored statements of history; forwarding on.
2. The enterprise LRS: a second Uptake (a conformant LRS) on a SQLite database of its own,
   served by gunicorn on 127.0.0.1.
3. --forwarders workers (`lms xapi forward`) run throughout.
4. For one app server, then two (gunicorn processes of --workers each on their own ports),
   --concurrency client threads spread over the servers POST --batched statements in
   batches of 100. Reported: the ingest rate, and the rate at which the outbox was
   forwarded (from the first post until it is empty again).

    .venv/bin/python bench/scale_out.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

import argparse
import base64
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from harness import add_database_arguments, autoanalyze, database_label, fresh_database, machine
from sqlalchemy import func, select
from xapi import ROOT, app_environment, fill, ingest, percentile, start_server

from lms import MIGRATIONS_DIR, create_app
from lms.clock import utcnow
from lms.database import db
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from lms.xapi.models import OutboxItem

BATCH = 100


def make_lrs_client(url: str) -> tuple[str, str]:
    """(key, secret) of a new LRS client with write and read scopes, on the database at `url`,
    its schema made first."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        client, secret = create_client("bench", {SCOPE_WRITE, SCOPE_READ_ALL}, now=utcnow())
        db.session.commit()
        key = client.key
        db.engine.dispose()
    return key, secret


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def start_forwarder(url: str, forwarding: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from lms.cli import main; main()", "xapi", "forward"],
        cwd=ROOT,
        env=app_environment(url, **forwarding),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a line per batch; what is left unsent is reported
    )


def pending(app) -> int:
    with app.app_context():
        query = select(func.count()).where(
            OutboxItem.delivered_at.is_(None), OutboxItem.dead_at.is_(None)
        )
        count = db.session.execute(query.select_from(OutboxItem)).scalar_one()
        db.session.remove()
        return count


def run_round(app, ports, auth, args, seed) -> str:
    """One round of ingest over `ports`, then waiting for the outbox to empty."""
    began = time.perf_counter()
    rate, latencies = ingest(ports, auth, args.batched, BATCH, args.concurrency, seed=seed)
    ingested = time.perf_counter() - began
    deadline = time.monotonic() + args.drain_timeout
    while (left := pending(app)) and time.monotonic() < deadline:
        time.sleep(0.5)
    drained = time.perf_counter() - began
    forwarded = args.batched - left
    return (
        f"{len(ports)} app server(s): ingest {rate:,.0f} statements/s (median"
        f" {statistics.median(latencies) * 1000:.0f} ms, p95"
        f" {percentile(latencies, 0.95) * 1000:.0f} ms per batch of {BATCH}, {ingested:.0f} s);"
        f" forwarded {forwarded:,} in {drained:.0f} s ({forwarded / drained:,.0f}/s)"
        + (f", {left:,} still waiting" if left else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_database_arguments(parser)
    parser.add_argument("--stored", type=int, default=100_000, help="history before the rounds")
    parser.add_argument("--batched", type=int, default=40_000, help="statements per round")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--forwarders", type=int, default=3)
    parser.add_argument("--port", type=int, default=5090)
    parser.add_argument("--drain-timeout", type=float, default=600)
    args = parser.parse_args()
    if not (args.database_url or "").startswith("postgresql"):
        parser.error("--database-url must name a PostgreSQL server: SQLite has one writer")
    processes: list[subprocess.Popen] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(args.database_url, Path(tmp), keep=args.keep_database) as url,
        autoanalyze(url),
    ):
        remote_url = f"sqlite:///{Path(tmp) / 'enterprise-lrs.db'}"
        remote_port = args.port + 10
        forwarding = dict(
            zip(
                ("LRS_FORWARD_USERNAME", "LRS_FORWARD_PASSWORD"),
                make_lrs_client(remote_url),
                strict=True,
            ),
            LRS_FORWARD_ENDPOINT=f"http://127.0.0.1:{remote_port}/xapi/",
        )
        auth = basic(*make_lrs_client(url))
        # The history is stored before forwarding is switched on: only the rounds are sent.
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        try:
            processes.append(start_server(remote_url, remote_port, args.workers))
            fill(app, args.stored, seed=7)
            with app.app_context():
                print(f"{machine()}; {database_label(db.engine)}")
                db.engine.dispose()
            print(
                f"{args.stored:,} statements stored; {args.forwarders} forwarding workers;"
                f" {args.workers} gunicorn workers per app server; {args.concurrency} clients;"
                f" the enterprise LRS: Uptake on SQLite, {args.workers} workers"
            )
            processes += [start_forwarder(url, forwarding) for _ in range(args.forwarders)]
            for servers in (1, 2):
                ports = [args.port + n for n in range(servers)]
                started = [start_server(url, port, args.workers, **forwarding) for port in ports]
                processes += started
                print(run_round(app, ports, auth, args, seed=servers), flush=True)
                for server in started:
                    server.terminate()
                    server.wait(timeout=30)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=60)
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
