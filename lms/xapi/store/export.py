"""Exporting stored statements as NDJSON: one statement per line, in stored order."""

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from lms.database import db
from lms.xapi.models import Statement

CHUNK_SIZE = 1000


def iter_ndjson_chunks(
    *, since: datetime | None = None, until: datetime | None = None, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """Blocks of NDJSON lines, `chunk_size` statements at a time, never the whole store in
    memory. `since` is exclusive and `until` inclusive, as in the statements query API; the
    integer primary key is the order statements were stored in, so it orders the export and
    each chunk starts after the last key of the one before."""
    query = select(Statement.id, Statement.document).order_by(Statement.id).limit(chunk_size)
    if since is not None:
        query = query.where(Statement.stored > since)
    if until is not None:
        query = query.where(Statement.stored <= until)
    last = None
    while True:
        page = query if last is None else query.where(Statement.id > last)
        rows = db.session.execute(page).all()
        if not rows:
            return
        yield "".join(ndjson_line(row.document) for row in rows)
        last = rows[-1].id


def ndjson_line(document: str) -> str:
    """The stored JSON as it is. A raw CR or LF in JSON text can only be whitespace between
    tokens (inside strings they are escaped), so turning them into spaces keeps the
    statement intact and on one line. (Not str.splitlines: it also splits on U+2028, which
    may stand raw inside a string.)"""
    return document.replace("\r", " ").replace("\n", " ") + "\n"
