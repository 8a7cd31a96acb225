"""Confirmations run from uptake.js with the text as data, so a name is only ever text: the
admin's Deactivate dialog shows "Liam O'Brien" and "X');alert(1);//" as they are, and the
Content-Security-Policy, which forbids inline script, finds nothing to block on key pages."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import today
from lms.database import db
from tests.conftest import FAST_HASH, PASSWORD, load_reference_data
from tests.live import live_uptake

pytestmark = pytest.mark.browser
NAMES = ("Liam O'Brien", "X');alert(1);//")


def seed():
    load_reference_data()
    people = {}
    for email, name, roles in [
        ("admin@example.com", "Ada Admin", {"learner", "admin"}),
        ("liam@example.com", NAMES[0], {"learner"}),
        ("x@example.com", NAMES[1], {"learner"}),
    ]:
        user = User(
            email=email,
            name=name,
            job_role=get_job_role("sales_rep"),
            division=get_or_create_division("North"),
            hire_date=today(),
            password_hash=FAST_HASH,
        )
        user.set_roles(roles)
        db.session.add(user)
        db.session.flush()
        people[name] = user.id
    return people


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_uptake(tmp_path_factory.mktemp("live"), seed=seed, WTF_CSRF_ENABLED=True) as live:
        yield SimpleNamespace(url=live.url, ids=live.seeded)


@pytest.fixture
def admin_page(page, server):
    page.goto(server.url + "/login")
    page.get_by_label("E-mail").fill("admin@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    return page


@pytest.mark.parametrize("name", NAMES)
def test_deactivate_asks_with_the_name_as_text_and_runs_nothing_else(admin_page, server, name):
    page, dialogs = admin_page, []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.goto(f"{server.url}/people/{server.ids[name]}")
    page.get_by_role("button", name="Deactivate").click()  # dismissed: nothing happens
    expect(page.get_by_role("button", name="Deactivate")).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()  # accepted
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    question = f"Deactivate {name}? They will no longer be able to log in."
    assert dialogs == [("confirm", question), ("confirm", question)]  # no alert(1)


def test_the_content_security_policy_blocks_nothing_on_key_pages(admin_page, server):
    page, violations = admin_page, []
    page.on("console", lambda message: violations.append(message.text))
    for path in (
        "/",
        "/people",
        f"/people/{server.ids[NAMES[0]]}",
        "/leaderboards",
        "/badges",
        "/adoption",
        "/adoption/governance",
        "/incentives",
        "/lrs/outbox",
    ):
        response = page.goto(server.url + path)
        assert response.status < 400, path
    assert [v for v in violations if "Content Security Policy" in v] == []
