"""SCORM's time spans: each session's time read, the total kept by the LMS and written back
in the version's own notation."""

import pytest

from lms.courses.packages.scorm_time import seconds_of, span_of, with_total_time


@pytest.mark.parametrize(
    "version, span, seconds",
    [
        ("1.2", "00:01:30", 90.0),
        ("1.2", "0002:00:05.5", 7205.5),
        ("1.2", "1:00:00", None),
        ("1.2", "", None),
        ("2004", "PT1H2M3.5S", 3723.5),
        ("2004", "P1DT2S", 86402.0),
        ("2004", "PT", None),
        ("2004", "P", None),
        ("2004", "1H", None),
    ],
)
def test_a_span_in_seconds(version, span, seconds):
    assert seconds_of(version, span) == seconds


@pytest.mark.parametrize(
    "version, seconds, span",
    [
        ("1.2", 0, "0000:00:00.00"),
        ("1.2", 7205.5, "0002:00:05.50"),
        ("2004", 0, "PT0H0M0S"),
        ("2004", 3723.5, "PT1H2M3.5S"),
        ("2004", 59.99, "PT0H0M59.99S"),
    ],
)
def test_seconds_as_a_span(version, seconds, span):
    assert span_of(version, seconds) == span
    assert seconds_of(version, span) == pytest.approx(seconds)


def test_a_finished_session_adds_its_time_to_the_total():
    before = {"cmi": {"core": {"total_time": "0000:01:00.00"}}}
    after = {"cmi": {"core": {"session_time": "00:02:30", "lesson_status": "completed"}}}
    kept = with_total_time("1.2", before, after, finishing=True)
    assert kept["cmi"]["core"] == {
        "session_time": "00:02:30",
        "lesson_status": "completed",
        "total_time": "0000:03:30.00",
    }
    assert "total_time" not in after["cmi"]["core"]  # the commit itself is left as it came


def test_a_commit_in_the_middle_of_a_session_keeps_the_total_as_it_stood():
    before = {"cmi": {"total_time": "PT10M"}}
    after = {"cmi": {"session_time": "PT2M"}}
    assert with_total_time("2004", before, after, finishing=False)["cmi"]["total_time"] == (
        "PT0H10M0S"
    )
    assert with_total_time("2004", before, after, finishing=True)["cmi"]["total_time"] == (
        "PT0H12M0S"
    )
