"""Salesforce's record streams: Lead, Contact, Account, Opportunity, Case and Task read by
SystemModstamp, each record said to be created, updated or converted by whom."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from lms.crm.connectors.base import CONVERTED, CREATED, UPDATED, CrmEvent, Page
from lms.crm.connectors.salesforce.api import SalesforceApi
from lms.crm.connectors.salesforce.objects import RecordObject, field_map, select_of, value
from lms.crm.connectors.salesforce.positions import (
    iso,
    next_cursor,
    page,
    parse_time,
    position_of,
    within,
)


class RecordStreams:
    """The record streams of one connection; each object's field map is read once."""

    def __init__(self, api: SalesforceApi):
        self.api = api
        self._field_maps: dict[str, dict[str, str]] = {}  # native -> canonical -> Salesforce

    def pull(
        self, spec: RecordObject, cursor: str | None, since: datetime | None, *, limit: int
    ) -> Page:
        """A record read is `created` (by CreatedById) when its CreatedDate is in the window
        read, `updated` (by LastModifiedById) when its LastModifiedDate is, and a lead is
        `converted` (by LastModifiedById) when its ConvertedDate is; a conversion is not also
        an update. Several edits between two reads are one update, the last."""
        position = position_of(cursor, since)
        fields = self._field_map(spec)
        records, more = self.api.read_after(
            spec.native, select_of(spec, fields), "SystemModstamp", position, limit=limit
        )
        window_start = position.stamp if position else None
        events = [
            event
            for record in records
            for event in self._record_events(spec, fields, record, window_start)
        ]
        return page(events, next_cursor(records, "SystemModstamp", position), more)

    def _record_events(
        self,
        spec: RecordObject,
        fields: Mapping[str, str],
        record: Mapping[str, Any],
        window_start: datetime | None,
    ) -> list[CrmEvent]:
        created_at = parse_time(record["CreatedDate"])
        modified_at = parse_time(record["LastModifiedDate"])
        key = f"{spec.native}/{record['Id']}"
        about = {
            "object": spec.object,
            "record_id": record["Id"],
            "record_name": value(record, spec.name_field),
            "native_type": spec.native,
            "url": f"{self.api.instance_url()}/lightning/r/{spec.native}/{record['Id']}/view",
            "fields": {canonical: value(record, name) for canonical, name in fields.items()},
        }
        events = []
        if within(created_at, window_start):
            events.append(
                CrmEvent(f"{key}/created", CREATED, created_at, record["CreatedById"], **about)
            )
        converted_at = _converted_at(record, modified_at, window_start)
        if converted_at is not None:
            by = record["LastModifiedById"]
            events.append(CrmEvent(f"{key}/converted", CONVERTED, converted_at, by, **about))
        edited = modified_at > created_at and within(modified_at, window_start)
        if edited and converted_at != modified_at:
            by = record["LastModifiedById"]
            events.append(CrmEvent(f"{key}/{iso(modified_at)}", UPDATED, modified_at, by, **about))
        return events

    def _field_map(self, spec: RecordObject) -> dict[str, str]:
        """Which Salesforce field fills each canonical field, among those the API user can
        read (field-level security hides some; State and Country picklists add CountryCode).
        Read once per connector from the object's describe."""
        if spec.native not in self._field_maps:
            path = f"sobjects/{spec.native}/describe"
            described = self.api.call(
                f"{spec.native} (describe)",
                lambda sf: sf.restful(path, **self.api.request_options),
            )
            readable = {item["name"] for item in (described or {}).get("fields", [])}
            self._field_maps[spec.native] = field_map(spec, readable)
        return self._field_maps[spec.native]


def _converted_at(record: Mapping, modified_at: datetime, window_start: datetime | None):
    """When a lead was converted: its last modification (conversion locks the lead), unless
    that is not on ConvertedDate, a date in the user's time zone, hence a day's slack."""
    if not record.get("IsConverted") or not record.get("ConvertedDate"):
        return None
    converted_on = date.fromisoformat(record["ConvertedDate"])
    if window_start is not None and converted_on < window_start.date() - timedelta(days=1):
        return None
    if abs((modified_at.date() - converted_on).days) <= 1:
        return modified_at
    return datetime(converted_on.year, converted_on.month, converted_on.day)
