"""What the rules see of a stored statement (`rules.Facts`), read from its document."""

from sqlalchemy import select

from lms.database import db
from lms.gamification import rules as r
from lms.value_lists import among
from lms.xapi.models import LrsClient
from lms.xapi.validation.formats import counted_at, duration_seconds, parse_timestamp
from lms.xapi.vocabulary import EXT_FIRST_ATTEMPT_SCORE, VERB_VOIDED


def client_sources(client_ids) -> dict[int, str]:
    """The source name of each LRS client ("client:<name>"), in one query."""
    ids = {client_id for client_id in client_ids if client_id is not None}
    if not ids:
        return {}
    query = select(LrsClient.id, LrsClient.name).where(among(LrsClient.id, ids))
    return {client_id: f"client:{name}" for client_id, name in db.session.execute(query)}


def facts_of(document: dict, client_id: int | None, stored, sources: dict[int, str]) -> r.Facts:
    target = document["object"]
    is_activity = target.get("objectType", "Activity") == "Activity"
    result = document.get("result") or {}
    score = result.get("score") or {}
    scaled = score.get("scaled")
    took, questions = duration_seconds(result.get("duration")), score.get("max")
    first = (result.get("extensions") or {}).get(EXT_FIRST_ATTEMPT_SCORE)
    timestamp = parse_timestamp(document["timestamp"]) or stored
    return r.Facts(
        statement_id=document["id"],
        verb=document["verb"]["id"],
        object_id=target.get("id", "") if is_activity else "",
        activity_type=((target.get("definition") or {}).get("type") or "") if is_activity else "",
        success=result.get("success"),
        scaled=float(scaled) if isinstance(scaled, int | float) else None,
        source=r.SOURCE_LMS if client_id is None else sources.get(client_id, "client:"),
        when=counted_at(timestamp, stored),
        seconds_per_question=took / questions
        if took is not None and isinstance(questions, int | float) and questions > 0
        else None,
        first_attempt_scaled=float(first) if _is_number(first) else None,
    )


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def voided_target(document: dict) -> str | None:
    """The id of the statement a voiding statement voids; None for any other statement."""
    if document["verb"]["id"] != VERB_VOIDED:
        return None
    return document["object"]["id"].lower()
