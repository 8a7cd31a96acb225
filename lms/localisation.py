"""Each person's language and time zone, and dates shown in them.

Flask-Babel asks `select_locale` and `select_time_zone` once a request. Templates show every
date through two filters, `|date` and `|datetime`, which print the value in the person's
language (and, for a moment, their time zone) inside `<time datetime="ISO">`, so machines
still read ISO. Timestamps are stored as naive UTC (lms.clock).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup, escape

from lms.extensions import babel
from lms.locales import SHIPPED_LOCALES

NOTHING = "—"
# The (language, time zone) a message is being written in for someone other than the
# person of the request, if any (see written_for).
_WRITING_FOR: ContextVar[tuple[str, str] | None] = ContextVar("writing_for", default=None)


def choose_locale(own: str | None, company: str | None, browser: str | None) -> str:
    """The person's own language, else the company's DEFAULT_LOCALE, else the browser's
    best among the shipped languages, else the source language (English)."""
    return own or company or browser or SHIPPED_LOCALES[0]


def choose_time_zone(own: str | None, company: str) -> str:
    """The person's own time zone, else the company's DEFAULT_TIME_ZONE."""
    return own or company


def _signed_in_setting(name: str) -> str | None:
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return getattr(current_user, name, None)


def select_locale() -> str:
    """Flask-Babel's locale selector (see choose_locale)."""
    browser = (
        request.accept_languages.best_match(SHIPPED_LOCALES) if has_request_context() else None
    )
    company = current_app.config.get("DEFAULT_LOCALE")
    return choose_locale(_signed_in_setting("locale"), company, browser)


def select_time_zone() -> str:
    """Flask-Babel's time zone selector (see choose_time_zone)."""
    company = current_app.config["DEFAULT_TIME_ZONE"]
    return choose_time_zone(_signed_in_setting("time_zone"), company)


def recipient_locale(person) -> str:
    """The language of a message to `person`, outside any request (e-mails)."""
    return choose_locale(person.locale, current_app.config.get("DEFAULT_LOCALE"), None)


def recipient_time_zone(person) -> str:
    """The time zone of a message to `person`, outside any request (e-mails)."""
    return choose_time_zone(person.time_zone, current_app.config["DEFAULT_TIME_ZONE"])


@contextmanager
def written_for(person) -> Iterator[None]:
    """Words and dates built inside are in `person`'s language and time zone (anything with
    `locale` and `time_zone`, a User or a row of them): notifications and e-mail, written
    in someone else's request or in none, read as the recipient's own pages do."""
    locale, zone = recipient_locale(person), recipient_time_zone(person)
    token = _WRITING_FOR.set((locale, zone))
    try:
        with force_locale(locale):
            yield
    finally:
        _WRITING_FOR.reset(token)


def in_zone(moment: datetime, zone: str) -> datetime:
    """A stored naive-UTC moment as the wall-clock time in `zone`."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def format_day(day: date | datetime, *, locale: str, zone: str) -> str:
    """A calendar day in the locale's medium form (Dec 6, 2026; 6 dic 2026). A moment
    gives the day it falls on in `zone`."""
    if isinstance(day, datetime):
        day = in_zone(day, zone).date()
    return format_date(day, "medium", locale=locale)


def format_moment(moment: datetime, *, locale: str, zone: str) -> str:
    """A stored naive-UTC moment as the day and the minute in `zone`, in the locale's own
    order (Dec 6, 2026, 11:30 PM; 6 dic 2026, 23:30)."""
    local = in_zone(moment, zone)
    pattern = Locale.parse(locale).datetime_formats["medium"]
    return pattern.format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def _shown(value, text: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(_iso(value), escape(text))


def _request_settings() -> dict:
    writing_for = _WRITING_FOR.get()
    if writing_for is not None:
        return {"locale": writing_for[0], "zone": writing_for[1]}
    return {"locale": str(get_locale()), "zone": str(get_timezone())}


def day_text(value: date | datetime) -> str:
    """A day as plain text in the person's language, for a message built in Python."""
    return format_day(value, **_request_settings())


def moment_text(value: datetime) -> str:
    """A moment as plain text in the person's time zone and language (see day_text)."""
    return format_moment(value, **_request_settings())


def time_text(value: datetime) -> str:
    """The minute of a moment in the person's time zone and language (11:30 PM; 23:30)."""
    settings = _request_settings()
    return format_time(in_zone(value, settings["zone"]), "short", locale=settings["locale"])


def span_text(start: datetime, end: datetime) -> str:
    """From one moment to another, the day said once when both fall on it in the person's
    time zone: "Oct 20, 2026, 9:31 AM – 10:26 AM"."""
    if day_text(start) == day_text(end):
        return f"{moment_text(start)} – {time_text(end)}"
    return f"{moment_text(start)} – {moment_text(end)}"


def short_day_text(value: date) -> str:
    """A day without its year, for a chart's axis (20 Oct; 20 oct)."""
    return format_date(value, "d MMM", locale=_request_settings()["locale"])


def show_day(value: date | datetime | None) -> Markup | str:
    """The `|date` filter: a day in the person's language (a moment: its day in their
    time zone); "—" for none."""
    if value is None:
        return NOTHING
    return _shown(value, day_text(value))


def show_moment(value: datetime | None) -> Markup | str:
    """The `|datetime` filter: a stored naive-UTC moment in the person's time zone and
    language; "—" for none."""
    if value is None:
        return NOTHING
    return _shown(value, moment_text(value))


def init_app(app: Flask) -> None:
    """Flask-Babel with the selectors above, and the `|date` and `|datetime` filters."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_time_zone)
    app.add_template_filter(show_day, "date")
    app.add_template_filter(show_moment, "datetime")
    app.context_processor(lambda: {"current_locale": str(get_locale())})
