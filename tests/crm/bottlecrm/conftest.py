"""A real BottleCRM for the tests of its connector, started once per test session by
`scripts/bottlecrm` (the first start on a machine installs it and migrates a template
database: about three and a half minutes; later starts take seconds) and stopped at the end.

Each test opens its own org, so tests share the server but never each other's records. The
browser walk that needs BottleCRM lives here too (test_practice_journey.py), with the browser
fixtures, so that one BottleCRM serves the whole session: two would share Redis, and one's
Celery worker could take the other's sign-in mail."""

import json
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.clock import utcnow
from lms.crm.connections import create_connection
from lms.database import db
from lms.practice.models import PracticeTask
from tests.browser.conftest import browser, live_server, page  # noqa: F401  (for the walk)
from tests.crm.bottlecrm.crm_client import BottleCrmServer, CrmSession

PROJECT = Path(__file__).resolve().parents[3]
SCRIPT = PROJECT / "scripts" / "bottlecrm"
EXIT_NO_PYTHON_312 = 3  # scripts/bottlecrm's exit code when Python 3.12 is absent
START_TIMEOUT = 1200  # seconds: a cold start installs and migrates (measured: 202 s)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def bottlecrm():
    """The running BottleCRM. Skipped only when Python 3.12 is absent; any other failure
    to start it is an error of the test run."""
    port = free_port()
    started = subprocess.run(
        [str(SCRIPT), "start", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    if started.returncode == EXIT_NO_PYTHON_312:
        pytest.skip(f"BottleCRM needs Python 3.12: {started.stdout.strip()}")
    if started.returncode != 0:
        subprocess.run([str(SCRIPT), "stop", "--port", str(port)], check=False)
        raise RuntimeError(
            f"scripts/bottlecrm start failed (exit {started.returncode}):\n"
            f"{started.stdout}\n{started.stderr}"
        )
    state = json.loads((PROJECT / ".bottlecrm" / "run" / str(port) / "state.json").read_text())
    try:
        yield BottleCrmServer(state["base_url"], state["worker_log"])
    finally:
        subprocess.run([str(SCRIPT), "stop", "--port", str(port)], check=False)


@pytest.fixture(scope="session")
def open_crm_org(bottlecrm):
    """Opens a fresh org: its admin (signed in, with a token) and a `join` to add colleagues
    (each signed in, with a token of their own)."""

    def open_org():
        tag = uuid.uuid4().hex[:10]

        class Org:
            opened_at = utcnow().replace(microsecond=0)  # naive UTC, before anyone signed in
            admin: CrmSession = bottlecrm.open_org(f"Acme {tag}", f"admin-{tag}@example.com")

            @staticmethod
            def join(name: str) -> CrmSession:
                return bottlecrm.join(Org.admin, f"{name}-{tag}@example.com")

        return Org

    return open_org


@pytest.fixture
def crm_org(open_crm_org):
    return open_crm_org()


TRAINING_TOKEN_ENV = "UPTAKE_TEST_BOTTLECRM_TOKEN"


@pytest.fixture
def training_crm(app, crm_org, bottlecrm, monkeypatch):
    """The test org connected as the training CRM, with its admin's token."""
    monkeypatch.setenv(TRAINING_TOKEN_ENV, crm_org.admin.token)
    return create_connection(
        name="Training CRM",
        kind="bottlecrm",
        base_url=bottlecrm.base_url,
        purpose="training",
        secret_env=TRAINING_TOKEN_ENV,
        now=utcnow(),
    )


def shipped_task(slug: str) -> PracticeTask:
    """A practice task of the shipped content, by slug."""
    return db.session.scalar(select(PracticeTask).where(PracticeTask.slug == slug))
