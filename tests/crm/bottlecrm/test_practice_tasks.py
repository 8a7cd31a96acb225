"""Every shipped practice task, done in a real BottleCRM the way its instructions say: a check
before the last piece of work names that piece in the task's own words, and the check after
it passes.

The learner is a BottleCRM user of a fresh org with their Uptake e-mail, enrolled on the
task's course; the org admin's token reads the training CRM. Where one task continues
another (convert the lead you qualified, close the case you logged, close the deal you
quoted), the learner does the first, so the second is passed by changing a record made
before it was opened."""

import time
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.clock import utcnow
from lms.courses import progress
from lms.courses.models import Course
from lms.database import db
from lms.practice.models import PracticeTask
from lms.practice.services import check_work, open_task
from tests.crm.bottlecrm.conftest import shipped_task
from tests.crm.bottlecrm.crm_client import CrmSession
from tests.crm.bottlecrm.test_end_to_end import AFTER_CREATION

TASKS_DONE_HERE = {
    "webinar-response-lead",
    "holmfield-quote-sent",
    "qualify-harbour-cement",
    "convert-harbour-cement",
    "kestrel-conveyor-bearings",
    "oakridge-closed-lost",
    "act-on-a-stalled-deal",
    "log-holmfield-seal-case",
    "resolve-holmfield-seal-case",
    "holmfield-closed-won",
    "oakridge-reorder-delivery-date",
    "add-tom-reyes",
    "update-ruth-calder",
}


def a_role_taking(course: Course) -> str:
    """A job role the course is open to."""
    return "sales_rep" if course.for_all_roles else course.job_roles[0].slug


def before_a_change() -> None:
    """A save this soon after a record's creation would count as part of creating it."""
    time.sleep(AFTER_CREATION)


def today() -> date:
    return utcnow().date()


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def end_of_next_month(day: date) -> date:
    first_of_next_month = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    first_after_that = (first_of_next_month + timedelta(days=32)).replace(day=1)
    return first_after_that - timedelta(days=1)


@dataclass
class Learner:
    """An Uptake learner who is also a user of the training CRM, at work on one task at a
    time."""

    person: User
    crm: CrmSession
    task: PracticeTask | None = None

    def take(self, slug: str) -> None:
        """Enrol on the task's course and open the task: work done from now on counts."""
        self.task = shipped_task(slug)
        progress.enroll_self(self.person, self.task.course, now=utcnow())
        open_task(self.person, self.task, now=utcnow())

    def missing(self) -> tuple[str, ...]:
        """What the check says is still missing (it must not pass yet)."""
        verdict = check_work(self.person, self.task, now=utcnow())
        assert not verdict.passed, f"{self.task.slug} passed too early"
        return verdict.missing

    def passes(self) -> None:
        verdict = check_work(self.person, self.task, now=utcnow())
        assert verdict.passed, f"{self.task.slug}: {verdict.missing}"


@pytest.fixture
def start(app, crm_org, training_crm, make_user):
    """Connects the org as the training CRM; `start(slug)` gives a learner of the task's
    course who has just opened it."""

    def start_task(slug: str) -> Learner:
        in_crm = crm_org.join("lena")
        person = make_user(
            name="Lena Learner",
            email=in_crm.email,
            job_role=a_role_taking(shipped_task(slug).course),
        )
        learner = Learner(person, in_crm)
        learner.take(slug)
        return learner

    return start_task


def test_every_shipped_task_is_done_here(app):
    live = db.session.scalars(select(PracticeTask.slug).where(PracticeTask.retired_at.is_(None)))
    assert set(live) == TASKS_DONE_HERE


# --- crm-campaign-lists --------------------------------------------------------------------


def test_turn_a_campaign_response_into_a_lead(start):
    lena = start("webinar-response-lead")
    lead = lena.crm.create(
        "leads",
        first_name="Samir",
        last_name="Haddad",
        company_name="Tidewater Paper",
        email="s.haddad@tidewaterpaper.example",
        source="campaign",
    )

    assert lena.missing() == (
        "the lead has no campaign (2026-11 Webinar – bearing failure analysis) in its Description",
    )
    before_a_change()
    lena.crm.update(
        "leads",
        lead,
        description="2026-11 Webinar – bearing failure analysis: asked for a price for 30 "
        "spherical roller bearings, dryer section PM2.",
    )
    lena.passes()


# --- crm-handle-leads ----------------------------------------------------------------------

HARBOUR_CEMENT_LEAD = {
    "first_name": "Elena",
    "last_name": "Novak",
    "company_name": "Harbour Cement",
    "description": "40 hydraulic couplings to replace the worn ones on kiln line 2",
    "opportunity_amount": "18000",
    "job_title": "Plant manager",
    "close_date": "2027-02-15",
}


def test_qualify_a_new_lead(start):
    lena = start("qualify-harbour-cement")
    without_timeline = {k: v for k, v in HARBOUR_CEMENT_LEAD.items() if k != "close_date"}
    lead = lena.crm.create("leads", **without_timeline)

    assert lena.missing() == ("the lead has no timeline (Close date)",)
    before_a_change()
    lena.crm.update("leads", lead, close_date=HARBOUR_CEMENT_LEAD["close_date"])
    lena.passes()


def test_convert_the_lead_qualified_before(start):
    lena = start("qualify-harbour-cement")
    lead = lena.crm.create("leads", **HARBOUR_CEMENT_LEAD)
    lena.passes()

    lena.take("convert-harbour-cement")
    before_a_change()
    lena.crm.update("leads", lead, email="elena.novak@harbourcement.example")  # asked first

    assert lena.missing() == ("the lead is not converted yet",)
    lena.crm.convert_lead(lead)
    lena.passes()


# --- crm-manage-opportunities --------------------------------------------------------------


def test_record_a_deal_with_an_honest_amount_and_close_date(start):
    lena = start("kestrel-conveyor-bearings")
    deal = lena.crm.create(
        "opportunities",
        name="Kestrel Packaging – conveyor bearings",
        amount="1430.00",  # 200 × £4.20 + 50 × £11.80
        closed_on=end_of_next_month(today()).isoformat(),
    )

    assert lena.missing() == ("the opportunity has no next step (Description)",)
    before_a_change()
    lena.crm.update("opportunities", deal, description="Call buyer after budget meeting")
    lena.passes()


def test_close_a_lost_deal_with_its_reason(start):
    lena = start("oakridge-closed-lost")
    deal = lena.crm.create(  # not there yet: created as it was
        "opportunities",
        name="Oakridge Water Authority – valve actuators",
        amount="9600",
        stage="PROPOSAL",
    )
    before_a_change()
    # BottleCRM closes no deal without its close date, so the instructions ask for today's.
    lena.crm.update("opportunities", deal, stage="CLOSED_LOST", closed_on=today().isoformat())

    assert lena.missing() == (
        "the opportunity has no loss reason (Price) in its Description",
        "the opportunity has no competitor (Valtech Controls) in its Description",
    )
    lena.crm.update(
        "opportunities",
        deal,
        description="Loss reason: Price. Competitor: Valtech Controls, 12% cheaper.",
    )
    lena.passes()


# --- crm-pipeline-reports ------------------------------------------------------------------


def test_act_on_a_stalled_deal_a_report_shows_you(start):
    lena = start("act-on-a-stalled-deal")
    # BottleCRM makes no task without a status and a priority; the instructions give both.
    call = lena.crm.create(
        "tasks",
        title="Granite Valley Mining: crusher wear parts still this month? Confirm date or close",
        status="New",
        priority="High",
    )

    assert lena.missing() == ("the task has no due date",)
    before_a_change()
    lena.crm.update("tasks", call, due_date=next_working_day(today()).isoformat())
    lena.passes()


# --- crm-service-cases ---------------------------------------------------------------------

SEAL_CASE = {
    "name": "Seals leaking on pumps after ten days",
    "status": "New",  # BottleCRM makes no case without a status; the instructions give it
    "priority": "High",  # P2: production at risk within days
}
SEAL_CASE_DESCRIPTION = (
    "Three mechanical seals from order SO-100482, lot 24-118, leaking after ten days. Pumps "
    "running but losing fluid; she has a spare seal for one pump only."
)


def log_on_holmfield_pumps(crm: CrmSession, **case) -> str:
    """The case, on the Holmfield Pumps account (made first: the org has none yet)."""
    account = crm.create("accounts", name="Holmfield Pumps")
    return crm.create("cases", account=account, **case)


def test_log_a_complete_case_from_a_call(start):
    lena = start("log-holmfield-seal-case")
    case = log_on_holmfield_pumps(lena.crm, **SEAL_CASE)

    assert lena.missing() == (
        "the case has no order number (SO-100482) in its Description",
        "the case has no lot number (24-118) in its Description",
    )
    before_a_change()
    lena.crm.update("cases", case, description=SEAL_CASE_DESCRIPTION)
    lena.passes()


def test_resolve_and_close_the_case_logged_before(start):
    lena = start("log-holmfield-seal-case")
    case = log_on_holmfield_pumps(lena.crm, **SEAL_CASE, description=SEAL_CASE_DESCRIPTION)
    lena.passes()

    lena.take("resolve-holmfield-seal-case")
    before_a_change()
    lena.crm.update(
        "cases",
        case,
        description=SEAL_CASE_DESCRIPTION
        + "\nReplacement shipped: seals from lot 24-118 had a faulty lip; 3 replacements sent "
        "free of charge on order SO-100517, confirmed by R. Calder.",
    )

    assert lena.missing() == ("the case's status is “New”, not “Closed”",)
    lena.crm.update("cases", case, status="Closed")
    lena.passes()


# --- crm-create-quotes and crm-submit-orders -----------------------------------------------


def test_keep_the_opportunity_in_step_with_the_quote(start):
    lena = start("holmfield-quote-sent")
    deal = lena.crm.create(  # not there yet: created as it was
        "opportunities",
        name="Holmfield Pumps – mechanical seals",
        amount="2220",
        stage="QUALIFICATION",
    )
    before_a_change()
    lena.crm.update("opportunities", deal, stage="PROPOSAL", amount="2077.00")

    assert lena.missing() == (
        "the opportunity has no note of the quote sent, with its version v1 (Description)",
    )
    lena.crm.update(
        "opportunities", deal, description="Quote v1 emailed to R. Calder, valid 30 days."
    )
    lena.passes()


def test_close_the_quoted_deal_when_the_order_is_submitted(start):
    lena = start("holmfield-quote-sent")
    deal = lena.crm.create(
        "opportunities",
        name="Holmfield Pumps – mechanical seals",
        amount="2077.00",
        stage="PROPOSAL",
        description="Quote v1 emailed to R. Calder, valid 30 days.",
    )
    lena.passes()

    lena.take("holmfield-closed-won")
    before_a_change()
    # BottleCRM wins no deal without its amount and close date; the instructions ask for both.
    lena.crm.update(
        "opportunities",
        deal,
        stage="CLOSED_WON",
        amount="2077.00",
        closed_on=today().isoformat(),
    )

    assert lena.missing() == (
        "the opportunity has no customer PO number (HP-45821) in its Description",
    )
    lena.crm.update(
        "opportunities",
        deal,
        description="Quote v1 emailed to R. Calder. Order submitted, customer PO HP-45821.",
    )
    lena.passes()


def test_chase_the_missing_details_before_you_submit(start):
    lena = start("oakridge-reorder-delivery-date")
    # BottleCRM makes no task without a status and a priority: the due date can come last.
    chase = lena.crm.create(
        "tasks",
        title="OWA-2026-0917: ask latest delivery date and Riverside goods-in contact",
        status="New",
        priority="High",
    )

    assert lena.missing() == ("the task has no due date",)
    before_a_change()
    lena.crm.update("tasks", chase, due_date=today().isoformat())
    lena.passes()


# --- crm-update-contacts -------------------------------------------------------------------


def test_add_a_new_contact_at_an_existing_customer(start):
    lena = start("add-tom-reyes")
    holmfield = lena.crm.create("accounts", name="Holmfield Pumps")  # not there yet
    tom = lena.crm.create(
        "contacts",
        first_name="Tom",
        last_name="Reyes",
        title="Maintenance planner",
        account=holmfield,
    )

    assert lena.missing() == (
        "the contact has no phone number ending 0148 (his direct line, 0161 496 0148)",
    )
    before_a_change()
    lena.crm.update("contacts", tom, phone="+44 161 496 0148")
    lena.passes()


def test_update_a_contact_who_changed_jobs(start):
    lena = start("update-ruth-calder")
    holmfield = lena.crm.create("accounts", name="Holmfield Pumps")
    ruth = lena.crm.create(  # not there yet: created as she was
        "contacts",
        first_name="Ruth",
        last_name="Calder",
        title="Purchasing manager",
        account=holmfield,
    )
    before_a_change()
    lena.crm.update("contacts", ruth, title="Plant manager", phone="+44 161 496 0190")

    assert lena.missing() == (
        "the contact has no note that Tom Reyes is now the buyer (Description)",
    )
    lena.crm.update(
        "contacts",
        ruth,
        description="Moved to Eastport plant as plant manager; Tom Reyes is now the buyer.",
    )
    lena.passes()
