"""Every sign-off, withdrawal, override and onboarding completion is an xAPI statement."""

import json

import pytest
from sqlalchemy import select

from lms.coaching import services
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.coaching.conftest import (
    SALES_SKILLS,
    complete_required_courses,
    completions,
    live_sign_offs,
    sign,
)
from tests.conftest import T0

BASE = "http://lms.test"
STEP_1 = f"{BASE}/xapi/activities/skills/handle-leads/coaching/steps/1"


def statements(verb: str) -> list[dict]:
    rows = db.session.scalars(
        select(Statement).where(Statement.verb_id == verb).order_by(Statement.id)
    )
    return [json.loads(row.document) for row in rows]


def agent(person) -> dict:
    return {"objectType": "Agent", "name": person.name, "mbox": f"mailto:{person.email}"}


def coaching_completions() -> list[dict]:
    return [s for s in statements(v.VERB_COMPLETED) if "/coaching/steps/" in s["object"]["id"]]


def test_a_sign_off_is_the_learner_completing_the_step_with_the_coach_as_instructor(team):
    [record] = sign(team.manager, team.learner, "handle-leads", [1], note="Showed the queue.")
    [statement] = coaching_completions()
    assert statement["id"] == record.statement_id
    assert statement["actor"] == agent(team.learner)
    assert statement["object"]["id"] == STEP_1
    assert statement["object"]["definition"]["type"] == v.TYPE_COACHING_STEP
    assert statement["object"]["definition"]["name"] == {
        "en-US": "Handle leads: coaching step 1, Demonstrate"
    }
    context = statement["context"]
    assert context["instructor"] == agent(team.manager)
    assert (
        context["contextActivities"]["parent"][0]["id"]
        == f"{BASE}/xapi/activities/skills/handle-leads"
    )
    assert statement["result"]["response"] == "Showed the queue."
    assert statement["result"]["extensions"] == {f"{BASE}/xapi/extensions/how": "one_to_one"}


def test_an_override_is_a_statement_by_the_admin_about_the_sign_off(team):
    [record] = sign(team.admin, team.learner, "handle-leads", [1], override_reason="Boss away")
    overrode = f"{BASE}/xapi/verbs/{v.UPTAKE_VERB_OVERRODE}"
    [statement] = statements(overrode)
    assert statement["actor"] == agent(team.admin)
    assert statement["object"] == {"objectType": "StatementRef", "id": record.statement_id}
    assert statement["result"]["response"] == "Boss away"
    extensions = statement["context"]["extensions"]
    assert extensions[f"{BASE}/xapi/extensions/learner"] == agent(team.learner)
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == STEP_1
    assert coaching_completions()[0]["context"]["instructor"] == agent(team.admin)


def test_a_withdrawal_voids_the_sign_off_and_the_steps_that_fell_back(team):
    first, second = sign(team.manager, team.learner, "handle-leads", [1, 2])
    services.withdraw_sign_off(team.hr, first, reason="Wrong learner", now=T0)
    voiding = statements(v.VERB_VOIDED)
    assert [s["object"]["id"] for s in voiding] == [first.statement_id, second.statement_id]
    assert all(s["actor"] == agent(team.hr) for s in voiding)
    assert voiding[0]["result"]["response"] == "Wrong learner"
    assert "Fell back with the withdrawal of step 1" in voiding[1]["result"]["response"]
    voided = db.session.scalars(
        select(Statement.voided).where(
            Statement.statement_id.in_([first.statement_id, second.statement_id])
        )
    ).all()
    assert voided == [True, True]


def test_onboarding_completion_is_a_statement_with_its_date(team):
    complete_required_courses(team.learner)
    for slug in SALES_SKILLS:
        sign(team.manager, team.learner, slug)
    [statement] = [
        s
        for s in statements(v.VERB_COMPLETED)
        if s["object"]["id"] == f"{BASE}/xapi/activities/onboarding"
    ]
    assert statement["actor"] == agent(team.learner)
    assert statement["result"] == {"completion": True}
    [completion] = completions(team.learner)
    assert statement["timestamp"] == completion.completed_at.isoformat() + ".000Z"


def test_reopening_is_a_statement_naming_what_is_missing(team):
    complete_required_courses(team.learner)
    for slug in SALES_SKILLS:
        sign(team.manager, team.learner, slug)
    step_four = live_sign_offs(team.learner, "handle-leads")[-1]
    services.withdraw_sign_off(team.manager, step_four, reason="Not yet", now=T0)
    [statement] = statements(f"{BASE}/xapi/verbs/{v.UPTAKE_VERB_REOPENED}")
    assert statement["actor"] == agent(team.learner)
    assert "coaching in Handle leads: 3 of 4" in statement["result"]["response"]


@pytest.mark.parametrize("mode", ["mbox_sha1sum", "account"])
def test_coaching_statements_follow_the_identifier_setting(app, team, mode):
    app.config["XAPI_ACTOR_IDENTIFIER"] = mode
    try:
        sign(team.manager, team.learner, "handle-leads", [1])
    finally:
        app.config["XAPI_ACTOR_IDENTIFIER"] = "mbox"
    [statement] = coaching_completions()
    assert team.learner.email not in json.dumps(statement)
    assert team.manager.email not in json.dumps(statement)
