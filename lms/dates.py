"""Calendar dates as people type them: YYYY-MM-DD only, from 1900 to 2200 (and date-times
in ISO 8601, for files and the command line). Pure.

Python's date.fromisoformat also takes `20260131` and `2026-W05-1`, and a date such as
9999-12-31 is valid but overflows as soon as a day is added to it. Every date that comes in
— forms, query strings, the HR import — is read here, so none of that gets further.
"""

import re
from datetime import UTC, date, datetime

import click

EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
_WRITTEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadDate(ValueError):
    """Not a date in the accepted form or range; the message says which, for the user."""


def parse_date(text: str) -> date:
    """The date written as YYYY-MM-DD, within EARLIEST..LATEST; BadDate otherwise."""
    text = text.strip()
    if not _WRITTEN.fullmatch(text):
        raise BadDate(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"{text} is not a date in the calendar") from None
    return check_date(value)


def check_date(value: date) -> date:
    """The date itself, if it lies within EARLIEST..LATEST; BadDate otherwise."""
    if not EARLIEST <= value <= LATEST:
        raise BadDate(f"{value.isoformat()} is outside {EARLIEST.year}–{LATEST.year}")
    return value


def parse_moment(text: str) -> datetime:
    """An ISO 8601 date-time (2026-10-05T09:00:00Z, or with an offset) as naive UTC; one
    without a zone is taken as UTC. BadDate when it is not one, or falls outside the range."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(f"{text!r} is not an ISO 8601 date-time, e.g. 2026-10-05T09:00:00Z") from None
    check_date(parsed.date())  # a year 1 or 9999 overflows when converted to UTC
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


class IsoDateTime(click.ParamType):
    """A command-line option holding an ISO 8601 date-time (see `parse_moment`)."""

    name = "ISO8601"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(value)
        except BadDate as problem:
            self.fail(f"{problem}.", param, ctx)
