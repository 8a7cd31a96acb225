"""A record's judgement: the share of checks passed, what is not counted, duplicates as
failed checks, and objects the rules do not cover."""

import pytest

from lms.crm.connectors.base import REPORT
from lms.crm.quality import rules as q

LEAD = {
    "first_name": "Ann",
    "last_name": "Lee",
    "company": "Harbour Cement",
    "email": "ann@harbour.co.uk",
    "phone": "+44 20 7946 0000",
    "status": "Open",
    "source": "Web",
    "country": "GB",
    "postcode": "SW1A 1AA",
}
COMPLETE = {  # a complete, valid record of each object, and how many checks it is given
    "lead": (LEAD, 15),
    "contact": (LEAD | {"title": "Buyer"}, 12),
    "account": (
        {
            "name": "Harbour Cement Ltd",
            "industry": "Manufacturing",
            "phone": "+49 30 1234567",
            "website": "https://harbour.example",
            "country": "DE",
            "postcode": "10115",
        },
        10,
    ),
    "opportunity": (
        {
            "name": "Harbour Cement: kilns",
            "stage": "Proposal",
            "amount": 120000,
            "close_date": "2026-12-18",
            "probability": 60,
        },
        6,
    ),
    "case": ({"subject": "Kiln offline", "priority": "High", "status": "Open"}, 5),
    "task": ({"subject": "Call Ann", "due_date": "2026-10-07", "priority": "Normal"}, 4),
}


@pytest.mark.parametrize("crm_object", list(COMPLETE))
def test_a_complete_valid_record_passes_every_check(rules, crm_object):
    fields, checks = COMPLETE[crm_object]
    assert q.judge(rules, crm_object, fields) == q.Judgement(1.0, checks, checks, ())


def test_the_score_is_the_share_of_checks_passed(rules):
    judged = q.judge(
        rules, "lead", LEAD | {"email": "ann@harbour", "phone": "020 7946 0000"}
    )  # both given, neither valid
    assert judged.failed_keys == ("lead.email.email", "lead.phone.phone_e164")
    assert (judged.passed, judged.total) == (13, 15)
    assert judged.score == pytest.approx(13 / 15)


def test_an_empty_field_fails_its_presence_and_is_not_format_checked(rules):
    judged = q.judge(rules, "lead", LEAD | {"phone": ""})
    assert judged.failed_keys == ("lead.phone.present",)
    assert (judged.passed, judged.total) == (13, 14)  # no E.164 check of an empty phone


def test_a_field_the_crm_did_not_give_is_not_counted(rules):
    only_names = q.judge(rules, "contact", {"first_name": "Ann", "last_name": "Lee"})
    assert only_names == q.Judgement(1.0, 2, 2, ())
    without_phone = {name: value for name, value in LEAD.items() if name != "phone"}
    judged = q.judge(rules, "lead", without_phone)
    assert judged == q.Judgement(1.0, 13, 13, ())  # neither present nor E.164 counted


def test_a_record_with_nothing_to_check_scores_one(rules):
    assert q.judge(rules, "task", {}) == q.Judgement(1.0, 0, 0, ())
    assert q.judge(rules, "task", {"description": "only this"}) == q.Judgement(1.0, 0, 0, ())


def test_each_duplicate_rule_another_record_shares_is_a_failed_check(rules):
    duplicated = frozenset({"lead.duplicate.email"})
    judged = q.judge(rules, "lead", LEAD, duplicated=duplicated)
    assert judged.failed_keys == ("lead.duplicate.email",)
    assert (judged.passed, judged.total) == (14, 15)
    both = duplicated | {"lead.duplicate.company+name"}
    assert q.judge(rules, "lead", LEAD, duplicated=both).score == pytest.approx(13 / 15)


def test_a_duplicate_rule_the_record_has_no_key_under_is_not_counted(rules):
    no_email = LEAD | {"email": ""}
    judged = q.judge(rules, "lead", no_email, duplicated=frozenset({"lead.duplicate.email"}))
    assert judged.failed_keys == ("lead.email.present",)
    assert judged.total == 13  # neither the e-mail's format nor its duplicate rule


def test_objects_the_rules_do_not_cover_are_not_judged(rules):
    assert q.judge(rules, REPORT, {"name": "Pipeline"}) is None
    assert q.judge(rules, "spaceship", LEAD) is None
    assert q.judge(q.QualityRules(), "lead", LEAD) is None
