"""A person logs in (after one typo), lands on their plan and logs out again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.walk import log_out

pytestmark = pytest.mark.browser


def submit_log_in(page, email, password):
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_person_logs_in_after_a_typo_and_logs_out(page, live_server):
    ann = live_server.people["ann"]
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    submit_log_in(page, ann.email, "not my password")
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")

    submit_log_in(page, ann.email, ann.password)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    expect(page.locator(".topbar .who")).to_have_text(ann.name)

    log_out(page)
    expect(page).to_have_url(live_server.url + "/login")
    expect(page.get_by_role("status")).to_have_text("You are logged out.")

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Uptake")
