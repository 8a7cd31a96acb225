"""`lms adoption ...`: evaluating signals (and taking their actions), rebuilding the weekly
counts from the statements."""

import click
from flask.cli import AppGroup

from lms.adoption import actions, aggregates, signals
from lms.adoption import rules as r
from lms.adoption.content import current_adoption
from lms.clock import utcnow
from lms.database import db

adoption_cli = AppGroup("adoption", help="Adoption measures and early-warning signals.")


@adoption_cli.command("signals")
@click.option("--act", is_flag=True, help="Take each new signal's action (once).")
def signals_command(act: bool):
    """Judge everyone on the last finished week and record the signals raised; with --act,
    take the action content/adoption.yaml sets for each, once per episode. Safe to run
    again: nothing is recorded or done twice."""
    now, content = utcnow(), current_adoption()
    new = signals.record_signals(now, content)
    click.echo(f"{len(new)} new signal(s) for the week of {r.last_complete_week(now)}.")
    if act:
        done = actions.take_actions(actions.pending(r.last_complete_week(now)), content, now=now)
        for signal in done:
            click.echo(f"{signal.user.name}: {r.SIGNAL_TITLES[signal.kind]}: {signal.outcome}")
        click.echo(f"{len(done)} action(s) taken.")
    db.session.commit()


@adoption_cli.command("rebuild")
def rebuild_command():
    """Recompute the weekly counts from the statements; print any difference from what was
    kept (there should be none: they are kept in step in the same transaction)."""
    differences = aggregates.rebuild()
    db.session.commit()
    for difference in differences[:50]:
        click.echo(difference)
    if differences:
        click.echo(f"{len(differences)} difference(s) found and corrected.")
    else:
        click.echo("No differences: the weekly counts matched the statements.")
