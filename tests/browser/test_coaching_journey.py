"""A manager coaches a report to the end of onboarding: on the coaching board they sign
steps 1–4 of the report's last skill (form, then confirmation, each time); before step 4 the
report's plan says exactly what is missing, after it the plan shows onboarding complete.

The report is seeded with every required course completed, every other skill already signed
at step 4 and the last skill's practice passed, so the walk is the four steps of one skill."""

from datetime import date
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import utcnow
from lms.courses.curricula import assign_curricula
from lms.database import db
from tests.browser.walk import assert_fits_and_meets_wcag, go_to, log_in
from tests.coaching.conftest import (
    SALES_SKILLS,
    complete_required_courses,
    make_proficient,
    pass_practice,
    sign,
)
from tests.conftest import FAST_HASH

pytestmark = pytest.mark.browser
LAST_SKILL = SALES_SKILLS[-1]  # run-pipeline-reports: "Run pipeline reports"
STILL_MISSING = (
    "coaching in Run pipeline reports: 3 of 4 steps signed (step 4 (Monitor and feedback) next)"
)


def add_person(email: str, name: str, job_role: str, manager=None) -> User:
    user = User(
        email=email,
        name=name,
        job_role=get_job_role(job_role),
        division=get_or_create_division("North"),
        manager=manager,
        hire_date=date(2026, 9, 1),
        password_hash=FAST_HASH,
    )
    user.set_roles({"learner"})
    db.session.add(user)
    db.session.flush()
    return user


def add_team(live_server, tag: str, report_names: list[str]) -> SimpleNamespace:
    """A proficient manager and their reports, each one skill (LAST_SKILL, practice passed)
    short of onboarding complete, committed to the live server's database."""
    with live_server.app.app_context():
        manager = add_person(f"mia.{tag}@example.com", "Mia Manager", "sales_manager")
        reports = [
            add_person(f"{name.split()[0].lower()}.{tag}@example.com", name, "sales_rep", manager)
            for name in report_names
        ]
        assign_curricula([manager, *reports], now=utcnow())
        make_proficient(manager)
        for report in reports:
            complete_required_courses(report)
            for slug in SALES_SKILLS[:-1]:
                sign(manager, report, slug)
            pass_practice(
                report, LAST_SKILL
            )  # in the training CRM (tests/crm/bottlecrm/test_practice_journey)
        team = SimpleNamespace(
            manager=SimpleNamespace(email=manager.email, name=manager.name),
            reports=[SimpleNamespace(id=r.id, email=r.email, name=r.name) for r in reports],
        )
        db.session.commit()
        db.session.remove()
    team.report = team.reports[0]
    return team


@pytest.fixture(scope="module")
def coaching(live_server):
    """A proficient manager and their report."""
    return add_team(live_server, "one", ["Rob Report"])


def sign_step(page, report_name: str, step: int) -> None:
    """From the board: the cell's button, the short form, the confirmation."""
    page.get_by_role("link", name="Coaching", exact=True).click()
    cell = page.locator("tr", has_text=report_name).locator(f'td[data-skill="{LAST_SKILL}"]')
    cell.get_by_role("link", name=f"Sign step {step}").click()
    if step == 1:
        page.get_by_label("How was the skill shown?").select_option("one_to_one")
    if step == 4:
        page.get_by_label("Note for the learner").fill("Ran the weekly pipeline report unaided.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Sign off step {step}")
    page.get_by_role("button", name="Confirm sign-off").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Step {step}")


def test_a_manager_signs_four_steps_and_onboarding_completes(page, live_server, coaching):
    report = coaching.report
    log_in(page, live_server.url, coaching.manager.email)
    for step in (1, 2, 3):
        sign_step(page, report.name, step)

    page.goto(f"{live_server.url}/people/{report.id}/plan")
    status = page.locator("#onboarding-status")
    expect(status).to_contain_text("Onboarding not complete yet")
    expect(status.locator("li")).to_have_text([STILL_MISSING])

    sign_step(page, report.name, 4)
    page.goto(f"{live_server.url}/people/{report.id}/plan")
    expect(page.locator("#onboarding-status")).to_contain_text("Onboarding complete")


def test_the_report_sees_onboarding_complete_on_their_own_plan(page, live_server, coaching):
    log_in(page, live_server.url, coaching.report.email)
    expect(page.locator("#onboarding-status")).to_contain_text("Onboarding complete")
    expect(page.locator("table.coaching")).to_contain_text(
        "Ran the weekly pipeline report unaided."
    )


def sign_several(page, step: int, names: list[str]) -> None:
    """From the board's "Sign several at once": the step's form, every name ticked, the
    confirmation listing them, confirmed."""
    go_to(page, "Coaching")
    assert_fits_and_meets_wcag(page)
    page.locator("#several-heading + ul").get_by_role("link", name=f"Step {step} (").click()
    for name in names:
        page.get_by_label(name).check()
    if step == 1:
        page.get_by_label("How was the skill shown?").select_option("one_to_one")
    if step == 4:
        page.get_by_label("Note for each of them").fill("Runs the weekly pipeline report unaided.")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#to-sign li")).to_have_text(names)
    assert_fits_and_meets_wcag(page)
    page.get_by_role("button", name=f"Confirm {len(names)} sign-offs").click()


def test_a_manager_signs_several_at_once_until_onboarding_completes(screen, live_server):
    team = add_team(live_server, screen.size, ["Sam Several", "Tia Together"])
    names = [report.name for report in team.reports]
    log_in(screen, live_server.url, team.manager.email)
    for step in (1, 2, 3):
        sign_several(screen, step, names)
        flash = screen.locator(".flash-success")
        expect(flash).to_contain_text(f"is signed off for 2: {', '.join(names)}.")
        expect(flash).not_to_contain_text("Onboarding is now complete")
    sign_several(screen, 4, names)
    expect(screen.locator(".flash-success")).to_contain_text(
        f"Onboarding is now complete for {', '.join(names)}."
    )
    assert_fits_and_meets_wcag(screen)
