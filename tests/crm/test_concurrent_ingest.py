"""Two ingests for the same connection at once on PostgreSQL — a webhook while a sync runs —
each add their CRM users' events to what the other stored: neither count is lost. Each runs
in its own thread, session and connection, on a database of its own with committed data."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.crm import ingest as crm_ingest
from lms.crm.connections import create_connection
from lms.crm.connectors.base import LOGGED_IN, CrmEvent
from lms.crm.models import CrmAccount, CrmConnection
from lms.database import db
from tests.conftest import app_of_its_own, load_reference_data
from tests.databases import BACKEND

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent ingests need PostgreSQL (row locks, threads)"
)
NOW = datetime(2026, 12, 1, 9)


@pytest.fixture
def crm_app(tmp_path):
    def reference_data_and_connection():
        """The connection and two CRM users it has seen already, whom nobody matches."""
        load_reference_data()
        connection = create_connection(
            name="Busy CRM", kind="generic", base_url="https://crm.busy", now=NOW
        )
        for crm_id in ("ann", "bob"):
            db.session.add(
                CrmAccount(connection_id=connection.id, crm_id=crm_id, name=crm_id,
                           first_seen_at=NOW, events_unmatched=0)
            )  # fmt: skip

    with app_of_its_own(tmp_path, reference_data_and_connection) as app:
        yield app


def log_ins(who: str, users: list[str], count: int) -> list[CrmEvent]:
    """`count` log-ins by each of these CRM users (nobody matches them to a person)."""
    return [
        CrmEvent(f"{who}-{user}-{n}", LOGGED_IN, NOW + timedelta(minutes=n), user)
        for user in users
        for n in range(count)
    ]


def test_a_count_read_by_one_ingest_and_changed_by_another_is_added_to(crm_app, monkeypatch):
    """The first ingest reads the accounts, then waits while the second (the other order)
    stores and commits; the first then stores its own: every event is counted."""
    read, other_committed = threading.Event(), threading.Event()
    real_judge = crm_ingest.judge_records

    def judge_then_wait(*args, **kwargs):  # between reading the accounts and counting
        if threading.current_thread().name == "first":
            read.set()
            assert other_committed.wait(timeout=30)
        return real_judge(*args, **kwargs)

    monkeypatch.setattr(crm_ingest, "judge_records", judge_then_wait)

    def ingest(name: str, users: list[str], count: int) -> None:
        with crm_app.app_context():
            connection = db.session.scalar(select(CrmConnection))
            crm_ingest.ingest(connection, log_ins(name, users, count), now=NOW)
            db.session.commit()
            db.session.remove()

    first = threading.Thread(target=ingest, args=("first", ["ann", "bob"], 2), name="first")
    first.start()
    assert read.wait(timeout=30)
    ingest("second", ["bob", "ann"], 3)
    other_committed.set()
    first.join(timeout=30)
    assert not first.is_alive()
    with crm_app.app_context():
        counts = dict(
            db.session.execute(select(CrmAccount.crm_id, CrmAccount.events_unmatched)).all()
        )
        latest = db.session.scalar(
            select(CrmAccount.last_event_at).where(CrmAccount.crm_id == "bob")
        )
        db.session.remove()
    assert counts == {"ann": 5, "bob": 5}
    assert latest == NOW + timedelta(minutes=2)  # the second's newest, later than the first's
