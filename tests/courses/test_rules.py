"""Course rules, tested with no app at all."""

from datetime import date

import pytest

from lms.courses import rules
from lms.courses.rules import QuestionKey

SINGLE = QuestionKey("capital", "single", frozenset({"b"}))
MULTIPLE = QuestionKey("complete-profile", "multiple", frozenset({"a", "c"}))


def test_due_date_counts_from_hire_date():
    assert rules.due_date(date(2026, 10, 1), 14) == date(2026, 10, 15)
    assert rules.due_date(date(2026, 10, 1), None) is None


@pytest.mark.parametrize(
    ("anchor", "offset", "expected"),
    [
        ("hire_date", 0, date(2026, 10, 1)),
        ("hire_date", 30, date(2026, 10, 31)),
        ("go_live", -14, date(2026, 8, 24)),
    ],
)
def test_communication_date_is_anchored(anchor, offset, expected):
    assert rules.communication_date(date(2026, 10, 1), date(2026, 9, 7), anchor, offset) == expected


def test_communication_on_unset_go_live_has_no_date():
    assert rules.communication_date(date(2026, 10, 1), None, "go_live", 3) is None


@pytest.mark.parametrize(
    ("started", "completed", "due_on", "expected"),
    [
        (False, False, None, rules.NOT_STARTED),
        (True, False, date(2026, 10, 10), rules.IN_PROGRESS),
        (True, False, date(2026, 10, 4), rules.OVERDUE),
        (False, False, date(2026, 10, 4), rules.OVERDUE),
        (True, True, date(2026, 10, 4), rules.DONE),
        (False, False, date(2026, 10, 5), rules.NOT_STARTED),  # due today is not yet overdue
    ],
)
def test_enrollment_status(started, completed, due_on, expected):
    assert rules.enrollment_status(started, completed, due_on, today=date(2026, 10, 5)) == expected


def test_percent_rounds_down_and_treats_nothing_as_done():
    assert rules.percent(199, 200) == 99
    assert rules.percent(0, 0) == 100


def test_tailored_lessons_are_shown_only_to_their_roles():
    assert rules.lesson_visible(set(), "sales_rep")
    assert rules.lesson_visible({"sales_rep"}, "sales_rep")
    assert not rules.lesson_visible({"marketing"}, "sales_rep")


def test_single_choice_needs_exactly_the_right_choice():
    assert rules.is_right(SINGLE, ["b"])
    assert not rules.is_right(SINGLE, ["a"])
    assert not rules.is_right(SINGLE, ["a", "b"])
    assert not rules.is_right(SINGLE, [])


def test_multiple_choice_gets_no_partial_credit():
    assert rules.is_right(MULTIPLE, ["c", "a"])
    assert not rules.is_right(MULTIPLE, ["a"])
    assert not rules.is_right(MULTIPLE, ["a", "b", "c"])


def test_score_is_share_of_questions_right_and_unanswered_is_wrong():
    result = rules.score_quiz([SINGLE, MULTIPLE], {"capital": ["b"]}, pass_mark=0.5)
    assert result.score == 0.5
    assert result.right == {"capital"}
    assert result.passed


def test_score_exactly_at_pass_mark_passes():
    questions = [QuestionKey(f"q{i}", "single", frozenset({"a"})) for i in range(5)]
    four_right = {f"q{i}": ["a"] for i in range(4)}
    assert rules.score_quiz(questions, four_right, pass_mark=0.8).passed
    three_right = {f"q{i}": ["a"] for i in range(3)}
    assert not rules.score_quiz(questions, three_right, pass_mark=0.8).passed


def test_full_marks_needed_when_pass_mark_is_one():
    questions = [QuestionKey(f"q{i}", "single", frozenset({"a"})) for i in range(3)]
    assert not rules.score_quiz(questions, {"q0": ["a"], "q1": ["a"]}, pass_mark=1.0).passed
    assert rules.score_quiz(questions, {f"q{i}": ["a"] for i in range(3)}, pass_mark=1.0).passed


def test_remedial_after_the_threshold_of_failures_unless_passed():
    assert not rules.needs_remedial(failed_attempts=1, passed=False)
    assert rules.needs_remedial(failed_attempts=2, passed=False)
    assert not rules.needs_remedial(failed_attempts=3, passed=True)
    assert rules.needs_remedial(failed_attempts=3, passed=False, threshold=3)


def test_course_is_complete_with_every_lesson_and_a_passed_quiz():
    assert rules.is_course_complete(4, 4, quiz_passed=True, has_quiz=True)
    assert not rules.is_course_complete(4, 4, quiz_passed=False, has_quiz=True)
    assert not rules.is_course_complete(3, 4, quiz_passed=True, has_quiz=True)
    assert rules.is_course_complete(2, 2, quiz_passed=False, has_quiz=False)
