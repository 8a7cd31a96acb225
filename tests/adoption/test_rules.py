"""The pure adoption rules, on synthetic histories with known answers."""

from datetime import date, datetime

import pytest

from lms.adoption import rules as r
from lms.xapi.validation.formats import counted_at

SPECS = {
    r.UPDATING_DROP: r.SignalSpec(r.UPDATING_DROP, weeks=2, below=0.5, earlier_weeks=4, minimum=5),
    r.DATA_QUALITY: r.SignalSpec(r.DATA_QUALITY, weeks=4, below=0.7),
    r.FEW_REPORTS: r.SignalSpec(r.FEW_REPORTS, weeks=4, below=2),
    r.THREE_X: r.SignalSpec(r.THREE_X, weeks=4, below=3, minimum=5),
}


def weeks(*inputs, outputs=0, reports=0):
    return tuple(r.WeekCounts(n, outputs, reports) for n in inputs)


def test_sunday_last_second_is_in_the_week_monday_midnight_starts_the_next():
    assert r.week_of(datetime(2026, 10, 11, 23, 59, 59)) == date(2026, 10, 5)
    assert r.week_of(datetime(2026, 10, 12, 0, 0, 0)) == date(2026, 10, 12)
    assert r.week_end(date(2026, 10, 5)) == date(2026, 10, 11)


def test_weeks_shown_end_with_the_current_week_and_signals_judge_the_one_before():
    assert r.last_weeks(date(2026, 10, 14), 3) == [
        date(2026, 9, 28),
        date(2026, 10, 5),
        date(2026, 10, 12),
    ]
    assert r.last_complete_week(datetime(2026, 10, 12, 0, 0)) == date(2026, 10, 5)


def test_a_year_boundary_week_starts_on_its_monday():
    assert r.week_of(date(2027, 1, 1)) == date(2026, 12, 28)


def test_quarters():
    assert r.quarter_of(date(2026, 11, 29)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert r.quarter_of(date(2026, 2, 10)) == (date(2026, 1, 1), date(2026, 3, 31))


def test_activity_counts_when_it_happened_but_not_after_it_was_stored():
    stored = datetime(2026, 10, 5, 12)
    assert counted_at(datetime(2026, 10, 4, 23), stored) == datetime(2026, 10, 4, 23)
    assert counted_at(datetime(2026, 12, 1), stored) == stored


def test_first_matching_class_decides_so_a_report_prefix_beats_the_verbs_general_class():
    classes = (
        r.ActionClass(r.INPUT, "u"),
        r.ActionClass(r.REPORT, "v", "https://crm/reports/"),
        r.ActionClass(r.OUTPUT, "v"),
    )
    assert r.classify("u", "https://crm/contacts/1", classes) == r.INPUT
    assert r.classify("v", "https://crm/reports/pipeline", classes) == r.REPORT
    assert r.classify("v", "https://crm/contacts/1", classes) == r.OUTPUT
    assert r.classify("http://adlnet.gov/expapi/verbs/scored", "x", classes) is None
    assert r.counts_of(r.REPORT) == (0, 1, 1)
    assert r.counts_of(None) == (0, 0, 0)


def test_rates_and_the_3x_factor():
    assert r.adoption_rate(9, 10) == 0.9
    assert r.adoption_rate(0, 0) is None
    assert r.three_x_factor(30, 10) == 3
    assert r.three_x_factor(5, 0) is None


def test_licensed_when_active_and_hired_by_the_weeks_sunday():
    week = date(2026, 10, 5)
    assert r.is_licensed(True, date(2026, 10, 11), week)
    assert not r.is_licensed(True, date(2026, 10, 12), week)
    assert not r.is_licensed(False, date(2026, 1, 1), week)


def test_a_sustained_drop_raises_the_signal_with_its_numbers():
    history = r.History(weeks(10, 10, 10, 10, 4, 4))
    [signal] = r.evaluate(history, [SPECS[r.UPDATING_DROP]])
    assert signal.kind == r.UPDATING_DROP
    assert signal.value == 0.4
    assert "4.0 times a week over the last 2 weeks, down from 10.0" in signal.reason


@pytest.mark.parametrize(
    "inputs",
    [
        (10, 10, 10, 10, 10, 0),  # one quiet week is not a sustained drop
        (10, 10, 10, 10, 5, 5),  # exactly half is not below half
        (4, 4, 4, 4, 0, 0),  # too little before to call it a drop
        (10, 10, 10, 10),  # not enough history
    ],
)
def test_no_drop_signal(inputs):
    assert r.evaluate(r.History(weeks(*inputs)), [SPECS[r.UPDATING_DROP]]) == []


def test_a_quiet_day_is_invisible_to_a_weekly_drop():
    # 50 updates a week before, 41 in each of the last two (one day with none): no signal.
    assert r.evaluate(r.History(weeks(50, 50, 50, 50, 41, 41)), [SPECS[r.UPDATING_DROP]]) == []


def test_data_quality_below_the_threshold_and_not_without_scores():
    spec = SPECS[r.DATA_QUALITY]
    [signal] = r.evaluate(r.History(weeks(1), quality=0.55), [spec])
    assert signal.reason.startswith("The CRM records they created or changed scored 55%")
    assert r.evaluate(r.History(weeks(1), quality=0.7), [spec]) == []
    assert r.evaluate(r.History(weeks(1), quality=None), [spec]) == []


def test_few_reports_only_for_people_who_used_the_crm():
    spec = SPECS[r.FEW_REPORTS]
    [signal] = r.evaluate(r.History(weeks(5, 5, 5, 5, outputs=1, reports=0)), [spec])
    assert signal.value == 0
    assert "0 reports in the last 4 weeks" in signal.reason
    assert r.evaluate(r.History(weeks(5, 5, 5, 5, outputs=1, reports=1)), [spec]) == []
    assert r.evaluate(r.History(weeks(0, 0, 0, 0)), [spec]) == []


def test_three_x_factor_below_three():
    spec = SPECS[r.THREE_X]
    [signal] = r.evaluate(r.History(weeks(10, 10, 10, 10, outputs=20)), [spec])
    assert signal.value == 2
    assert "80 views, reports and searches back for 40 records" in signal.reason
    assert r.evaluate(r.History(weeks(10, 10, 10, 10, outputs=30)), [spec]) == []
    assert r.evaluate(r.History(weeks(1, 1, 1, 1, outputs=0)), [spec]) == []  # 4 < 5 inputs


def test_three_x_uses_only_the_window():
    spec = SPECS[r.THREE_X]
    old_then_good = weeks(100, 1, 1, 1, 1, outputs=3)
    assert r.evaluate(r.History(old_then_good), [spec]) == []


def test_history_length():
    assert r.history_length(SPECS.values()) == 6
