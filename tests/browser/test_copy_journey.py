"""An admin creates an LRS client and copies its secret with one click: the secret shows
whole in its box (nothing clipped) and the clipboard holds exactly what the box shows."""

import pytest
from playwright.sync_api import expect

from tests.browser.walk import add_person, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def admin(live_server):
    return add_person(
        live_server, "ada.admin@example.com", "Ada Admin", "crm_administrator", {"admin"}
    )


def test_the_secret_is_copied_as_shown(browser, live_server, admin):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/lrs/clients/new")
    page.get_by_label("Name").fill("CRM")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Create client").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CRM can now use the LRS")

    secret = page.get_by_label("Secret", exact=True)
    shown = secret.input_value()
    # Room for descenders: an underscore in the secret must not be cut off by the box.
    line, size = secret.evaluate(
        "box => [parseFloat(getComputedStyle(box).lineHeight),"
        " parseFloat(getComputedStyle(box).fontSize)]"
    )
    assert line >= 1.5 * size
    page.get_by_role("button", name="Copy secret").click()
    expect(page.locator(".copy-field", has=secret).get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    context.close()
