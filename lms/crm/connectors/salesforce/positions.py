"""Where a Salesforce stream stands, and the times and SOQL literals its cursors are made of.

A cursor is "<stamp>,<Id>" of the last row read; every stream reads in (stamp, Id) order after
it, so a cursor resumes exactly even where many rows share one second (a data load)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lms.crm.connectors.base import ConnectorError, CrmEvent, Page

SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")


@dataclass(frozen=True)
class Position:
    """Where a stream stands: after the row (stamp, record_id). An empty record_id stands
    before every row of that moment (a `since` with nothing read yet)."""

    stamp: datetime
    record_id: str = ""

    @classmethod
    def parse(cls, cursor: str) -> "Position":
        stamp, _, record_id = cursor.partition(",")
        try:
            moment = parse_time(stamp)
        except ValueError:
            moment = None
        if moment is None or (record_id and not SALESFORCE_ID.fullmatch(record_id)):
            raise ConnectorError(f"the stored cursor {cursor[:60]!r} is not a Salesforce one")
        return cls(moment, record_id)

    def text(self) -> str:
        return f"{iso(self.stamp)},{self.record_id}"

    def soql_after(self, stamp_field: str) -> str:
        moment = iso(self.stamp)
        if not self.record_id:
            return f"{stamp_field} >= {moment}"
        return (
            f"({stamp_field} > {moment} OR ({stamp_field} = {moment} AND Id > '{self.record_id}'))"
        )


def parse_time(text: str) -> datetime:
    """Salesforce's "2026-11-30T10:15:00.000+0000" as naive UTC."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso(moment: datetime) -> str:
    """A SOQL dateTime literal (and the stamp in event ids): seconds, milliseconds only where
    the value has them (event log objects keep milliseconds)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if moment.microsecond else f"{text}Z"


def position_of(cursor: str | None, since: datetime | None) -> Position | None:
    """The stored cursor's position; without one, the start of `since` (None: the beginning)."""
    if cursor:
        return Position.parse(cursor)
    return Position(since) if since is not None else None


def next_cursor(records: list[dict], stamp_field: str, position: Position | None) -> str | None:
    """The cursor after the last row read; where none was read, the position unchanged."""
    if records:
        return Position(parse_time(records[-1][stamp_field]), records[-1]["Id"]).text()
    return position.text() if position else None


def page(events: Iterable[CrmEvent], cursor: str | None, more: bool) -> Page:
    """A page of events in the order they happened."""
    return Page(sorted(events, key=lambda e: (e.at, e.event_id)), cursor, more)


def within(moment: datetime, window_start: datetime | None) -> bool:
    return window_start is None or moment >= window_start
