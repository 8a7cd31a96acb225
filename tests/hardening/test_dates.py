"""Dates as they come in — forms, query strings, the HR import, command-line options — are
YYYY-MM-DD within 1900–2200 (lms.dates); a date-time option is an ISO 8601 date-time within
the same years."""

from datetime import date

import pytest

from lms.dates import BadDate, parse_date


@pytest.mark.parametrize("text", ["1900-01-01", "2026-01-31", " 2026-01-31 ", "2200-12-31"])
def test_a_date_written_yyyy_mm_dd_within_the_range_is_read(text):
    assert parse_date(text) == date.fromisoformat(text.strip())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("20260131", "is not a date written YYYY-MM-DD"),
        ("2026-W05-1", "is not a date written YYYY-MM-DD"),
        ("2026-1-31", "is not a date written YYYY-MM-DD"),
        ("٢٠٢٦-٠١-٣١", "is not a date written YYYY-MM-DD"),  # digits, but not ASCII ones
        ("2026-02-30", "is not a date in the calendar"),
        ("1899-12-31", "is outside 1900–2200"),
        ("2201-01-01", "is outside 1900–2200"),
        ("9999-12-31", "is outside 1900–2200"),
        ("0001-01-01", "is outside 1900–2200"),
    ],
)
def test_any_other_date_is_refused_with_the_reason(text, reason):
    with pytest.raises(BadDate, match=reason):
        parse_date(text)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "1899-12-31T00:00:00Z"]
)
def test_a_date_time_option_outside_the_range_is_a_usage_error(runner, value):
    result = runner.invoke(args=["xapi", "export", "--since", value])
    assert result.exit_code == 2, result.output
    assert "is outside 1900–2200" in result.output
