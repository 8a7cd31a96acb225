"""Which language and time zone a page is shown in: the person's own setting, else the
company's default, else (for the language) the browser's, among the languages shipped."""

from datetime import date, datetime
from pathlib import Path

import pytest

from lms.config import ConfigError, from_environment
from lms.locales import is_time_zone, time_zone_names
from lms.localisation import choose_locale, choose_time_zone, format_day, format_moment


def test_the_persons_language_comes_first():
    assert choose_locale("es", "en", "en") == "es"


def test_then_the_companys_default():
    assert choose_locale(None, "es", "en") == "es"


def test_then_the_browsers_language_then_english():
    assert choose_locale(None, None, "es") == "es"
    assert choose_locale(None, None, None) == "en"


def test_the_persons_time_zone_else_the_companys():
    assert choose_time_zone("Asia/Tokyo", "Europe/Madrid") == "Asia/Tokyo"
    assert choose_time_zone(None, "Europe/Madrid") == "Europe/Madrid"


def test_time_zones_are_iana_places_and_utc():
    assert is_time_zone("Europe/Madrid") and is_time_zone("UTC")
    assert not is_time_zone("Mars/Olympus") and not is_time_zone("+01:00")
    assert time_zone_names()[0] == "UTC"


def test_a_moment_is_shown_on_its_day_in_the_zone():
    late = datetime(2026, 12, 6, 23, 30)  # naive UTC, as stored
    assert format_moment(late, locale="en", zone="Asia/Tokyo") == "Dec 7, 2026, 8:30\u202fAM"
    assert format_moment(late, locale="es", zone="UTC") == "6 dic 2026, 23:30"
    assert format_day(late, locale="en", zone="Asia/Tokyo") == "Dec 7, 2026"
    assert format_day(date(2026, 12, 6), locale="es", zone="Asia/Tokyo") == "6 dic 2026"


def environment(**settings):
    return from_environment(Path("/tmp/uptake-test-instance"), {"SECRET_KEY": "x", **settings})


def test_company_defaults_are_english_by_browser_and_utc():
    settings = environment()
    assert settings["DEFAULT_LOCALE"] is None and settings["DEFAULT_TIME_ZONE"] == "UTC"


def test_a_company_default_that_is_not_a_time_zone_stops_the_start():
    with pytest.raises(ConfigError, match="DEFAULT_TIME_ZONE must be an IANA time zone"):
        environment(DEFAULT_TIME_ZONE="Europe/Atlantis")


def test_a_company_language_not_shipped_stops_the_start():
    with pytest.raises(ConfigError, match="DEFAULT_LOCALE must be one of en, es"):
        environment(DEFAULT_LOCALE="fr")
