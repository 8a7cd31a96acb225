"""The communication rules, with no app: due days at their edges, essentials, keys."""

from datetime import date

from lms.communications import rules

DAY = date(2026, 10, 5)  # a Monday


def test_a_communication_is_due_on_its_day_and_not_the_day_before():
    assert rules.is_communication_due(DAY, DAY)
    assert not rules.is_communication_due(date(2026, 10, 6), DAY)


def test_a_communication_stays_due_until_the_late_limit_and_no_longer():
    assert rules.is_communication_due(date(2026, 9, 21), DAY)  # 14 days late
    assert not rules.is_communication_due(date(2026, 9, 20), DAY)  # 15 days late
    assert not rules.is_communication_due(None, DAY)  # anchored on a go-live not set


def test_hire_dates_due_cover_the_late_limit():
    assert rules.hire_dates_due(2, DAY) == (date(2026, 9, 19), date(2026, 10, 3))


def test_due_soon_runs_from_three_days_before_through_the_due_day():
    assert not rules.is_due_soon(date(2026, 10, 9), DAY)
    assert rules.is_due_soon(date(2026, 10, 8), DAY)
    assert rules.is_due_soon(DAY, DAY)
    assert not rules.is_overdue(DAY, DAY)
    assert rules.is_overdue(date(2026, 10, 4), DAY)
    assert not rules.is_due_soon(date(2026, 10, 4), DAY)


def test_launch_news_welcome_and_training_reminders_are_essential():
    assert rules.is_essential_communication("crm-launch", "go_live")
    assert rules.is_essential_communication("go-live-tips", "go_live")
    assert rules.is_essential_communication("welcome", "hire_date")
    assert rules.is_essential_communication("training-reminder-crm-courses", "hire_date")


def test_recognition_and_check_ins_are_not_essential():
    assert not rules.is_essential_communication("recognition-programme", "go_live")
    assert not rules.is_essential_communication("first-30-days", "hire_date")
    assert not rules.is_essential_communication("meet-your-champion", "hire_date")


def test_recognition_goes_out_for_the_last_week_that_ended():
    assert rules.last_complete_week(DAY) == date(2026, 9, 28)
    assert rules.last_complete_week(date(2026, 10, 11)) == date(2026, 9, 28)  # Sunday
    assert rules.recognition_key(date(2026, 9, 28)) == "recognition:2026-09-28"


def test_muting_stops_only_non_essential_email():
    assert not rules.should_email(wants_email=True, essential=False, muted=True, active=True)
    assert rules.should_email(wants_email=True, essential=True, muted=True, active=True)
    assert not rules.should_email(wants_email=False, essential=True, muted=False, active=True)
    assert not rules.should_email(wants_email=True, essential=True, muted=False, active=False)


def test_links_stay_inside_uptake():
    assert rules.is_safe_link("/courses/x") and rules.is_safe_link(None)
    assert not rules.is_safe_link("https://evil.example/")
    assert not rules.is_safe_link("//evil.example/")


def test_kind_is_the_key_up_to_the_first_colon():
    assert rules.kind_of("coaching_waiting:1:2:3") == "coaching_waiting"
    assert rules.kind_of("adoption") == "adoption"
    assert rules.label_of("training_due") == "Training due soon"
    assert rules.label_of("adoption_signal") == "Adoption signal"
