"""`lms users ...`: import people from an HR export, bootstrap an admin, issue password links."""

import sys
from datetime import date

import click

from lms.auth import people_import, rules, services
from lms.auth.links import issue_password_link, password_links
from lms.auth.sso.people import unlink_sign_ins
from lms.clock import utcnow
from lms.database import db
from lms.spreadsheets import write_rows

users_cli = click.Group("users", help="People: import, admin bootstrap, password links.")


@users_cli.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option(
    "--links",
    "links_file",
    type=click.File("w"),
    help="Write new people's one-time password links to this CSV instead of printing them.",
)
def import_command(csv_file, links_file):
    """Import or update people from an HR export (columns: email, name, job_role, division,
    manager_email, hire_date, roles). Nothing is written if any row is bad."""
    data = csv_file.read()
    try:
        rows = people_import.validate_file(data)
    except people_import.ImportRejected as exc:
        for error in exc.errors:
            click.echo(f"{csv_file.name}: {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} problem(s); nothing was imported") from None
    with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
        result = people_import.import_people(rows, now=utcnow(), actor=None, progress=bar.update)
        links = password_links(result.created)
        db.session.commit()
    created, updated = len(result.created), len(result.updated)
    click.echo(f"{created} created, {updated} updated, {result.unchanged} unchanged.")
    _emit_links(links, links_file)


def _emit_links(links: list[tuple[str, str]], links_file) -> None:
    if not links:
        return
    if links_file:
        write_rows(links_file, [("email", "password_link"), *links])
        click.echo(f"Password links for {len(links)} new people written to {links_file.name}.")
        return
    click.echo("One-time password links for the new people:")
    for email, link in links:
        click.echo(f"  {email}  {link}")


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--job-role", default="crm_administrator", show_default=True)
def create_admin(email, name, job_role):
    """Create the first administrator and print their one-time password link."""
    details = services.PersonDetails(
        email=email,
        name=name,
        job_role=job_role,
        division=None,
        manager=None,
        hire_date=date.today(),
        roles={rules.ROLE_ADMIN},
    )
    try:
        person = services.create_person(details, now=utcnow())
    except services.DomainError as exc:
        raise click.ClickException(str(exc)) from None
    links = password_links([person])
    db.session.commit()
    if not links:  # password sign-in is off and this is not the break-glass account
        click.echo(f"Administrator {person.email} created; they sign in through the provider.")
        return
    click.echo(f"Administrator {person.email} created. Set a password at:\n  {links[0][1]}")


@users_cli.command("password-link")
@click.argument("email")
def password_link_command(email):
    """Print a new one-time password link for a person (e.g. one who forgot theirs)."""
    person = services.get_user_by_email(email)
    if person is None:
        raise click.ClickException(f"Nobody in Uptake has the e-mail {email}")
    try:
        link = issue_password_link(person, actor=None, now=utcnow())
    except services.DomainError as exc:  # password sign-in is off (PASSWORD_SIGN_IN)
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(link)


@users_cli.command("unlink-sign-in")
@click.argument("email")
def unlink_sign_in_command(email):
    """Forget the identity-provider accounts linked to a person (their account there was
    replaced): the next sign-in matches them by e-mail or HR id again."""
    person = services.get_user_by_email(email)
    if person is None:
        raise click.ClickException(f"Nobody in Uptake has the e-mail {email}")
    count = unlink_sign_ins(person, now=utcnow())
    db.session.commit()
    click.echo(f"{count} identity-provider account(s) unlinked from {person.email}.")
