"""Feedback rules, with no app: what a report must say, what triage needs, who sees it."""

import pytest

from lms.errors import FieldError
from lms.feedback import rules


def test_a_good_report_is_trimmed():
    assert rules.clean_report("problem", "leads", "  Leads vanish after saving.  ") == (
        "Leads vanish after saving."
    )


@pytest.mark.parametrize(
    ("category", "area", "description", "field"),
    [
        ("praise", "leads", "Long enough text", "category"),
        ("problem", "kitchen", "Long enough text", "area"),
        ("problem", "leads", "   ", "description"),
        ("problem", "leads", "too short", "description"),
        ("problem", "leads", "x" * 4001, "description"),
    ],
)
def test_bad_reports_name_the_field(category, area, description, field):
    with pytest.raises(FieldError) as caught:
        rules.clean_report(category, area, description)
    assert caught.value.field == field


def test_triage_needs_an_answer_except_back_to_new():
    assert rules.clean_triage("new", "") == ""
    for status in ("planned", "done", "wont_do"):
        with pytest.raises(FieldError, match="Write an answer"):
            rules.clean_triage(status, "  ")
    with pytest.raises(FieldError) as caught:
        rules.clean_triage("maybe", "Sure")
    assert caught.value.field == "status"
    with pytest.raises(FieldError):
        rules.clean_triage("done", "x" * 4001)


def test_only_the_reporter_and_admins_see_a_report():
    assert rules.can_see(1, frozenset(), 1)
    assert rules.can_see(2, frozenset({"admin"}), 1)
    assert not rules.can_see(2, frozenset({"hr"}), 1)
    assert not rules.can_see(2, frozenset({"learner"}), 1)
