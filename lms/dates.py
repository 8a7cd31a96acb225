"""Calendar dates as people type them: YYYY-MM-DD only, from 1900 to 2200. Pure.

Python's date.fromisoformat also takes `20260131` and `2026-W05-1`, and a date such as
9999-12-31 is valid but overflows as soon as a day is added to it. Every date that comes in
— forms, query strings, the HR import — is read here, so none of that gets further.
"""

import re
from datetime import date

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
