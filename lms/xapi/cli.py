"""`lms xapi ...`: LRS clients, forwarding, export."""

import click

from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError
from lms.xapi import clients

xapi_cli = click.Group("xapi", help="The learning record store: clients, forwarding, export.")
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
