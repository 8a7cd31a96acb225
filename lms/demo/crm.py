"""The demo CRM: an LRS client that has posted three weeks of CRM use for the demo people,
as a real CRM would, through the same path as the LRS endpoint (store, then publish)."""

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app

from lms import events
from lms.xapi import clients
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_batch

if TYPE_CHECKING:
    from lms.demo.people import DemoPerson

CRM_CLIENT = "Northwind CRM (demo)"
CRM = "https://crm.northwind.example"
CRM_ACTIONS = (  # (verb, object path, object name, share of working days it happens)
    ("http://activitystrea.ms/schema/1.0/update", "contacts", "Contact", 0.8),
    ("http://activitystrea.ms/schema/1.0/create", "leads", "Lead", 0.4),
    ("http://id.tincanapi.com/verb/viewed", "reports/pipeline", "Pipeline report", 0.5),
)


def seed_crm_activity(people: tuple["DemoPerson", ...], *, now) -> tuple[str, str | None]:
    """Three weeks of CRM use posted by a demo LRS client, as a real CRM would: contact
    updates, new leads, report views, and a weekly data-quality score per person. Returns the
    client's key and, the first time only, its secret."""
    existing = next((c for c in clients.list_clients() if c.name == CRM_CLIENT), None)
    if existing is not None:
        return existing.key, None
    client, secret = clients.create_client(
        CRM_CLIENT, {clients.SCOPE_WRITE, clients.SCOPE_READ_MINE}, now=now
    )
    rng = random.Random(2026)
    learners = [p for p in people if not p.roles and p.hired_days_ago >= 21]
    statements = []
    for spec in learners:
        for day in range(21, 0, -1):
            when = now - timedelta(days=day, hours=rng.randrange(8))
            if when.weekday() >= 5:
                continue
            for verb, path, name, share in CRM_ACTIONS:
                if rng.random() < share:
                    statements.append(
                        _crm_statement(spec, verb, f"{path}/{rng.randrange(500)}", name, when)
                    )
            if when.weekday() == 4:
                statements.append(_data_quality(spec, rng.uniform(0.55, 0.98), when))
    batch = store_batch(
        statements,
        authority=clients.authority_for(client, current_app.config["BASE_URL"]),
        client_id=client.id,
        now=now,
        settings=lrs_settings(),
    )
    events.publish(events.StatementsReceived(fresh=tuple(batch.fresh), now=now))
    return client.key, secret


def _crm_statement(spec: "DemoPerson", verb: str, path: str, name: str, when) -> dict:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{spec.email}"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {
            "id": f"{CRM}/{path}",
            "definition": {"name": {"en-US": f"{name} {path.rsplit('/', 1)[-1]}"}},
        },
        "timestamp": when.isoformat(timespec="seconds") + "Z",
    }


def _data_quality(spec: "DemoPerson", score: float, when) -> dict:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{spec.email}"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/scored", "display": {"en-US": "scored"}},
        "object": {
            "id": f"{CRM}/data-quality/weekly",
            "definition": {
                "name": {"en-US": "Weekly data-quality check"},
                "type": "https://crm.northwind.example/activity-types/data-quality",
            },
        },
        "result": {"score": {"scaled": round(score, 2)}},
        "timestamp": when.isoformat(timespec="seconds") + "Z",
    }
