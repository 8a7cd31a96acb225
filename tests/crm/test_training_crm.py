"""A training CRM (purpose "training") is read by practice checks and by nothing else: its
activity is practice, not CRM use, so no sync, webhook or CSV import stores it."""

import pytest

from lms.crm.connections import create_connection
from lms.crm.csv_import import import_activity
from lms.crm.ingest import match_account
from lms.crm.models import CrmAccount
from lms.crm.training import training_connection
from lms.database import db
from lms.errors import DomainError
from tests.conftest import T0
from tests.crm.test_cli import run
from tests.crm.test_webhook import SECRET, event, send, stored_count


@pytest.fixture
def training(app):
    return create_connection(
        name="Sandbox",
        kind="hubspot",
        base_url="https://api.hubapi.com",
        purpose="training",
        secret_env="UPTAKE_TEST_CRM_TOKEN",
        now=T0,
    )


def test_a_training_crm_needs_an_api_to_be_checked_against(app):
    with pytest.raises(DomainError, match="purpose: a training CRM is read by practice checks"):
        create_connection(
            name="Sheets", kind="generic", base_url="https://crm.test", purpose="training", now=T0
        )


def test_the_training_crm_is_the_active_one_with_that_purpose(training):
    assert training_connection() == training
    training.active = False
    assert training_connection() is None


def test_sync_never_reads_a_training_crm(app, training, scripted_kind):  # noqa: F811
    db.session.commit()
    result = run(app, "sync", "--once")
    assert "a training CRM is read only by practice checks" in result.output
    assert "No connection to read" in result.output
    named = run(app, "sync", "--once", "--connection", "Sandbox")
    assert "No connection to read" in named.output


def test_a_webhook_to_a_training_crm_is_refused(client, training, monkeypatch):
    training.secret_env = "UPTAKE_TEST_HOOK_SECRET"
    monkeypatch.setenv("UPTAKE_TEST_HOOK_SECRET", SECRET)
    before = stored_count()
    response = send(client, training, {"events": [event()]})
    assert response.status_code == 409
    assert "Sandbox is a training CRM" in response.get_data(as_text=True)
    assert stored_count() == before


def test_a_csv_import_into_a_training_crm_is_refused(training):
    result = import_activity(training, "event_id,occurred_at\n", now=T0)
    assert result.problems == [
        "Sandbox is a training CRM: practice checks read it, and what people do there is not "
        "stored as CRM use."
    ]


def test_matching_a_training_crm_user_stores_nothing(training, make_user):
    lena = make_user(email="lena@acme.test")
    account = CrmAccount(
        connection_id=training.id, crm_id="T1", name="Lena", first_seen_at=T0, events_unmatched=3
    )
    db.session.add(account)
    db.session.flush()
    before = stored_count()
    assert match_account(account, lena, actor=None, now=T0) == 0
    assert account.person_id == lena.id and stored_count() == before
