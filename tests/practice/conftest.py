"""Fixtures of the practice tests: a practice task on a shipped course, a training CRM
connection, and a scripted training CRM the learner works in."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses import progress
from lms.courses.models import Course, Skill
from lms.crm.connections import create_connection
from lms.crm.connectors.base import CREATED, CrmEvent, CrmUser
from lms.database import db
from lms.practice import rules as r
from lms.practice.models import PracticeTask, spec_of_check
from tests.conftest import T0
from tests.crm.scripted import ScriptedConnector

CHECK = r.Check(
    "lead",
    r.CREATED,
    (
        r.Condition("company", r.EQUALS, "Harbour Cement"),
        r.Condition("amount", r.AT_LEAST, 1.0, says="no budget (Opportunity amount)"),
    ),
)
OPENED = T0 + timedelta(hours=1)


@pytest.fixture
def task(app):
    course = db.session.scalar(select(Course).where(Course.slug == "crm-handle-leads"))
    skill = db.session.scalar(select(Skill).where(Skill.slug == "handle-leads"))
    found = PracticeTask(
        course=course,
        skill=skill,
        slug="qualify-harbour-cement-test",
        position=99,
        title="Enter Harbour Cement as a lead",
        instructions_html="<p>Create the lead.</p>",
        check_spec=spec_of_check(CHECK),
        hints=["Open Leads, then New.", "Fill in the Opportunity amount."],
    )
    db.session.add(found)
    db.session.flush()
    return found


@pytest.fixture
def training(app):
    return create_connection(
        name="Training CRM",
        kind="bottlecrm",
        base_url="https://training.crm.test",
        purpose="training",
        now=T0,
    )


@pytest.fixture
def learner(make_user, course):
    person = make_user(email="lena@example.com")
    progress.enroll_self(person, course("crm-handle-leads"), now=T0)
    return person


def lead_created(user_id: str, *, at, record="L1", **fields) -> CrmEvent:
    values = {"company": "Harbour Cement", "amount": "12000.00"} | fields
    return CrmEvent(
        event_id=f"{record}/{at.isoformat()}",
        action=CREATED,
        at=at,
        user_id=user_id,
        object="lead",
        record_id=record,
        record_name=values["company"],
        fields=values,
    )


def training_crm(*events: CrmEvent) -> ScriptedConnector:
    """The training CRM: Lena (u1) and a colleague (u2) work in it."""
    users = [
        CrmUser("u1", "Lena", "lena@example.com"),
        CrmUser("u2", "Colleague", "someone.else@example.com"),
    ]
    return ScriptedConnector({"lead": sorted(events, key=lambda e: e.at), "logins": []}, users)
