"""A seeded person signs in through pysaml2's IdP, served on 127.0.0.1 by
tests/sso/saml_idp/server.py, in Chromium: Uptake's log-in page, the IdP's, then My plan;
logging out goes through the IdP's single logout and back to Uptake's log-in page."""

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from lms.auth.sso.saml import provider
from lms.config import PROJECT_ROOT
from tests.browser.conftest import seed_people
from tests.browser.walk import log_out
from tests.conftest import load_reference_data
from tests.live import live_uptake
from tests.sso.saml.conftest import saml_settings

pytestmark = pytest.mark.browser
IDP_PASSWORD = "idp-pass"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test IdP stopped: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the test IdP did not answer at {url}")


@pytest.fixture(scope="module")
def saml_live(tmp_path_factory):
    """Uptake served with SAML on, and pysaml2's IdP in a process of its own (stopped by its
    PID afterwards), each trusting the other's metadata; the IdP knows Ann by `ann`."""
    directory = tmp_path_factory.mktemp("saml")
    idp_url = f"http://127.0.0.1:{free_port()}"
    settings = saml_settings(directory, idp_url + "/metadata")  # metadata by URL

    def seed():
        load_reference_data()
        return seed_people()

    with live_uptake(directory, seed=seed, WTF_CSRF_ENABLED=True, **settings) as live:
        live.app.config["BASE_URL"] = live.url
        (directory / "sp-metadata.xml").write_text(provider.sp_metadata(live.app.config))
        ann = live.seeded["ann"]
        people = {
            "ann": {"password": "idp-pass", "email": ann.email, "name": ann.name, "groups": []}
        }
        (directory / "people.json").write_text(json.dumps(people))
        idp = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.sso.saml_idp.server",
                idp_url.rsplit(":", 1)[1],
                directory,
            ],
            cwd=PROJECT_ROOT,
            stderr=subprocess.PIPE,
        )
        try:
            wait_until_serving(idp_url + "/metadata", idp)
            yield SimpleNamespace(url=live.url, idp_url=idp_url, ann=ann)
        finally:
            idp.terminate()
            idp.wait(timeout=10)


def test_a_person_signs_in_through_the_idp_lands_on_my_plan_and_logs_out_there_too(page, saml_live):
    page.goto(saml_live.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_role("link", name="Sign in with Contoso").click()

    expect(page).to_have_url(re.compile(re.escape(saml_live.idp_url) + r"/sso/redirect\?"))
    page.get_by_label("Username").fill("ann")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(saml_live.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My plan")
    expect(page.locator(".topbar .who")).to_have_text(saml_live.ann.name)

    visited = []
    page.on("request", lambda request: visited.append(request.url))
    log_out(page)  # out of Uptake, then through the IdP's single logout, back to log-in
    expect(page).to_have_url(saml_live.url + "/login")
    assert any(url.startswith(saml_live.idp_url + "/slo/redirect?") for url in visited)
    page.goto(saml_live.url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
