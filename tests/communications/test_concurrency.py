"""Three `lms notify run` passes at the same moment on PostgreSQL: each message is recorded
once per person and each e-mail written once. Each pass runs in its own thread, session and
connection, on a database of its own with committed data."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.communications.cli import run_pass
from lms.communications.models import MailDelivery, Notification
from lms.database import db
from tests.conftest import app_of_its_own, load_reference_data, run_at_once
from tests.databases import BACKEND

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent senders need PostgreSQL (row locks, threads)"
)
HIRED = date(2026, 11, 2)
NOW = datetime(2026, 11, 2, 9)
PEOPLE, SENDERS = 30, 3


def seed() -> None:
    for n in range(PEOPLE):
        user = User(
            email=f"rep{n}@example.com",
            name=f"Rep {n}",
            job_role=get_job_role("sales_rep"),
            division=get_or_create_division("North"),
            hire_date=HIRED,
        )
        user.set_roles({"learner"})
        db.session.add(user)


@pytest.fixture
def senders_app(tmp_path):
    def reference_data_and_people():
        load_reference_data()
        seed()

    mail = {"MAIL_BACKEND": "file", "MAIL_FILE_DIR": tmp_path / "mail"}
    with app_of_its_own(tmp_path, reference_data_and_people, **mail) as app:
        yield app


def test_concurrent_passes_send_each_message_once(senders_app, tmp_path):
    def one_pass(_n: int, start) -> None:
        with senders_app.app_context():
            start.wait(timeout=10)
            run_pass(NOW)
            db.session.remove()

    run_at_once(one_pass, SENDERS)
    with senders_app.app_context():
        notices = db.session.scalar(select(func.count(Notification.id)))
        sent = db.session.scalar(
            select(func.count(MailDelivery.id)).where(MailDelivery.status == "sent")
        )
        db.session.remove()
    assert notices == PEOPLE  # the welcome, once each
    assert sent == PEOPLE and len(list((tmp_path / "mail").glob("*.eml"))) == PEOPLE
