"""Doing a practice task: opening it, checking the work in the training CRM, what passing
records, and what a check that cannot run leaves unchanged."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses import progress
from lms.courses.plan import get_plan
from lms.crm.connectors.base import ConnectorError
from lms.database import db
from lms.errors import DomainError
from lms.practice import services
from lms.practice.services import NO_TRAINING_CRM, check_work, open_task
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.practice.conftest import OPENED, lead_created, training_crm


def test_work_done_after_opening_the_task_passes_and_is_recorded(task, training, learner):
    attempt = open_task(learner, task, now=OPENED)
    crm = training_crm(lead_created("u1", at=OPENED + timedelta(minutes=5)))
    verdict = check_work(learner, task, now=OPENED + timedelta(minutes=6), connector=crm)
    assert verdict.passed and verdict.record_name == "Harbour Cement"
    assert attempt.passed_at == OPENED + timedelta(minutes=6) and attempt.checks == 1
    stored = db.session.scalar(
        select(Statement).where(Statement.statement_id == attempt.statement_id)
    )
    document = json.loads(stored.document)
    assert document["verb"]["id"] == v.VERB_PASSED
    assert document["object"]["id"].endswith(
        "/xapi/activities/courses/crm-handle-leads/practice/qualify-harbour-cement-test"
    )
    assert document["result"] == {"success": True, "completion": True, "response": "Harbour Cement"}
    assert stored.user_id == learner.id


def test_passing_shows_on_my_plan(task, training, learner):
    open_task(learner, task, now=OPENED)
    crm = training_crm(lead_created("u1", at=OPENED + timedelta(minutes=5)))
    check_work(learner, task, now=OPENED + timedelta(minutes=6), connector=crm)
    [line] = [line for line in get_plan(learner, OPENED.date()).practice if line.task == task]
    assert line.passed


def test_work_from_before_the_task_was_opened_does_not_count(task, training, learner):
    open_task(learner, task, now=OPENED)
    crm = training_crm(lead_created("u1", at=OPENED - timedelta(minutes=1)))
    verdict = check_work(learner, task, now=OPENED + timedelta(minutes=6), connector=crm)
    assert not verdict.passed
    assert verdict.missing == (
        "no lead created by you in the training CRM since you opened the task",
    )


def test_a_colleague_s_record_does_not_count(task, training, learner):
    open_task(learner, task, now=OPENED)
    crm = training_crm(lead_created("u2", at=OPENED + timedelta(minutes=5)))
    assert not check_work(learner, task, now=OPENED + timedelta(minutes=6), connector=crm).passed


def test_what_is_missing_is_kept_and_hints_come_after_two_failed_checks(task, training, learner):
    attempt = open_task(learner, task, now=OPENED)
    crm = training_crm(lead_created("u1", at=OPENED + timedelta(minutes=5), amount=""))
    for minutes in (6, 7):
        assert not attempt.hints_shown
        check_work(learner, task, now=OPENED + timedelta(minutes=minutes), connector=crm)
    assert attempt.last_missing == ["the lead has no budget (Opportunity amount)"]
    assert attempt.last_record == "Harbour Cement"
    assert (attempt.checks, attempt.failed_checks, attempt.passed_at) == (2, 2, None)
    assert attempt.hints_shown


def test_a_learner_the_training_crm_does_not_know_is_told_so(task, training, make_user, course):
    stranger = make_user(email="not-in-training@example.com")
    progress.enroll_self(stranger, course("crm-handle-leads"), now=OPENED)
    open_task(stranger, task, now=OPENED)
    crm = training_crm(lead_created("u1", at=OPENED + timedelta(minutes=5)))
    verdict = check_work(stranger, task, now=OPENED + timedelta(minutes=6), connector=crm)
    assert verdict.missing == (services.unknown_in_training_crm(stranger),)


def test_without_a_training_crm_nothing_is_judged(task, learner):
    attempt = open_task(learner, task, now=OPENED)
    with pytest.raises(DomainError, match="No training CRM is connected"):
        check_work(learner, task, now=OPENED + timedelta(minutes=6))
    assert attempt.checks == 0
    assert NO_TRAINING_CRM.startswith("No training CRM")


def test_a_training_crm_that_cannot_be_read_judges_nothing(task, training, learner):
    attempt = open_task(learner, task, now=OPENED)
    crm = training_crm()
    crm.failures["lead"] = ConnectorError("the token was refused")
    with pytest.raises(DomainError, match="could not be read: the token was refused"):
        check_work(learner, task, now=OPENED + timedelta(minutes=6), connector=crm)
    assert attempt.checks == 0


def test_opening_twice_keeps_the_first_moment(task, learner):
    first = open_task(learner, task, now=OPENED)
    assert open_task(learner, task, now=OPENED + timedelta(days=1)) is first
    assert first.opened_at == OPENED
