"""The record streams of the tables the environment does not audit: the records themselves
read by `modifiedon`, each said to be created by `createdby` and modified last by
`modifiedby`, so several edits between two reads are one update. An audited table's changes
come from the audit log instead (lms.crm.connectors.dynamics.audits)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lms.crm.connectors.base import CONVERTED, CREATED, UPDATED, CrmEvent, Page
from lms.crm.connectors.dynamics.environment import Environment
from lms.crm.connectors.dynamics.positions import (
    Position,
    iso,
    next_cursor,
    page,
    parse_time,
    text_of,
    within,
)
from lms.crm.connectors.dynamics.tables import (
    Table,
    field_values,
    fields_there,
    qualified,
    record_select,
)
from lms.crm.connectors.dynamics.web_api import WebApi


def pull_table(
    api: WebApi, environment: Environment, table: Table, position: Position | None
) -> Page | None:
    """A table's stream; None where the environment has no such table. An audited table's
    stream keeps its cursor at the newest record, so that should auditing stop, its records
    are read from then on, not from the start."""
    if table.logical not in environment.tables:  # e.g. no Customer Service: no incidents
        return None
    if environment.audits(table):
        return Page([], _newest(api, table) or text_of(position))
    return _pull_records(api, table, environment.tables[table.logical], position)


def _pull_records(
    api: WebApi, table: Table, columns_there: frozenset[str], position: Position | None
) -> Page:
    """A record read is `created` (by createdby) when its createdon is in the window read;
    a lead now Qualified is `converted` (by modifiedby, at modifiedon; once per lead);
    otherwise it is `updated` (by modifiedby) when modifiedon is after createdon."""
    fields = fields_there(table, columns_there)
    rows, more = api.read_after(
        table.entity_set, table.key, "modifiedon", record_select(table, fields), position
    )
    window_start = position.stamp if position else None
    events = [
        event
        for row in rows
        for event in _record_events(api.origin, table, fields, row, window_start)
    ]
    return page(events, next_cursor(rows, "modifiedon", table.key, position), more)


def _record_events(
    origin: str, table: Table, fields, row: Mapping[str, Any], window_start: datetime | None
) -> list[CrmEvent]:
    record_id = row[table.key].lower()
    created_at, modified_at = parse_time(row["createdon"]), parse_time(row["modifiedon"])
    created_by, modified_by = (
        lower(row.get("_createdby_value")),
        lower(row.get("_modifiedby_value")),
    )
    about = record_about(origin, table, record_id, row, fields)
    key = f"{table.entity_set}/{record_id}"
    events = []
    if created_by and within(created_at, window_start):
        events.append(CrmEvent(f"{key}/created", CREATED, created_at, created_by, **about))
    if not modified_by:
        return events
    if qualified(table, row):
        events.append(CrmEvent(f"{key}/converted", CONVERTED, modified_at, modified_by, **about))
    elif modified_at > created_at:
        event_id = f"{key}/{iso(modified_at)}"
        events.append(CrmEvent(event_id, UPDATED, modified_at, modified_by, **about))
    return events


def record_about(origin: str, table: Table, record_id: str, row: Mapping | None, fields) -> dict:
    """What an event says of its record: object, id, name, address and fields (the name and
    fields None where the record could not be read)."""
    return {
        "object": table.object,
        "record_id": record_id,
        "record_name": row.get(table.name_column) if row else None,
        "native_type": table.entity_set,
        "url": f"{origin}/main.aspx?pagetype=entityrecord&etn={table.logical}&id={record_id}",
        "fields": field_values(fields, row) if row else None,
    }


def _newest(api: WebApi, table: Table) -> str | None:
    """The cursor of the table's newest row."""
    query = {
        "$select": f"modifiedon,{table.key}",
        "$orderby": f"modifiedon desc,{table.key} desc",
        "$top": "1",
    }
    rows = api.get(table.entity_set, api.url(table.entity_set, query)).get("value", [])
    return next_cursor(rows, "modifiedon", table.key, None)


def lower(value: Any) -> str | None:
    """A Dataverse id as the connector keeps it (lower case); None for none."""
    return value.lower() if isinstance(value, str) and value else None
