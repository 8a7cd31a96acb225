"""`lms notify run`: send what is due, then deliver queued e-mail; `--once` for one pass,
otherwise it keeps running, one pass every `--interval` seconds."""

import time
from datetime import datetime

import click
from flask import current_app

from lms.clock import utcnow
from lms.communications import mail, schedule
from lms.database import db

notify_cli = click.Group("notify", help="The communication plan: notifications and e-mail.")


def run_pass(now: datetime, *, mailer=None) -> dict[str, int]:
    """One pass: each sender in its own transaction (committed, so a later failure keeps the
    in-app notices), then queued e-mail in batches, each batch committed as it is sent."""
    counts = {}
    for name, sender in schedule.SENDERS:
        counts[name] = sender(now)
        db.session.commit()
    mailer = mailer or mail.mailer_from_config(current_app.config)
    counts["e-mails sent"] = counts["e-mails failed"] = 0
    if mailer is None:
        return counts
    config = current_app.config
    while True:
        sent, failed = mail.deliver_batch(
            mailer,
            sender=config["MAIL_FROM"],
            base_url=config["BASE_URL"],
            now=now,
            started_at=now,
        )
        db.session.commit()
        counts["e-mails sent"] += sent
        counts["e-mails failed"] += failed
        if sent + failed == 0:
            return counts


def _report(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}: {count}" for name, count in counts.items())


@notify_cli.command("run")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option(
    "--interval",
    type=click.IntRange(min=5),
    default=300,
    show_default=True,
    help="Seconds between passes when running continuously.",
)
def run_command(once, interval):
    """Send every notification that is due, and deliver queued e-mail. Safe to run twice
    or side by side: each message goes to each person once."""
    while True:
        try:
            counts = run_pass(utcnow())
        except Exception as exc:  # a long-running sender outlives one bad pass
            db.session.rollback()
            if once:
                raise
            click.echo(f"{utcnow().isoformat(timespec='seconds')} pass failed: {exc}", err=True)
        else:
            click.echo(f"{utcnow().isoformat(timespec='seconds')} {_report(counts)}")
        if once:
            return
        time.sleep(interval)
