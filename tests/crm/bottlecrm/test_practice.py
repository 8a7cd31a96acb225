"""A practice task checked against a real BottleCRM as the training CRM: the learner creates
the lead there, the first check says exactly what is still missing, the second passes."""

import time

from lms.clock import utcnow
from lms.courses import progress
from lms.practice.services import check_work, open_task
from tests.crm.bottlecrm.conftest import shipped_task
from tests.crm.bottlecrm.test_end_to_end import AFTER_CREATION


def test_a_lead_made_in_the_training_crm_is_checked_there(
    app, crm_org, training_crm, make_user, course
):
    lena_in_crm, colleague = crm_org.join("lena"), crm_org.join("colleague")
    lena = make_user(name="Lena Learner", email=lena_in_crm.email)
    progress.enroll_self(lena, course("crm-handle-leads"), now=utcnow())
    qualify, convert = (
        shipped_task("qualify-harbour-cement"),
        shipped_task("convert-harbour-cement"),
    )
    attempt = open_task(lena, qualify, now=utcnow())
    colleague.create(  # a complete lead, but not Lena's
        "leads",
        first_name="Elena",
        last_name="Novak",
        company_name="Harbour Cement",
        description="40 hydraulic couplings for kiln line 2",
        job_title="Plant manager",
        opportunity_amount="18000",
        close_date="2027-02-15",
        status="assigned",
    )
    lead = lena_in_crm.create(
        "leads",
        first_name="Elena",
        last_name="Novak",
        company_name="Harbour Cement",
        description="40 hydraulic couplings for kiln line 2",
        job_title="Plant manager",
        status="assigned",
    )

    first = check_work(lena, qualify, now=utcnow())

    assert not first.passed and first.record_name == "Elena Novak"
    assert first.missing == (
        "the lead has no approved budget of £18,000 (Opportunity amount)",
        "the lead has no timeline (Close date)",
    )
    time.sleep(AFTER_CREATION)
    lena_in_crm.update("leads", lead, opportunity_amount="18000", close_date="2027-02-15")

    second = check_work(lena, qualify, now=utcnow())

    assert second.passed and attempt.passed_at is not None and attempt.checks == 2

    open_task(lena, convert, now=utcnow())
    time.sleep(AFTER_CREATION)
    lena_in_crm.update("leads", lead, email="elena.novak@harbourcement.example")
    assert check_work(lena, convert, now=utcnow()).missing == ("the lead is not converted yet",)
    time.sleep(AFTER_CREATION)
    lena_in_crm.convert_lead(lead)
    assert check_work(lena, convert, now=utcnow()).passed
