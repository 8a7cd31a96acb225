"""Dates built in Python for pages and messages: in the reader's language and time zone."""

from datetime import date, datetime
from types import SimpleNamespace

from lms.localisation import short_day_text, span_text, written_for

SPANISH_IN_TOKYO = SimpleNamespace(locale="es", time_zone="Asia/Tokyo")


def test_a_span_within_a_day_names_the_day_once(app):
    assert span_text(datetime(2026, 10, 20, 9, 31), datetime(2026, 10, 20, 10, 26)) == (
        "Oct 20, 2026, 9:31\u202fAM – 10:26\u202fAM"
    )


def test_a_span_is_cut_at_the_readers_midnight_not_utcs(app):
    start, end = datetime(2026, 10, 20, 13, 40), datetime(2026, 10, 20, 15, 24)  # UTC
    with written_for(SPANISH_IN_TOKYO):  # 22:40 and 00:24 in Tokyo: two days there
        assert span_text(start, end) == "20 oct 2026, 22:40 – 21 oct 2026, 0:24"
    assert span_text(start, end) == "Oct 20, 2026, 1:40\u202fPM – 3:24\u202fPM"  # one in UTC


def test_a_charts_day_in_the_readers_language(app):
    assert short_day_text(date(2026, 10, 5)) == "5 Oct"
    with written_for(SPANISH_IN_TOKYO):
        assert short_day_text(date(2026, 10, 5)) == "5 oct"
