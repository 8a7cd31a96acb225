"""Boards and rewards, end to end: a learner opens this week's points board and sees the
colleagues who keep their names private as numbered colleagues; HR opens the same board,
tries to grant the running week's reward and is refused until "grant early" is ticked,
goes back a week (two on a phone: each size grants a week of its own) and grants that week's
reward after confirming on a page that names the period and the person; the winner sees the
notification. At laptop and phone size, no page on the way scrolls sideways or breaks WCAG."""

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.auth.models import User
from lms.clock import today
from lms.database import db
from lms.gamification.points.tallies import add_to_tallies
from lms.gamification.rules import week_start
from tests.browser.walk import (
    add_person,
    assert_fits_and_meets_wcag,
    go_to,
    go_to_own,
    log_in,
    log_out,
)

pytestmark = pytest.mark.browser
PRIZE = "Team lunch"


@pytest.fixture(scope="module")
def board(live_server):
    """HR, and points: this week two colleagues lead Ann; last week Ann led."""
    hr = add_person(live_server, "hugo.hr@example.com", "Hugo HR", "hr_partner", {"hr"})
    emails = [
        add_person(live_server, f"col{n}@example.com", f"Quiet Colleague {n}", "sales_rep", set())
        for n in (1, 2)
    ]
    this_monday = datetime.combine(week_start(today()), time(9))
    last_monday = this_monday - timedelta(days=7)
    monday_before = last_monday - timedelta(days=7)
    with live_server.app.app_context():
        ids = {u.email: u.id for u in db.session.scalars(select(User))}
        first, second, ann = ids[emails[0]], ids[emails[1]], ids[live_server.people["ann"].email]
        add_to_tallies(
            [
                {"user_id": first, "points": 90, "earned_at": this_monday},
                {"user_id": second, "points": 70, "earned_at": this_monday},
                {"user_id": ann, "points": 30, "earned_at": this_monday},
                {"user_id": ann, "points": 80, "earned_at": last_monday},
                {"user_id": first, "points": 20, "earned_at": last_monday},
                {"user_id": ann, "points": 60, "earned_at": monday_before},
            ]
        )
        db.session.commit()
        db.session.remove()
    return hr


WEEKS_BACK = {"laptop": 1, "phone": 2}  # each size grants a week of its own


def test_numbered_colleagues_an_early_grant_refused_and_a_past_week_granted(
    screen, live_server, board
):
    page, ann = screen, live_server.people["ann"]
    log_in(page, live_server.url, ann.email)
    page.goto(f"{live_server.url}/leaderboards")
    table = page.locator("table.board-table").first
    expect(table).to_contain_text("Colleague #1, North")
    expect(table).to_contain_text("Colleague #2, North")
    expect(table).to_contain_text(ann.name)
    expect(table).not_to_contain_text("Quiet Colleague")
    assert_fits_and_meets_wcag(page)
    log_out(page)

    log_in(page, live_server.url, board)
    go_to(page, "Incentives")
    page.get_by_role("link", name="Points this week").click()
    assert_fits_and_meets_wcag(page)
    page.get_by_label("Prize").fill(PRIZE)
    page.get_by_role("button", name="Grant reward to Quiet Colleague 1").click()
    expect(page.locator("#grant-period")).to_contain_text("runs until")
    assert_fits_and_meets_wcag(page)
    page.get_by_role("button", name="Confirm: grant the reward").click()
    expect(page.locator("#grant_early-error")).to_contain_text("Grant early: the week of")
    expect(page.locator("main")).not_to_contain_text("Granted to")
    assert_fits_and_meets_wcag(page)

    page.get_by_role("link", name="Back to the board").click()
    for _ in range(WEEKS_BACK[page.size]):
        page.get_by_role("link", name="← Previous week").click()
    expect(page.locator("main")).to_contain_text(f"Winner: {ann.name}")
    page.get_by_label("Prize").fill(PRIZE)
    page.get_by_role("button", name=f"Grant reward to {ann.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Grant {PRIZE} to {ann.name}?")
    expect(page.locator("#grant-period")).to_contain_text("ended on")
    expect(page.locator("#grant-facts")).to_contain_text(ann.name)
    assert_fits_and_meets_wcag(page)
    page.get_by_role("button", name="Confirm: grant the reward").click()
    expect(page.locator("main")).to_contain_text(f"Granted to {ann.name}: {PRIZE}")
    assert_fits_and_meets_wcag(page)
    log_out(page)

    log_in(page, live_server.url, ann.email)
    go_to_own(page, "Notifications")
    expect(page.locator("#notifications")).to_contain_text(f"Reward granted: {PRIZE}")
    expect(page.locator("#notifications")).to_contain_text("Points this week, the week of")
