"""Statement and outbox rows written straight to the database, as the store leaves them, for
tests of what happens to statements after they are stored (forwarding, export)."""

import json
import uuid
from datetime import datetime, timedelta

from lms.database import db
from lms.xapi.models import OutboxItem, Statement
from lms.xapi.store.identifiers import agent_key
from tests.conftest import T0

VERB = "http://adlnet.gov/expapi/verbs/experienced"


def statement_document(*, stored: datetime = T0, n: int = 0, **extra) -> dict:
    """A complete stored statement, as the LRS would return it."""
    stamp = stored.isoformat(timespec="milliseconds") + "Z"
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Ann Lee", "mbox": "mailto:ann.lee@example.com"},
        "verb": {"id": VERB, "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity", "id": f"http://lms.test/activities/lesson/{n}"},
        "result": {"duration": "PT1M30S"},  # tincan's model would rewrite this as PT01M30S
        "timestamp": stamp,
        "stored": stamp,
        "authority": {
            "objectType": "Agent",
            "name": "Uptake",
            "account": {"homePage": "http://lms.test", "name": "uptake"},
        },
        "version": "1.0.0",
        **extra,
    }


def add_statements(
    count: int = 0,
    *,
    documents: list[dict] | None = None,
    stored: datetime = T0,
    step: timedelta = timedelta(seconds=1),
    queue: bool = True,
) -> list[Statement]:
    """Stored statements (`count` new ones, or these documents), each `step` after the last,
    each with an outbox item due at once when `queue`."""
    documents = documents or [
        statement_document(stored=stored + step * n, n=n) for n in range(count)
    ]
    statements = []
    for n, document in enumerate(documents):
        at = stored + step * n
        statements.append(
            Statement(
                statement_id=document["id"],
                verb_id=document["verb"]["id"],
                activity_id=document["object"]["id"],
                actor_key=agent_key(document["actor"]),
                timestamp=at,
                stored=at,
                document=json.dumps(document, separators=(",", ":")),
            )
        )
    db.session.add_all(statements)
    db.session.flush()
    if queue:
        db.session.add_all(
            OutboxItem(statement_pk=s.id, enqueued_at=s.stored, next_attempt_at=s.stored)
            for s in statements
        )
        db.session.flush()
    return statements
