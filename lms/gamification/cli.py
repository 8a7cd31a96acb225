"""`lms gamification ...`: checking the ledger against the statements."""

import click
from flask.cli import AppGroup

from lms.clock import utcnow
from lms.gamification.points.rebuild import count_statements, rebuild
from lms.gamification.ruleset import current_ruleset

gamification_cli = AppGroup("gamification", help="Points, levels and badges.")


@gamification_cli.command("rebuild")
def rebuild_command():
    """Replay every statement through the rules in stored order and report each difference
    from the ledger, the tallies and the data-quality samples. Changes nothing; exits 1
    when there is any difference. After `lms xapi prune`, the replay starts at the horizon
    from the ledger as it stood there."""
    ruleset = current_ruleset()
    with click.progressbar(length=count_statements(), label="Replaying statements") as bar:
        differences = rebuild(ruleset, now=utcnow(), progress=bar.update)
    for difference in differences:
        click.echo(difference)
    if differences:
        click.echo(f"{len(differences)} difference(s) from a replay of the statements.")
        raise SystemExit(1)
    click.echo("No differences: the ledger, tallies and samples match a replay of the statements.")
