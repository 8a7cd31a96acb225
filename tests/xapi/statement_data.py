"""Statements for the LRS tests: a valid one to copy and break, and request helpers."""

import copy
import uuid

VERB = "http://adlnet.gov/expapi/verbs/experienced"
ACTIVITY = "http://example.com/activities/crm-basics"


def statement(**overrides) -> dict:
    """A fresh valid statement; keyword arguments replace its top-level properties."""
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Ann Lee", "mbox": "mailto:ann@example.com"},
        "verb": {"id": VERB, "display": {"en-US": "experienced"}},
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {"name": {"en-US": "CRM basics"}},
        },
    }
    base.update(copy.deepcopy(overrides))
    return base


def without(document: dict, *keys: str) -> dict:
    result = copy.deepcopy(document)
    for key in keys:
        result.pop(key, None)
    return result


def post(client, headers, body, **kwargs):
    return client.post("/xapi/statements", json=body, headers=headers, **kwargs)


def put(client, headers, body, statement_id=None, **kwargs):
    statement_id = statement_id or body["id"]
    return client.put(
        f"/xapi/statements?statementId={statement_id}", json=body, headers=headers, **kwargs
    )


def get(client, headers, **params):
    return client.get("/xapi/statements", query_string=params, headers=headers)
