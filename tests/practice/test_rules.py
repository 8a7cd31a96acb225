"""The practice rules, pure: a check passes when one record meets every condition; otherwise
the learner reads what the closest record still lacks."""

import pytest

from lms.practice import rules as r

LEAD_CHECK = r.Check(
    "lead",
    r.CREATED,
    (
        r.Condition("company", r.EQUALS, "Harbour Cement"),
        r.Condition("description", r.FILLED, says="no need written down"),
        r.Condition("amount", r.AT_LEAST, 1000.0, says="no budget"),
        r.Condition("status", r.ONE_OF, ("Assigned", "In Process")),
    ),
)


def lead(record_id="1", *, created=True, changed=True, converted=False, **fields):
    values = {
        "company": "Harbour Cement",
        "description": "Needs 40 couplings",
        "amount": "12,500.00",
        "status": "In Process",
    } | fields
    return r.TrainingRecord(record_id, values["company"], created, changed, converted, values)


def test_a_record_meeting_every_condition_passes():
    verdict = r.judge(LEAD_CHECK, [lead()])
    assert verdict == r.Verdict(True, "Harbour Cement", ())


def test_no_record_at_all_says_what_to_do():
    verdict = r.judge(LEAD_CHECK, [])
    assert not verdict.passed
    assert verdict.missing == (
        "no lead created by you in the training CRM since you opened the task",
    )


def test_a_changed_record_does_not_count_where_one_must_be_created():
    assert not r.judge(LEAD_CHECK, [lead(created=False)]).passed
    changing = r.Check("lead", r.CHANGED, LEAD_CHECK.conditions)
    assert r.judge(changing, [lead(created=False)]).passed


def test_what_is_missing_is_said_in_the_check_s_order_and_words():
    verdict = r.judge(LEAD_CHECK, [lead(description="", amount=None, status="Closed")])
    assert verdict.missing == (
        "the lead has no need written down",
        "the lead has no budget",
        "the lead's status is “Closed”, not “Assigned” or “In Process”",
    )


def test_the_closest_record_is_the_one_described():
    far = lead("1", company="Harbor Cement", description="", amount="")
    near = lead("2", amount="500")
    verdict = r.judge(LEAD_CHECK, [far, near])
    assert verdict.record_name == "Harbour Cement"
    assert verdict.missing == ("the lead has no budget",)


def test_one_passing_record_among_others_passes():
    assert r.judge(LEAD_CHECK, [lead("1", amount=""), lead("2")]).passed


@pytest.mark.parametrize(
    ("condition", "value", "met"),
    [
        (r.Condition("company", r.EQUALS, "Harbour Cement"), "  harbour cement ", True),
        (r.Condition("company", r.EQUALS, "Harbour Cement"), "Harbour", False),
        (r.Condition("company", r.CONTAINS, "cement"), "Harbour Cement Ltd", True),
        (r.Condition("company", r.FILLED), "   ", False),
        (r.Condition("company", r.FILLED), 0, True),
        (r.Condition("amount", r.AT_LEAST, 1000.0), "1 000", True),
        (r.Condition("amount", r.AT_LEAST, 1000.0), 999.99, False),
        (r.Condition("amount", r.AT_MOST, 50.0), "50", True),
        (r.Condition("amount", r.AT_LEAST, 1.0), "a lot", False),
        (r.Condition("amount", r.AT_LEAST, 1.0), True, False),
        (r.Condition("status", r.ONE_OF, ("Assigned", "In Process")), "in process", True),
    ],
)
def test_each_test_reads_crm_values_as_people_write_them(condition, value, met):
    assert r.meets(condition, value) is met


def test_a_follow_up_must_happen_too():
    converting = r.Check("lead", r.CREATED, LEAD_CHECK.conditions, then=r.CONVERTED)
    assert r.judge(converting, [lead()]).missing == ("the lead is not converted yet",)
    assert r.judge(converting, [lead(converted=True)]).passed


@pytest.mark.parametrize(
    ("condition", "value", "said"),
    [
        (r.Condition("close_date", r.FILLED), None, "the lead has no close date"),
        (
            r.Condition("company", r.CONTAINS, "Cement"),
            "Harbour",
            "the lead's company does not mention “Cement”",
        ),
        (
            r.Condition("amount", r.AT_MOST, 5000.0),
            "9000",
            "the lead's amount is “9000”, not at most 5,000",
        ),
    ],
)
def test_default_descriptions_name_the_field(condition, value, said):
    assert r.describe("lead", condition, value) == said


def test_hints_come_after_two_checks_that_did_not_pass():
    assert [r.hints_shown(n) for n in range(4)] == [False, False, True, True]
