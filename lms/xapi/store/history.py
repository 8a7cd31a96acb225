"""A person's activity history: every statement about them, from Uptake or any LRS client."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.database import db
from lms.xapi.models import LrsClient, Statement


@dataclass(frozen=True)
class HistoryLine:
    statement_id: str
    timestamp: datetime
    verb: str
    activity: str
    result: str
    source: str
    voided: bool


def history_select(person: User):
    """Statements linked to the person, newest stored first."""
    return (
        select(Statement)
        .where(Statement.user_id == person.id, Statement.is_voiding.is_(False))
        .order_by(Statement.id.desc())
    )


def history_lines(statements: list[Statement]) -> list[HistoryLine]:
    """Lines for one page of statements; the clients' names in one query."""
    client_ids = {s.client_id for s in statements if s.client_id is not None}
    names = dict(
        db.session.execute(
            select(LrsClient.id, LrsClient.name).where(LrsClient.id.in_(client_ids))
        ).all()
    )
    return [history_line(s, names.get(s.client_id)) for s in statements]


def history_line(statement: Statement, client_name: str | None) -> HistoryLine:
    document = json.loads(statement.document)
    return HistoryLine(
        statement_id=statement.statement_id,
        timestamp=statement.timestamp,
        verb=_display(document["verb"].get("display"), document["verb"]["id"]),
        activity=object_name(document["object"]),
        result=_result_text(document.get("result") or {}),
        source=client_name or "Uptake",
        voided=statement.voided,
    )


def _display(language_map: dict | None, fallback: str) -> str:
    """English if there is one, else any language, else the last part of the IRI."""
    if language_map:
        return (
            language_map.get("en-US") or language_map.get("en") or next(iter(language_map.values()))
        )
    return fallback.rstrip("/").rsplit("/", 1)[-1]


def object_name(obj: dict) -> str:
    """What a statement's object is, in words."""
    if obj.get("objectType") in ("Agent", "Group"):
        return obj.get("name") or "a person"
    if obj.get("objectType") == "StatementRef":
        return f"statement {obj['id']}"
    if obj.get("objectType") == "SubStatement":
        return "a sub-statement"
    definition = obj.get("definition") or {}
    return _display(definition.get("name"), obj.get("id", ""))


def _result_text(result: dict) -> str:
    """The result in a few words: score, success, completion, response."""
    parts = []
    score = result.get("score") or {}
    if "scaled" in score:
        parts.append(f"{round(score['scaled'] * 100)}%")
    elif "raw" in score:
        parts.append(f"{score['raw']:g}" + (f" of {score['max']:g}" if "max" in score else ""))
    if "success" in result:
        parts.append("success" if result["success"] else "not successful")
    if result.get("completion"):
        parts.append("completed")
    if "response" in result:
        parts.append(f"answer: {result['response']}")
    return ", ".join(parts)
