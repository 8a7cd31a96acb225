"""A CSV export of CRM activity, for companies that cannot grant API access: every row is
checked first; one bad row means nothing is imported, and every problem is listed by row
and column. Columns: see `lms.crm.generic`."""

from dataclasses import dataclass, field
from datetime import datetime

from lms.crm import generic
from lms.crm.connections import TRAINING_NOT_STORED, stores_activity
from lms.crm.ingest import ingest
from lms.crm.models import CrmConnection
from lms.spreadsheets import RowError, read_table

MAX_ROWS = 200_000  # one upload; larger exports are split, or sent by webhook
CHUNK = 1000  # events stored per batch


@dataclass
class ActivityImport:
    read: int = 0
    stored: int = 0
    unmatched: int = 0
    problems: list[str] = field(default_factory=list)


def import_activity(connection: CrmConnection, data: bytes | str, *, now: datetime):
    """Read, check and store the file's events (flushes; the caller commits, or rolls back
    when `problems` is not empty)."""
    if not stores_activity(connection):
        return ActivityImport(problems=[TRAINING_NOT_STORED.format(name=connection.name)])
    rows = read_table(data, required=generic.COLUMNS, keep=generic.is_known_column)
    if isinstance(rows, RowError):
        return ActivityImport(problems=[str(rows)])
    if len(rows) > MAX_ROWS:
        return ActivityImport(problems=[f"file: more than {MAX_ROWS} rows; split it"])
    if not rows:
        return ActivityImport(problems=["file: no rows below the header"])
    events, users, problems = [], {}, []
    for number, row in enumerate(rows, start=2):
        read = generic.read_event(generic.row_values(row), f"row {number}")
        if isinstance(read, list):
            problems.extend(str(p) for p in read)
            continue
        event, user = read
        events.append(event)
        users[user.crm_id] = user
    if problems:
        return ActivityImport(problems=problems[:200])
    events.sort(key=lambda e: e.at)
    result = ActivityImport()
    for start in range(0, len(events), CHUNK):
        done = ingest(connection, events[start : start + CHUNK], users.values(), now=now)
        result.read += done.read
        result.stored += done.stored
        result.unmatched += done.unmatched
    return result
