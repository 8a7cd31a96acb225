"""The LRS's canonical Activity definitions, updated from the statements it stores
(xAPI 1.0.3, Data 2.4.4.1.s4)."""

import json
from datetime import datetime

from sqlalchemy import select

from lms.bulk_writes import expire_held, insert_rows, update_rows
from lms.database import db
from lms.value_lists import among
from lms.xapi.models import Activity

LANGUAGE_MAPS = ("name", "description")
INTERACTION_KEYS = (
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
)


def merge_definition(canonical: dict, received: dict) -> dict:
    """A received definition updates the canonical one: languages are added to or replace
    those of its name and description, extensions are merged key by key, and any other
    property it gives replaces the stored one (Data 2.4.4.1.s4.b3). A new interactionType
    brings its own interaction properties: none of the old type's are kept."""
    merged = dict(canonical)
    if "interactionType" in received:
        for key in INTERACTION_KEYS:
            merged.pop(key, None)
    for key, value in received.items():
        if key in LANGUAGE_MAPS or key == "extensions":
            merged[key] = {**canonical.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


def upsert_activity_definitions(activities: list[dict], *, now: datetime) -> None:
    """Fold the definitions of a batch into the canonical store with one read and at most
    one insert, however many statements mention each activity."""
    received: dict[str, dict] = {}
    for activity in activities:
        received[activity["id"]] = merge_definition(
            received.get(activity["id"], {}), activity["definition"]
        )
    if not received:
        return
    query = select(Activity.id, Activity.activity_id, Activity.definition).where(
        among(Activity.activity_id, received)
    )
    changed = []
    for row_id, activity_id, definition in db.session.execute(query):
        current = json.loads(definition)
        merged = merge_definition(current, received.pop(activity_id))
        if merged != current:
            text = json.dumps(merged, ensure_ascii=False)
            changed.append({"id": row_id, "definition": text, "updated_at": now})
    update_rows(Activity.__table__, changed)
    expire_held(Activity, {row["id"] for row in changed})
    new_rows = [
        {
            "activity_id": activity_id,
            "definition": json.dumps(definition, ensure_ascii=False),
            "updated_at": now,
        }
        for activity_id, definition in received.items()
    ]
    insert_rows(Activity.__table__, new_rows, ignore_duplicates=True)
