"""`lms content ...`: check the content files, and load them into the database."""

from pathlib import Path

import click
from flask import current_app

from lms.clock import utcnow
from lms.courses.content.reading import content_warnings, read_content
from lms.courses.content.sync import ContentInvalid, sync_content
from lms.database import db

content_cli = click.Group("content", help="Course content: check the files, load them.")

DIR_OPTION = click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="The content folder (default: the CONTENT_DIR setting).",
)


def _content_dir(directory: Path | None) -> Path:
    return directory or Path(current_app.config["CONTENT_DIR"])


def _fail(problems) -> None:
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(problems)} problem(s) found.", err=True)
    raise SystemExit(1)


@content_cli.command("check")
@DIR_OPTION
def check_command(directory):
    """Validate every content file; print each problem with its file, line and field, and
    each warning (allowed, worth changing; it does not change the exit code)."""
    folder = _content_dir(directory)
    content, problems = read_content(folder)
    for warning in content_warnings(folder, content):
        click.echo(f"warning: {warning}")
    if problems:
        _fail(problems)
    click.echo(f"content OK: {content.summary()}")


@content_cli.command("sync")
@DIR_OPTION
def sync_command(directory):
    """Load content into the database. Nothing is written unless all of it is valid."""
    try:
        report = sync_content(_content_dir(directory), now=utcnow())
    except ContentInvalid as exc:
        db.session.rollback()
        _fail(exc.problems)
    db.session.commit()
    click.echo(str(report))
