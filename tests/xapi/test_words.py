"""Statements in the words people use (lms.xapi.store.words): no verb IRI, activity type or
response pattern reaches a page. Pure."""

import pytest

from lms.xapi import vocabulary as v
from lms.xapi.store.words import result_words, sentence

CRM = "https://uptake.dev/xapi/profiles/crm-usage/"
TYPE = CRM + "activity-types/"
STREAMS = v.ACTIVITY_STREAMS_VERBS
LOGGED_IN = "https://w3id.org/xapi/adl/verbs/logged-in"
FAILED_CHECKS = CRM + "extensions/failed-checks"
REASON = "https://lms.test/xapi/extensions/reason"


def statement(verb: str, kind: str | None, name: str = "Handle leads", **parts) -> dict:
    definition = {"name": {"en-US": name}} | ({"type": kind} if kind else {})
    return {
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": "https://x/a", "definition": definition},
    } | parts


@pytest.mark.parametrize(
    ("verb", "kind", "said"),
    [
        (v.VERB_LAUNCHED, v.TYPE_COURSE, "Started the course “Handle leads”"),
        (v.VERB_EXPERIENCED, v.TYPE_LESSON, "Read the lesson “Handle leads”"),
        (v.VERB_ATTEMPTED, v.TYPE_ASSESSMENT, "Opened the quiz “Handle leads”"),
        (v.VERB_PASSED, v.TYPE_ASSESSMENT, "Passed the quiz “Handle leads”"),
        (v.VERB_FAILED, v.TYPE_ASSESSMENT, "Did not pass the quiz “Handle leads”"),
        (v.VERB_COMPLETED, v.TYPE_COURSE, "Completed the course “Handle leads”"),
        (v.VERB_REGISTERED, v.TYPE_COURSE, "Was enrolled on the course “Handle leads”"),
        (v.VERB_COMPLETED, v.TYPE_COACHING_STEP, "Coaching step signed off: “Handle leads”"),
        (v.VERB_COMPLETED, v.TYPE_ONBOARDING, "Completed onboarding"),
        (v.VERB_PASSED, v.TYPE_PRACTICE, "Passed the practice task “Handle leads”"),
        (v.VERB_EARNED, v.TYPE_BADGE, "Earned the badge “Handle leads”"),
        ("https://lms.test/xapi/verbs/reopened", v.TYPE_ONBOARDING, "Onboarding reopened"),
        (STREAMS + "create", TYPE + "lead", "Created the lead “Handle leads”"),
        (STREAMS + "update", TYPE + "contact", "Updated the contact “Handle leads”"),
        (CRM + "verbs/converted", TYPE + "lead", "Converted the lead “Handle leads”"),
        (CRM + "verbs/viewed-report", TYPE + "report", "Viewed the report “Handle leads”"),
        (LOGGED_IN, TYPE + "application", "Logged in to Handle leads"),
        ("https://example.com/verbs/reviewed", None, "Reviewed “Handle leads”"),
    ],
)  # fmt: skip
def test_each_statement_reads_as_a_sentence(verb, kind, said):
    assert sentence(statement(verb, kind)) == said


def test_an_answer_says_right_or_wrong_and_the_choices_in_their_words():
    question = statement(v.VERB_ANSWERED, v.TYPE_INTERACTION, "Which fields make a lead?")
    question["object"]["definition"]["choices"] = [
        {"id": "a", "description": {"en-US": "Company"}},
        {"id": "b", "description": {"en-US": "Phone"}},
        {"id": "c", "description": {"en-US": "Budget"}},
    ]
    right = question | {"result": {"success": True, "response": "a[,]c"}}
    wrong = question | {"result": {"success": False, "response": "b"}}
    assert sentence(right) == "Answered “Which fields make a lead?” correctly"
    assert sentence(wrong) == "Answered “Which fields make a lead?” wrongly"
    assert result_words(right) == "answer: Company; Budget"
    assert "[,]" not in result_words(right)


@pytest.mark.parametrize(
    ("result", "words"),
    [
        ({"score": {"scaled": 0.8}, "duration": "PT6M4S"}, "80%; in 6 min"),
        ({"score": {"scaled": 0.85}, "extensions": {FAILED_CHECKS: []}}, "data quality 85%"),
        ({"score": {"raw": 3, "max": 5}}, "3 of 5"),
        ({"extensions": {REASON: "Failed twice"}}, "Failed twice"),
        ({"duration": "PT40S"}, "in 40 s"),
        ({"response": "free text"}, "answer: free text"),
        ({}, ""),
    ],
)  # fmt: skip
def test_results_in_a_few_words(result, words):
    assert result_words(statement(v.VERB_PASSED, v.TYPE_ASSESSMENT, result=result)) == words


def test_a_withdrawal_and_other_objects():
    voiding = {"verb": {"id": v.VERB_VOIDED}, "object": {"objectType": "StatementRef", "id": "x"}}
    assert sentence(voiding) == "Withdrew an earlier record"
    agent = {"verb": {"id": "https://x/verbs/thanked"}, "object": {"objectType": "Agent"}}
    assert sentence(agent) == "Thanked “a person”"
