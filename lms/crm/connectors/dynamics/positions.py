"""Where a Dynamics 365 stream stands, and the times its cursors are made of.

A cursor is "<stamp>,<id>" of the last row read; every stream reads in (stamp, id) order from
the cursor's second, and the rows of that second up to the cursor's row are skipped, so a
cursor resumes exactly even where many rows share one second (Dataverse keeps seconds)."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from lms.crm.connectors.base import ConnectorError, CrmEvent, Page


@dataclass(frozen=True)
class Position:
    """Where a stream stands: after the row (stamp, record_id). An empty record_id stands
    before every row of that second (a `since` with nothing read yet)."""

    stamp: datetime
    record_id: str = ""

    @classmethod
    def parse(cls, cursor: str) -> "Position":
        stamp, _, record_id = cursor.partition(",")
        try:
            return cls(parse_time(stamp), str(uuid.UUID(record_id)) if record_id else "")
        except ValueError:
            raise ConnectorError(
                f"the stored cursor {cursor[:60]!r} is not a Dynamics 365 one"
            ) from None

    @classmethod
    def at(cls, since: datetime | None) -> "Position | None":
        return cls(since) if since is not None else None

    def text(self) -> str:
        return f"{iso(self.stamp)},{self.record_id}"


class AlreadyRead:
    """Skips the rows of the cursor's second up to and including the cursor's row. When the
    cursor's row is not among them (changed since), none was skipped: they are read again,
    which is harmless, as event ids do not change."""

    def __init__(self, position: Position | None, stamp_field: str, key: str):
        self.position, self.stamp_field, self.key = position, stamp_field, key
        self.looking = bool(position and position.record_id)
        self._held: list[dict] = []

    def skipped(self, rows: list[dict]) -> list[dict]:
        fresh = []
        for row in rows:
            if self.looking and parse_time(row[self.stamp_field]) <= self.position.stamp:
                if row[self.key].lower() == self.position.record_id:
                    self._held, self.looking = [], False
                else:
                    self._held.append(row)
                continue
            if self.looking:  # past the cursor's second without meeting its row
                fresh.extend(self._held)
                self._held, self.looking = [], False
            fresh.append(row)
        return fresh

    def held(self) -> list[dict]:
        """Rows of the cursor's second kept back while the cursor's row was not found."""
        held, self._held = self._held, []
        return held


def parse_time(text: str) -> datetime:
    """Dataverse's "2026-11-30T10:15:00Z" as naive UTC."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso(moment: datetime) -> str:
    """An OData date-time literal in whole seconds, as Dataverse keeps them."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def next_cursor(rows: list[dict], stamp_field: str, key: str, position: Position | None):
    """The cursor after the last row read; where none was read, the position unchanged."""
    if rows:
        last = rows[-1]
        return Position(parse_time(last[stamp_field]), last[key].lower()).text()
    return text_of(position)


def text_of(position: Position | None) -> str | None:
    return position.text() if position else None


def page(events: Iterable[CrmEvent], cursor: str | None, more: bool) -> Page:
    """A page of events in the order they happened (the users they name are added by the
    connector)."""
    return Page(sorted(events, key=lambda e: (e.at, e.event_id)), cursor, more)


def within(moment: datetime, window_start: datetime | None) -> bool:
    return window_start is None or moment >= window_start
