"""`lms xapi forward` (the forwarding worker) and `lms xapi export` (NDJSON to stdout)."""

import os
import signal
import socket
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import click

from lms.clock import utcnow
from lms.database import db, read_only
from lms.dates import IsoDateTime
from lms.xapi.cli import xapi_cli
from lms.xapi.forwarding import outbox
from lms.xapi.forwarding.remote import forwarding_lrs
from lms.xapi.forwarding.worker import ForwardPolicy, ForwardReport, Worker
from lms.xapi.settings import lrs_settings
from lms.xapi.store.export import iter_ndjson_chunks

DEFAULT_LEASE = ForwardPolicy.lease  # renewed while a batch is in flight


@xapi_cli.command("forward")
@click.option("--once", is_flag=True, help="Forward what is due now, then exit.")
@click.option("--batch-size", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--worker-id", help="The name this worker's leases carry (default: host:pid).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=20.0,
    show_default=True,
    help="Seconds the LRS may stay silent on one request before it is retried later.",
)
@click.option(
    "--backfill",
    is_flag=True,
    help="Queue the statements stored since --since that are not queued yet, then exit.",
)
@click.option("--since", type=IsoDateTime(), help="With --backfill: from this time on.")
def forward_command(once, batch_size, worker_id, timeout, backfill, since):
    """Send stored statements from the outbox to the enterprise LRS (LRS_FORWARD_ENDPOINT).

    Several workers may run at once. Stop one with Ctrl-C or SIGTERM: it finishes its batch
    first; if it is killed instead, its batch is re-sent once its lease runs out (90 s).

    Statements stored before forwarding was switched on are not in the outbox: queue them
    with --backfill --since 2026-10-01T00:00:00Z (safe to run again), then forward."""
    settings = lrs_settings()
    if not settings.forwarding:
        raise click.ClickException(
            "Forwarding is off: set LRS_FORWARD_ENDPOINT (and LRS_FORWARD_USERNAME and "
            "LRS_FORWARD_PASSWORD if it asks for them) to the enterprise LRS's xAPI endpoint."
        )
    if backfill or since:
        _backfill(backfill, since)
        return
    policy = ForwardPolicy(
        batch_size=batch_size,
        timeout=timeout,
        lease=max(DEFAULT_LEASE, timedelta(seconds=4 * timeout)),
    )
    worker = Worker(
        forwarding_lrs(settings, timeout=timeout),
        worker_id or f"{socket.gethostname()}:{os.getpid()}",
        policy,
        on_batch=_print_batch,
        on_error=lambda exc: click.echo(f"database error, waiting: {exc}", err=True),
    )
    click.echo(f"Forwarding to {settings.forward_endpoint} as {worker.worker_id}", err=True)
    if once:
        totals = worker.run_once()
    else:
        with _stop_on_signals(worker):
            totals = worker.run_forever()
    click.echo(f"{_describe(totals)}.")


def _backfill(backfill: bool, since: datetime | None) -> None:
    if not (backfill and since):
        raise click.UsageError("--backfill and --since go together: --backfill --since <time>")
    queued = outbox.backfill(since=since, now=utcnow())
    db.session.commit()
    click.echo(f"{queued} statements stored since {since:%Y-%m-%d %H:%M:%S} UTC queued.")


def _print_batch(report: ForwardReport) -> None:
    stamp = datetime.now(UTC).strftime("%H:%M:%S")
    click.echo(f"{stamp} batch of {report.claimed}: {_describe(report)}", err=True)


def _describe(report: ForwardReport) -> str:
    parts = [f"{report.delivered} delivered", f"{report.retried} to retry later"]
    parts.append(f"{report.dead} dead-lettered")
    if report.deferred:
        parts.append(f"{report.deferred} put back unsent")
    return ", ".join(parts)


@contextmanager
def _stop_on_signals(worker: Worker):
    """SIGINT and SIGTERM stop the worker after its current batch, not in the middle."""

    def stop(signum, _frame):
        click.echo(f"{signal.Signals(signum).name}: stopping after this batch", err=True)
        worker.stop.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@xapi_cli.command("export")
@click.option("--since", type=IsoDateTime(), help="Only statements stored after this time.")
@click.option("--until", type=IsoDateTime(), help="Only statements stored at or before this time.")
def export_command(since, until):
    """Write stored statements to stdout as NDJSON, one per line, in the order stored.

    Example: lms xapi export --since 2026-10-01T00:00:00Z > statements.ndjson"""
    if since and until and since >= until:
        raise click.UsageError("--since must be earlier than --until")
    out = sys.stdout.buffer  # bytes: NDJSON is UTF-8 whatever the locale says
    count = 0
    # A read however long the export takes: on SQLite it must not hold the write lock.
    with read_only():
        for chunk in iter_ndjson_chunks(since=since, until=until):
            out.write(chunk.encode())
            count += chunk.count("\n")
        db.session.commit()  # nothing was written: this ends the read
    out.flush()
    click.echo(f"{count} statements exported.", err=True)
