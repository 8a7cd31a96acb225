"""The Dynamics connector through the shared sync: its users matched to people, its events
stored once as statements, a backfill over the same window adding nothing."""

from datetime import datetime

import pytest
import requests
from sqlalchemy import func, select

from lms.crm.connectors.dynamics import Dynamics
from lms.crm.models import CrmAccount
from lms.crm.sync import sync_connection
from lms.database import db
from lms.xapi.models import Statement
from tests.crm.dynamics.conftest import API, GHOST, USR1, USR2, USR3, environment, reply, signed_in

NOW = datetime(2026, 12, 1, 10)
EMPTY_TABLES = ("contacts", "accounts", "opportunities", "tasks")


@pytest.fixture
def dynamics(settings, api):
    signed_in(api)
    environment(api)
    connector = Dynamics(settings, session=requests.Session())
    connector.page_size = 2
    return connector


def served(api) -> None:
    """One sync's replies: the users, two pages of leads, the other tables empty."""
    reply(api, "systemusers", "systemusers_page1.json")
    reply(api, "systemusers", "systemusers_page2.json")
    reply(api, "leads", "leads_page1.json")
    reply(api, "leads", "leads_page2.json")
    for entity_set in EMPTY_TABLES:
        api.add("GET", f"{API}{entity_set}", json={"value": []})
    reply(api, "systemusers", "empty_systemusers.json")  # the unknown user's lookup


def statements() -> int:
    return db.session.scalar(select(func.count()).select_from(Statement))


def test_a_sync_stores_each_event_once_for_its_person(connection, make_user, dynamics, api):
    lena = make_user(email="lena.vogel@acme.example")
    served(api)

    outcomes = sync_connection(connection, now=NOW, connector=dynamics)

    assert {o.stream: (o.read, o.stored, o.error) for o in outcomes} == {
        "lead": (6, 6, None),  # from the start: L2's creation too
        "contact": (0, 0, None),
        "account": (0, 0, None),
        "opportunity": (0, 0, None),
        "case": (0, 0, None),
        "task": (0, 0, None),
        "audits": (0, 0, None),
        "logins": (0, 0, None),
    }
    accounts = {a.crm_id: a for a in db.session.scalars(select(CrmAccount))}
    assert (accounts[USR1].person_id, accounts[USR1].matched_by) == (lena.id, "email")
    assert accounts[USR2].person_id is None and accounts[USR3].active is False
    assert accounts[GHOST].name == GHOST and accounts[GHOST].events_unmatched == 1
    query = select(func.count()).select_from(Statement).where(Statement.user_id == lena.id)
    assert db.session.scalar(query) == 3  # created two leads, converted a third

    served(api)
    backfill = sync_connection(connection, now=NOW, connector=dynamics, since=datetime(2026, 11, 1))

    assert sum(o.read for o in backfill) == 6 and sum(o.stored for o in backfill) == 0
    assert statements() == 6
