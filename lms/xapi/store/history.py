"""A person's activity history: every statement about them, from Uptake or any LRS client."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.database import db
from lms.xapi.models import LrsClient, Statement
from lms.xapi.store import words


@dataclass(frozen=True)
class HistoryLine:
    statement_id: str
    timestamp: datetime
    what: str  # the statement as a sentence (words.sentence)
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
        what=words.sentence(document),
        result=words.result_words(document),
        source=client_name or "Uptake",
        voided=statement.voided,
    )
