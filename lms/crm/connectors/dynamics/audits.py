"""The audit log: every create and update of an audited table with its user, one event per
audit row, and log-ins from user-access auditing."""

from collections.abc import Mapping

from lms.crm.connectors.base import CONVERTED, CREATED, LOGGED_IN, UPDATED, CrmEvent, Page
from lms.crm.connectors.dynamics.environment import Environment
from lms.crm.connectors.dynamics.positions import Position, next_cursor, page, parse_time
from lms.crm.connectors.dynamics.records import lower, record_about
from lms.crm.connectors.dynamics.tables import (
    AUDITS,
    FORMATTED,
    TABLES,
    TABLES_BY_LOGICAL_NAME,
    fields_there,
    last_change_qualified,
    record_select,
)
from lms.crm.connectors.dynamics.web_api import DataverseRefused, WebApi

CREATE_OPERATION, UPDATE_OPERATION = 1, 2  # audit.operation
QUALIFY_ACTION, WEB_ACCESS_ACTION = 24, 64  # audit.action: Qualify; User Access via Web
AUDIT_COLUMNS = ("auditid", "createdon", "operation", "action", "objecttypecode")
AUDIT_LOOKUPS = ("_objectid_value", "_userid_value")


def pull_audits(api: WebApi, environment: Environment, position: Position | None) -> Page | None:
    """One event per create or update audit row of an audited table, by its user, with
    the record's fields as they are now. A lead's Qualify row, or its last update when the
    lead is now Qualified, is its conversion (once per lead, as read from the records).
    None where no table is audited."""
    audited = [t for t in TABLES.values() if environment.audits(t)]
    if not audited:
        return None
    tables = " or ".join(f"objecttypecode eq '{t.logical}'" for t in audited)
    where = f"(operation eq {CREATE_OPERATION} or operation eq {UPDATE_OPERATION})"
    rows, more = api.read_after(
        AUDITS,
        "auditid",
        "createdon",
        (*AUDIT_COLUMNS, *AUDIT_LOOKUPS),
        position,
        where=f"{where} and ({tables})",
    )
    records = _current_records(api, rows, environment)
    events: dict[str, CrmEvent] = {}
    for row in rows:
        event = _audit_event(api.origin, row, records, environment)
        if event is not None:
            events.setdefault(event.event_id, event)
    return page(events.values(), next_cursor(rows, "createdon", "auditid", position), more)


def _audit_event(origin: str, row, records, environment: Environment) -> CrmEvent | None:
    table = TABLES_BY_LOGICAL_NAME.get(row.get("objecttypecode") or "")
    record_id, user_id = lower(row.get("_objectid_value")), lower(row.get("_userid_value"))
    if table is None or not record_id or not user_id:
        return None
    at = parse_time(row["createdon"])
    record = records.get((table.logical, record_id))
    fields = fields_there(table, environment.tables[table.logical])
    about = record_about(origin, table, record_id, record, fields)
    if about["record_name"] is None:
        about["record_name"] = row.get(f"_objectid_value@{FORMATTED}")
    if row.get("operation") == CREATE_OPERATION:
        action = CREATED
    elif row.get("action") == QUALIFY_ACTION or last_change_qualified(table, record, at):
        key = f"{table.entity_set}/{record_id}/converted"
        return CrmEvent(key, CONVERTED, at, user_id, **about)
    else:
        action = UPDATED
    return CrmEvent(f"audits/{row['auditid'].lower()}", action, at, user_id, **about)


def _current_records(api: WebApi, rows, environment) -> dict[tuple[str, str], Mapping]:
    """The records the audit rows name, as they are now, read by id (deleted ones are
    missing). A table the role may not read gives none: its audit rows still count, and
    its own stream reports the refusal."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.get("objecttypecode") in TABLES_BY_LOGICAL_NAME and row.get("_objectid_value"):
            wanted.setdefault(row["objecttypecode"], set()).add(row["_objectid_value"].lower())
    found = {}
    for logical, ids in wanted.items():
        table = TABLES_BY_LOGICAL_NAME[logical]
        select = record_select(table, fields_there(table, environment.tables[logical]))
        try:
            rows = api.rows_by_id(table.entity_set, table.key, sorted(ids), select)
        except DataverseRefused as refused:
            if refused.status != 403:
                raise
            continue
        found.update(((logical, row[table.key].lower()), row) for row in rows)
    return found


def pull_logins(api: WebApi, environment: Environment, position: Position | None) -> Page | None:
    """Sign-ins to the apps (audit action 64, User Access via Web), where the environment
    audits user access (else None); Dataverse logs one per user per interval (4 hours by
    default)."""
    if not environment.reads_logins:
        return None
    rows, more = api.read_after(
        AUDITS,
        "auditid",
        "createdon",
        ("auditid", "createdon", "action", "_userid_value"),
        position,
        where=f"action eq {WEB_ACCESS_ACTION}",
    )
    events = [
        CrmEvent(
            event_id=f"audits/{row['auditid'].lower()}",
            action=LOGGED_IN,
            at=parse_time(row["createdon"]),
            user_id=row["_userid_value"].lower(),
            native_type="audits/User Access via Web",
        )
        for row in rows
        if row.get("_userid_value")
    ]
    return page(events, next_cursor(rows, "createdon", "auditid", position), more)
