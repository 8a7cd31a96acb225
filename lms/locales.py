"""The languages Uptake ships and the time zones a person may choose. Pure.

A person's `locale` and `time_zone` are None until they choose: then the company's
DEFAULT_LOCALE and DEFAULT_TIME_ZONE apply (lms.localisation).
"""

from functools import cache
from zoneinfo import available_timezones

# Source language first; each other one has a catalogue in lms/translations/<code>/.
SHIPPED_LOCALES = ("en", "es")
# Each language named in itself, as the account form lists it.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# Zone names of places; Etc/…, US/…, "CET" and the like are aliases or offsets in disguise.
_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a person may choose, UTC first, then by name (Europe/Madrid)."""
    places = (name for name in available_timezones() if name.split("/")[0] in _REGIONS)
    return ("UTC", *sorted(places))


def is_time_zone(name: str) -> bool:
    """Whether `name` is one of the IANA zones a person may choose (see time_zone_names)."""
    return name in time_zone_names()


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it: pure modules name their
    words this way (labels, statuses), and the page translates them where it shows them,
    with `_(word)` in a template or `gettext` in Python."""
    return message


def is_shipped_locale(code: str) -> bool:
    """Whether Uptake ships pages in the language `code` (en, es)."""
    return code in SHIPPED_LOCALES
