"""Fixtures for adoption tests: a CRM client of the LRS and a way to post its statements
through the same path as the HTTP endpoint (store, then publish StatementsReceived)."""

import uuid

import pytest

from lms import events
from lms.clock import utcnow
from lms.crm.profile import PROFILE, activity_type
from lms.xapi.clients import SCOPE_WRITE, create_client
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_batch
from tests.conftest import T0

CRM = "https://crm.northwind.example"
UPDATE = "http://activitystrea.ms/schema/1.0/update"
CREATE = "http://activitystrea.ms/schema/1.0/create"
VIEWED = "http://id.tincanapi.com/verb/viewed"
SCORED = "http://adlnet.gov/expapi/verbs/scored"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
QUALITY_TYPE = activity_type("contact")  # Uptake judges the quality of CRM records
REPORT_RUN = f"{PROFILE}/verbs/viewed-report"


def crm_statement(person, verb=UPDATE, path="contacts/1", *, at, score=None) -> dict:
    document = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{person.email}"},
        "verb": {"id": verb},
        "object": {"id": f"{CRM}/{path}"},
        "timestamp": at.isoformat() + "Z",
    }
    if score is not None:
        document["object"]["definition"] = {"type": QUALITY_TYPE}
        document["result"] = {"score": {"scaled": score}}
    return document


def voiding(statement_id: str, *, at) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:crm@northwind.example"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": statement_id},
        "timestamp": at.isoformat() + "Z",
    }


@pytest.fixture
def crm_client(app):
    client, _secret = create_client("Northwind CRM", {SCOPE_WRITE}, now=T0)
    return client


@pytest.fixture
def post(crm_client):
    """Store statements as the CRM's LRS client would, `now` being when they are stored
    (default: well after them, so their own timestamps count)."""

    def send(statements: list[dict], *, now=None, client_id: int | None = -1):
        now = now or utcnow()
        chosen = crm_client.id if client_id == -1 else client_id
        batch = store_batch(
            statements, authority=None, client_id=chosen, now=now, settings=lrs_settings()
        )
        events.publish(events.StatementsReceived(fresh=tuple(batch.fresh), now=now))
        return batch

    return send
