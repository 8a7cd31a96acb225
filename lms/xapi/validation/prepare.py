"""What the LRS does to a valid statement before storing it, and how two statements are
compared (xAPI 1.0.3, Data 2.3.1 and 2.4.1-2.4.10). Pure."""

import json
import uuid
from datetime import datetime

import orjson

from lms.xapi.validation.formats import format_timestamp, parse_timestamp


def prepare_statement(statement: dict, *, authority: dict | None, now: datetime) -> dict:
    """The statement as stored: an id if it had none (Data 2.4.1.s2.b1), stored overwritten
    (2.4.8.s3.b2), timestamp defaulting to stored (2.4.7.s3.b2), the authority of the
    credentials (2.4.9.s3.b4), version 1.0.0 when absent (2.4.10.s3.b3), and every
    contextActivities value as an array (2.4.6.2.s4.b3)."""
    document = dict(statement)
    document["id"] = (statement.get("id") or str(uuid.uuid4())).lower()
    stored = format_timestamp(now)
    document["timestamp"] = normalize_timestamp(statement.get("timestamp")) or stored
    document["stored"] = stored
    if authority is not None:
        document["authority"] = authority
    document.setdefault("version", "1.0.0")
    if "context" in document:
        document["context"] = normalize_context(document["context"])
    if isinstance(document["object"], dict) and "context" in document["object"]:
        substatement = dict(document["object"])
        substatement["context"] = normalize_context(substatement["context"])
        document["object"] = substatement
    return document


def normalize_timestamp(value: str | None) -> str | None:
    """Timestamps are returned in UTC (Data 4.5.s1.b6); the instant is unchanged."""
    if value is None:
        return None
    moment = parse_timestamp(value)
    return format_timestamp(moment) if moment is not None else value


def normalize_context(context: dict) -> dict:
    """Single context Activities become arrays of one (Data 2.4.6.2.s4.b4)."""
    activities = context.get("contextActivities")
    if not activities:
        return context
    arrays = {
        key: value if isinstance(value, list) else [value] for key, value in activities.items()
    }
    return {**context, "contextActivities": arrays}


def serialize(document: dict) -> str:
    """The statement as stored and returned: compact JSON, UTF-8 as it is. Written by
    orjson (the standard encoder took 4% of the CRM sync, sampled with py-spy); the
    standard one writes what orjson refuses, an integer beyond 64 bits or a lone surrogate."""
    try:
        return orjson.dumps(document).decode()
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def same_statement(stored: dict, received: dict) -> bool:
    """Whether a received statement is the one already stored under its id: differences the
    LRS itself may have caused (id, authority, stored, timestamp, version assigned or
    reserialized; group member order; contextActivities as arrays) are ignored, every other
    difference counts (Data 2.3.1.s9)."""
    received = dict(received)
    stored = dict(stored)
    for key in ("stored", "authority", "id"):
        stored.pop(key, None)
        received.pop(key, None)
    for key in ("timestamp", "version"):
        if key not in received:
            stored.pop(key, None)
    if "timestamp" in received:
        received["timestamp"] = normalize_timestamp(received["timestamp"])
        stored["timestamp"] = normalize_timestamp(stored.get("timestamp"))
    if "context" in received:
        received["context"] = normalize_context(received["context"])
    if isinstance(received.get("object"), dict) and "context" in received["object"]:
        received["object"] = {
            **received["object"],
            "context": normalize_context(received["object"]["context"]),
        }
    return _canonical(stored) == _canonical(received)


def _canonical(value):
    """A comparable form: objects as sorted items, group members as an unordered set."""
    if isinstance(value, dict):
        items = {key: _canonical(item) for key, item in value.items()}
        if "member" in items and isinstance(items["member"], tuple):
            items["member"] = tuple(sorted(items["member"], key=repr))
        return tuple(sorted(items.items()))
    if isinstance(value, list):
        return tuple(_canonical(item) for item in value)
    return value
