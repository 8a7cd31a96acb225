"""`lms xapi ...`: LRS clients, forwarding, export, retention."""

import gzip
import hashlib
import os
from pathlib import Path

import click
from flask import current_app

from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError
from lms.xapi import clients
from lms.xapi.store import retention

xapi_cli = click.Group(
    "xapi", help="The learning record store: clients, forwarding, export, retention."
)
client_cli = click.Group("client", help="Credentials systems use to reach the LRS.")
xapi_cli.add_command(client_cli)


@client_cli.command("create")
@click.option("--name", required=True, help='Who will use it, such as "CRM".')
@click.option(
    "--scope",
    "scopes",
    required=True,
    multiple=True,
    type=click.Choice(list(clients.SCOPES)),
    help="What it may do; repeat for several: "
    + "; ".join(f"{scope} = {meaning}" for scope, meaning in clients.SCOPES.items()),
)
def create_command(name, scopes):
    """Create a client and print its key and secret (the secret is shown only this once)."""
    try:
        client, secret = clients.create_client(name, set(scopes), now=utcnow())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created LRS client {client.name!r} with scopes {client.scopes}.")
    click.echo(f"key:    {client.key}")
    click.echo(f"secret: {secret}")
    click.echo(
        "Store the secret now: only its hash is kept, so it cannot be shown again.", err=True
    )


@client_cli.command("list")
def list_command():
    """List every client, live and revoked."""
    rows = clients.list_clients()
    if not rows:
        click.echo("No LRS clients yet. Create one with `lms xapi client create`.")
        return
    for client in rows:
        status = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
        click.echo(
            f"{client.key}  {client.name}  [{client.scopes}]  "
            f"created {client.created_at:%Y-%m-%d %H:%M}  {status}"
        )


@client_cli.command("revoke")
@click.argument("key")
def revoke_command(key):
    """Revoke the client with this KEY: the LRS refuses its requests from now on."""
    client = clients.get_client_by_key(key)
    if client is None:
        raise click.ClickException(
            f"No LRS client has the key {key!r}; see `lms xapi client list`."
        )
    if client.revoked_at is not None:
        click.echo(
            f"{client.name} ({key}) was already revoked on {client.revoked_at:%Y-%m-%d %H:%M}."
        )
        return
    clients.revoke_client(client, now=utcnow())
    db.session.commit()
    click.echo(f"Revoked {client.name} ({key}): its requests now get 401.")


@xapi_cli.command("prune")
@click.option(
    "--archive",
    "archive_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A new file to write what is removed to, as gzipped NDJSON (one statement a line).",
)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def prune_command(archive_path: Path, dry_run: bool):
    """Archive, then remove, the statements LRS clients sent that were stored before the
    retention horizon: the first of the month STATEMENT_RETENTION_MONTHS before this one.
    Uptake's own statements, each person's first CRM record change, statements waiting to be
    forwarded, and voiding pairs with a kept half stay; points, tallies, data-quality
    scores, badges and adoption weeks all stay.

    Safe to interrupt and run again: each chunk is in the archive before it is removed.

    Example: lms xapi prune --archive /backups/statements-before-2026-01.ndjson.gz"""
    months = current_app.config["STATEMENT_RETENTION_MONTHS"]
    if not months:
        raise click.ClickException(
            "STATEMENT_RETENTION_MONTHS is 0, so the store keeps every statement: set it "
            "(3 or more) to say how many months to keep."
        )
    before = retention.retention_horizon(utcnow(), months)
    try:
        prune = retention.plan_prune(before, str(archive_path.absolute()), now=utcnow())
    except DomainError as exc:
        raise click.ClickException(str(exc)) from None
    if dry_run:
        removed, kept = _prune_chunks(prune, archive=None)
        click.echo(
            f"Would archive and remove {removed:,} statements stored before {before:%Y-%m-%d}"
            f" and keep {kept:,} from LRS clients that Uptake still reads."
        )
        return
    try:
        archive = archive_path.open("xb")  # never overwrite an archive
    except OSError as exc:
        raise click.ClickException(
            f"Cannot create the archive {archive_path}: {exc.strerror}."
        ) from None
    db.session.add(prune)
    db.session.commit()  # the horizon holds from the first chunk removed
    with archive:
        removed, kept = _prune_chunks(prune, archive=archive)
    digest = hashlib.sha256(archive_path.read_bytes()).hexdigest()
    retention.finish_prune(prune, sha256=digest, now=utcnow())
    db.session.commit()
    click.echo(
        f"Archived and removed {removed:,} statements stored before {before:%Y-%m-%d}; kept "
        f"{kept:,} from LRS clients that Uptake still reads. Archive: {archive_path} "
        f"(sha256 {digest})."
    )


def _prune_chunks(prune, *, archive) -> tuple[int, int]:
    """(removed, kept) over the statements LRS clients sent before the horizon, chunk by
    chunk: each chunk written to the archive and flushed to disk, then removed and
    committed. Without an archive (a dry run) only counted."""
    compressed = None if archive is None else gzip.GzipFile(fileobj=archive, mode="wb")
    firsts: dict[int, int | None] = {}
    removed = kept = 0
    for chunk in retention.past_chunks(prune):
        going = retention.to_remove(chunk, prune, firsts)
        removed, kept = removed + len(going), kept + len(chunk) - len(going)
        if compressed is None:
            continue
        if going:
            compressed.write(retention.archive_lines(going).encode())
            compressed.flush()  # a sync flush: what is written so far can be read back
            archive.flush()
            os.fsync(archive.fileno())
            retention.remove(going, now=utcnow())
        prune.archived, prune.kept = removed, kept
        db.session.commit()
    if compressed is not None:
        compressed.close()
    return removed, kept
