"""Bulk inserts as one executemany straight to the database driver: storing statements
writes several rows per statement, and SQLAlchemy's per-row parameter processing would
cost more than the database itself."""

from datetime import datetime

from sqlalchemy import Table

from lms.database import db


def insert_rows(table: Table, rows: list[dict], *, ignore_duplicates: bool = False) -> None:
    """INSERT every row (all with the same keys); with ignore_duplicates, rows whose unique
    key is already there are skipped (ON CONFLICT DO NOTHING, on SQLite and PostgreSQL)."""
    if not rows:
        return
    connection = db.session.connection()
    columns = list(rows[0])
    if connection.dialect.name == "postgresql":
        placeholders = [f"%({column})s" for column in columns]
    else:
        placeholders = [f":{column}" for column in columns]
        rows = _for_sqlite(rows)
    conflict = " ON CONFLICT DO NOTHING" if ignore_duplicates else ""
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join(placeholders)}){conflict}"
    )
    connection.exec_driver_sql(sql, rows)


def _for_sqlite(rows: list[dict]) -> list[dict]:
    """Datetimes as text the way SQLAlchemy's SQLite DateTime type writes them, so that the
    stored text compares correctly with the values SQLAlchemy binds in queries."""
    stamps = [key for key, value in rows[0].items() if isinstance(value, datetime)]
    if not stamps:
        return rows
    texts: dict[datetime, str] = {}  # a batch's rows mostly share their times (stored)
    converted = []
    for row in rows:
        row = dict(row)
        for key in stamps:
            value = row[key]
            if value is not None:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = value.isoformat(sep=" ", timespec="microseconds")
                row[key] = text
        converted.append(row)
    return converted
