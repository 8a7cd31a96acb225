"""The training CRM: the company's sandbox, a connection with purpose "training", which
practice checks read and nothing else does. Its activity is practice, not CRM use: it is never
synced into the statement store, so it earns no points and counts in no adoption measure.

A check reads what happened there since the person opened the task, through the same
connector that reads the live CRM, and gives it to the practice rules as records: each
record the person created or changed, as it stands now."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.crm.connections import connector_for
from lms.crm.connectors.base import (
    CONVERTED,
    CREATED,
    RECORD_OBJECTS,
    UPDATED,
    Connector,
    CrmEvent,
)
from lms.crm.ingest import note_users
from lms.crm.models import TRAINING, CrmAccount, CrmConnection
from lms.database import db
from lms.practice.rules import TrainingRecord

MAX_PAGES = 50  # a practice window is minutes or days of one sandbox: a bound, not a limit


def training_connection() -> CrmConnection | None:
    """The active training CRM (the first made, if there were ever several)."""
    query = select(CrmConnection).where(
        CrmConnection.purpose == TRAINING, CrmConnection.active.is_(True)
    )
    return db.session.scalar(query.order_by(CrmConnection.id).limit(1))


def records_since(
    connection: CrmConnection,
    person: User,
    obj: str,
    since: datetime,
    *,
    now: datetime,
    connector: Connector | None = None,
) -> list[TrainingRecord]:
    """The `obj` records `person` created or changed in the training CRM since `since`, as
    they stand now, oldest first. Raises ConnectorError when the CRM cannot be read."""
    connector = connector or connector_for(connection)
    # From the whole second: a CRM that stamps its changes to the second must not lose a
    # record saved in the same second the task was opened.
    events = list(_events_since(connector, since.replace(microsecond=0)))
    accounts = note_users(connection, connector.users(), {e.user_id for e in events}, now=now)
    mine = {crm_id for crm_id, account in accounts.items() if account.person_id == person.id}
    return _records(obj, events, mine)


def person_known(connection: CrmConnection, person: User) -> bool:
    """Whether the training CRM has a user matched to this person."""
    query = select(CrmAccount.id).where(
        CrmAccount.connection_id == connection.id, CrmAccount.person_id == person.id
    )
    return db.session.scalar(query.limit(1)) is not None


def _events_since(connector: Connector, since: datetime) -> Iterable[CrmEvent]:
    """Every record event of the CRM since `since`, stream by stream."""
    for stream in connector.streams():
        cursor, pages = None, 0
        while pages < MAX_PAGES:
            page = connector.pull(stream, cursor, since=since)
            yield from (e for e in page.events if e.object in RECORD_OBJECTS and e.at >= since)
            cursor, pages = page.cursor, pages + 1
            if not page.more:
                break


def _records(obj: str, events: list[CrmEvent], mine: set[str]) -> list[TrainingRecord]:
    """The records of `obj` someone in `mine` created or changed, with the fields the latest
    event gave (whoever made it: the record as it stands)."""
    by_record: dict[str, dict] = {}
    for event in sorted((e for e in events if e.object == obj), key=lambda e: e.at):
        record = by_record.setdefault(
            event.record_id or "",
            {"name": "", "created": False, "changed": False, "converted": False, "fields": {}},
        )
        record["name"] = event.record_name or record["name"]
        record["fields"] = dict(event.fields) if event.fields is not None else record["fields"]
        if event.user_id in mine:
            record["created"] |= event.action == CREATED
            record["changed"] |= event.action in (CREATED, UPDATED, CONVERTED)
        record["converted"] |= event.action == CONVERTED
    return [
        TrainingRecord(
            record_id, r["name"], r["created"], r["changed"], r["converted"], r["fields"]
        )
        for record_id, r in by_record.items()
        if r["created"] or r["changed"]
    ]
