"""`lms onboarding ...`: where a person's onboarding stands, and asking for completion."""

import click

from lms.auth.services import get_user_by_email
from lms.clock import utcnow
from lms.coaching import gate, onboarding
from lms.coaching.rules import OnboardingIncomplete
from lms.database import db
from lms.errors import DomainError

onboarding_cli = click.Group("onboarding", help="Onboarding: its status, and completion.")


def _person(email: str):
    person = get_user_by_email(email)
    if person is None:
        raise click.ClickException(f"Nobody in Uptake has the e-mail {email}.")
    return person


def _echo_missing(missing: list[str]) -> None:
    click.echo("Missing:")
    for item in missing:
        click.echo(f"  - {item}")


@onboarding_cli.command("status")
@click.argument("email")
def status_command(email):
    """Whether the person's onboarding is complete (and since when), or what is missing."""
    person = _person(email)
    status = onboarding.get_onboarding_status(person)
    suffix = "" if person.active else " (deactivated)"
    if status.is_complete:
        click.echo(f"{person.name}{suffix}: complete since {status.completed_at.date()}")
        return
    click.echo(f"{person.name}{suffix}: not complete")
    _echo_missing(status.missing)


@onboarding_cli.command("complete")
@click.argument("email")
def complete_command(email):
    """Ask for completion. The gate decides: exit 1, listing what is missing, unless every
    required course is done and every required skill is signed off at step four."""
    person = _person(email)
    try:
        completion = gate.complete_onboarding(person, now=utcnow())
    except OnboardingIncomplete as exc:
        db.session.rollback()
        click.echo(f"{person.name}: onboarding is not complete.", err=True)
        _echo_missing(exc.missing)
        raise SystemExit(1) from None
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{person.name}: onboarding complete since {completion.completed_at.date()}")
