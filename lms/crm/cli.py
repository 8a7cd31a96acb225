"""`lms crm …`: connect a CRM, test it, read it (`sync`, once or as a long-running worker,
or from a moment to backfill), and import a CSV export of its activity."""

import signal
import time
from contextlib import contextmanager
from datetime import datetime

import click
from flask.cli import AppGroup

from lms.clock import utcnow
from lms.crm import connections, csv_import
from lms.crm.connectors.base import ConnectorError
from lms.crm.models import LIVE, CrmConnection
from lms.crm.pipeline import StoreProcessFailed, default_processes, worker_store
from lms.crm.sync import StreamOutcome, sync_connection
from lms.database import db
from lms.dates import IsoDateTime
from lms.errors import DomainError

crm_cli = AppGroup("crm", help="Read the company's CRM: connections, sync, CSV import.")
IDLE_SECONDS = 300  # between passes of the worker, when every stream is caught up


@crm_cli.command("connect")
@click.argument("name")
@click.option("--kind", type=click.Choice(sorted(connections.KINDS)), required=True)
@click.option("--url", "base_url", required=True, help="The CRM's address.")
@click.option(
    "--purpose", type=click.Choice(sorted(connections.PURPOSES)), default=LIVE, show_default=True
)
@click.option("--secret-env", help="The environment variable that holds the secret.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="A setting.")
def connect_command(name, kind, base_url, purpose, secret_env, options):
    """Add a connection to a CRM (its secret stays in the environment variable named)."""
    settings = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{option!r} is not KEY=VALUE", param_hint="--option")
        settings[key.strip()] = value.strip()
    try:
        connection = connections.create_connection(
            name=name,
            kind=kind,
            base_url=base_url,
            purpose=purpose,
            options=settings,
            secret_env=secret_env,
            now=utcnow(),
        )
    except DomainError as problem:
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Connected {connection.name} ({connections.KINDS[kind]}, {connection.base_url}).")


@crm_cli.command("list")
def list_command():
    """Each connection with its last sync, lag and last error."""
    rows = connections.list_connections()
    if not rows:
        click.echo("No CRM is connected: add one with `lms crm connect`.")
    for connection in rows:
        last = connection.last_success_at
        synced = f"last successful sync {last:%Y-%m-%d %H:%M} UTC" if last else "never synced"
        click.echo(
            f"{connection.name} ({connection.kind}, {connection.purpose}) "
            f"{connection.base_url}: {synced}"
        )
        if connection.last_error:
            click.echo(f"  last error: {connection.last_error}")


@crm_cli.command("test")
@click.argument("name")
def test_command(name):
    """Sign in to the CRM and read one thing."""
    connection = _connection(name)
    try:
        click.echo(connections.connector_for(connection).check())
    except ConnectorError as problem:
        raise click.ClickException(problem.message) from None


@crm_cli.command("sync")
@click.option("--once", is_flag=True, help="One pass over every stream, then exit.")
@click.option(
    "--since",
    type=IsoDateTime(),
    help="Backfill: read every stream from this time (already stored events count once).",
)
@click.option("--connection", "name", help="Only this connection (default: every active one).")
@click.option("--interval", type=click.IntRange(1, 86400), default=IDLE_SECONDS, show_default=True)
@click.option(
    "--processes",
    type=click.IntRange(1, 2),
    help="2: a second process stores each batch while the next is read (default on "
    "PostgreSQL; SQLite writes one transaction at a time, so 1 there).",
)
def sync_command(once, since, name, interval, processes):
    """Read each connected CRM from where the last sync stopped, store what people did as
    statements (points, badges and adoption follow), and move the cursors on.

    Without --once it keeps going: a pass every --interval seconds, waiting longer for a
    stream the CRM asked to wait. Stop it with Ctrl-C or SIGTERM: the page in hand is
    finished first. It stops with an error if its store process (two processes) dies."""
    chosen = [_connection(name)] if name else None
    processes = processes or default_processes()
    if processes == 2 and db.engine.dialect.name != "postgresql":
        raise click.BadParameter("two processes need PostgreSQL", param_hint="--processes")
    stop = {"now": False}
    # One store process for the worker's life (lms.crm.pipeline), not one per pass.
    with _stop_on_signals(stop), worker_store(processes) as store:
        while True:
            targets = chosen or [c for c in connections.list_connections() if c.active]
            pullable = [c for c in targets if connections.is_synced(c)]
            if not pullable:
                raise click.ClickException(
                    "No connection to read: add one with `lms crm connect` "
                    "(webhook and CSV connections are not read, their events are sent; "
                    "a training CRM is read only by practice checks)."
                )
            for connection in pullable:
                if stop["now"]:
                    break
                try:
                    outcomes = sync_connection(connection, now=utcnow, since=since, store=store)
                except StoreProcessFailed as failure:
                    raise click.ClickException(str(failure)) from None
                _print(connection, outcomes)
            if once or since or stop["now"]:
                return
            _sleep(interval, stop)


@crm_cli.command("import")
@click.argument("name")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(name, path):
    """Import a CSV export of CRM activity (see the README for its columns) into a
    connection: all of it, or nothing when a row is wrong."""
    connection = _connection(name)
    with open(path, "rb") as handle:
        data = handle.read()
    result = csv_import.import_activity(connection, data, now=utcnow())
    if result.problems:
        db.session.rollback()
        for problem in result.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"Nothing imported: {len(result.problems)} problems.")
    db.session.commit()
    click.echo(
        f"{result.read} events read, {result.stored} stored "
        f"({result.read - result.stored} already there); "
        f"{result.unmatched} by CRM users not yet matched to a person."
    )


def _connection(name: str) -> CrmConnection:
    connection = connections.get_connection(name)
    if connection is None:
        known = ", ".join(c.name for c in connections.list_connections()) or "none yet"
        raise click.ClickException(f"No connection called {name!r} (connections: {known}).")
    return connection


def _print(connection: CrmConnection, outcomes: list[StreamOutcome]) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    for o in outcomes:
        line = f"{stamp} {connection.name} {o.stream}: {o.read} read, {o.stored} stored"
        if o.unmatched:
            line += f", {o.unmatched} by unmatched CRM users"
        if o.waiting_until:
            line += f"; waiting until {o.waiting_until:%H:%M:%S} UTC (the CRM asked)"
        if o.error:
            line += f"; error: {o.error}"
        click.echo(line, err=bool(o.error))


def _sleep(seconds: int, stop: dict) -> None:
    for _ in range(seconds):
        if stop["now"]:
            return
        time.sleep(1)


@contextmanager
def _stop_on_signals(stop: dict):
    def ask_to_stop(_signum, _frame):
        stop["now"] = True

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
