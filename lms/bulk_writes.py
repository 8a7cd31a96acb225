"""Bulk writes in one statement each, straight to the database driver: storing statements
writes several rows per statement, and SQLAlchemy's per-row parameter processing would
cost more than the database itself.

On SQLite a write is one executemany (the driver loops in C, in process). On PostgreSQL
an executemany is still one execution per row on the server: new rows go in by COPY, and
updates and upserts send the rows as one array per column that the statement reads with
`unnest`: a single execution however many rows, and a query text that does not grow with
them (psycopg and the server parse it once)."""

from datetime import date, datetime

from sqlalchemy import Float, Table, func
from sqlalchemy.dialects import sqlite

from lms.database import db


def insert_rows(table: Table, rows: list[dict], *, ignore_duplicates: bool = False) -> None:
    """INSERT every row (all with the same keys), in their order; with ignore_duplicates,
    rows whose unique key is already there are skipped (ON CONFLICT DO NOTHING)."""
    if not rows:
        return
    connection = db.session.connection()
    columns = list(rows[0])
    conflict = " ON CONFLICT DO NOTHING" if ignore_duplicates else ""
    if connection.dialect.name == "postgresql" and not ignore_duplicates:
        _copy_rows(connection, table, columns, rows)
        return
    if connection.dialect.name == "postgresql":
        source, arrays = unnest_rows(table, rows)
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM {source}{conflict}"
        connection.exec_driver_sql(sql, arrays)
        return
    placeholders = ", ".join(f":{column}" for column in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders}){conflict}"
    connection.exec_driver_sql(sql, _for_sqlite(rows))


def _copy_rows(connection, table: Table, columns: list[str], rows: list[dict]) -> None:
    """PostgreSQL: the rows by COPY, the fastest way in for both sides: psycopg writes each
    row in C (arrays for `unnest` are built value by value in Python), and the server reads
    them without planning a query."""
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def update_rows(table: Table, rows: list[dict], *, key: str = "id") -> None:
    """UPDATE the row whose `key` each row gives, setting the row's other values (every
    row has the same keys)."""
    if not rows:
        return
    connection = db.session.connection()
    changing = [column for column in rows[0] if column != key]
    if connection.dialect.name == "postgresql":
        source, arrays = unnest_rows(table, rows, alias="given")
        settings = ", ".join(f"{column} = given.{column}" for column in changing)
        sql = (
            f"UPDATE {table.name} SET {settings} FROM {source} "
            f"WHERE {table.name}.{key} = given.{key}"
        )
        connection.exec_driver_sql(sql, arrays)
        return
    settings = ", ".join(f"{column} = :{column}" for column in changing)
    sql = f"UPDATE {table.name} SET {settings} WHERE {key} = :{key}"
    connection.exec_driver_sql(sql, _for_sqlite(rows))


def add_to_rows(
    table: Table,
    rows: list[dict],
    *,
    key: str = "id",
    added: tuple[str, ...] = (),
    latest: tuple[str, ...] = (),
) -> None:
    """UPDATE the row whose `key` each row gives: add the row's `added` columns to what is
    stored and keep the later of each `latest` column (a NULL stored counts as earlier), so
    that what another transaction wrote meanwhile is kept, not written over. On PostgreSQL
    the rows are locked in key order first: two such updates of overlapping rows wait for
    each other rather than deadlock (an UPDATE alone locks rows in the order its join
    yields them). Keys must be distinct."""
    if not rows:
        return
    connection = db.session.connection()
    name = table.name
    if connection.dialect.name == "postgresql":
        key_type = table.c[key].type.compile(dialect=connection.dialect)
        connection.exec_driver_sql(
            f"SELECT {key} FROM {name} WHERE {key} = ANY(CAST(%(keys)s AS {key_type}[])) "
            f"ORDER BY {key} FOR UPDATE",
            {"keys": sorted(row[key] for row in rows)},
        )
        source, arrays = unnest_rows(table, rows, alias="given")
        settings = [f"{c} = {name}.{c} + given.{c}" for c in added]
        settings += [f"{c} = greatest({name}.{c}, given.{c})" for c in latest]
        sql = (
            f"UPDATE {name} SET {', '.join(settings)} FROM {source} "
            f"WHERE {name}.{key} = given.{key}"
        )
        connection.exec_driver_sql(sql, arrays)
        return
    settings = [f"{c} = {c} + :{c}" for c in added]
    settings += [f"{c} = max(coalesce({c}, :{c}), :{c})" for c in latest]
    sql = f"UPDATE {name} SET {', '.join(settings)} WHERE {key} = :{key}"
    connection.exec_driver_sql(sql, _for_sqlite(rows))


def expire_held(model, ids: set) -> None:
    """Instances of `model` the session holds among these ids (rows just written past the
    ORM) are read again, as written, when next used."""
    if not ids:
        return
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, model) and instance.id in ids:
            db.session.expire(instance)


def add_rows(
    table: Table,
    rows: list[dict],
    *,
    key: tuple[str, ...],
    added: tuple[str, ...],
    latest: tuple[str, ...] = (),
    returning: tuple[str, ...] = (),
) -> list:
    """Insert each row, or, where a row with its `key` is there already, add the row's
    `added` columns to it and keep the later of each `latest` column (the other columns
    stay as first written). Rows must have distinct keys. With `returning` (column names),
    the rows as they now are."""
    if not rows:
        return []
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        source, arrays = unnest_rows(table, rows)
        updates = [f"{c} = {table.name}.{c} + excluded.{c}" for c in added]
        updates += [f"{c} = greatest({table.name}.{c}, excluded.{c})" for c in latest]
        sql = (
            f"INSERT INTO {table.name} ({', '.join(rows[0])}) SELECT * FROM {source} "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(updates)}"
        )
        if returning:
            sql += f" RETURNING {', '.join(returning)}"
        result = connection.exec_driver_sql(sql, arrays)
        return list(result) if returning else []
    if not returning:
        updates = [f"{c} = {table.name}.{c} + excluded.{c}" for c in added]
        updates += [f"{c} = max({table.name}.{c}, excluded.{c})" for c in latest]
        placeholders = ", ".join(f":{column}" for column in rows[0])
        sql = (
            f"INSERT INTO {table.name} ({', '.join(rows[0])}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(updates)}"
        )
        connection.exec_driver_sql(sql, _for_sqlite(rows))
        return []
    # sqlite3 has no executemany with RETURNING: SQLAlchemy batches the rows into
    # multi-row INSERTs for it.
    insert = sqlite.insert(table)
    updates = {c: table.c[c] + insert.excluded[c] for c in added}
    updates |= {c: func.max(table.c[c], insert.excluded[c]) for c in latest}
    statement = insert.on_conflict_do_update(
        index_elements=[table.c[c] for c in key], set_=updates
    ).returning(*(table.c[c] for c in returning))
    return list(db.session.execute(statement, rows))


def unnest_rows(table: Table, rows: list[dict], *, alias: str = "given") -> tuple[str, dict]:
    """PostgreSQL: these rows as a FROM item, `unnest(CAST(%(a)s AS type[]), …) AS
    alias(a, …)`, and its parameters, one array per column (typed as the table's column,
    so that text given for a JSON column, say, is read as JSON)."""
    columns = list(rows[0])
    dialect = db.session.connection().dialect
    arrays = ", ".join(
        f"CAST(%({column})b AS {table.c[column].type.compile(dialect=dialect)}[])"
        for column in columns
    )
    parameters = {column: _array(table.c[column], rows) for column in columns}
    return f"unnest({arrays}) AS {alias}({', '.join(columns)})", parameters


def _array(column, rows: list[dict]) -> list:
    """The column's values, sent in binary (`%b`: ten times faster to dump than text
    arrays, measured with 5,000 rows); psycopg dumps a list of one Python type only, so a
    float column's whole numbers become floats."""
    values = [row[column.name] for row in rows]
    if isinstance(column.type, Float):
        return [None if value is None else float(value) for value in values]
    return values


def _for_sqlite(rows: list[dict]) -> list[dict]:
    """Datetimes and dates as text the way SQLAlchemy's SQLite types write them, so that the
    stored text compares correctly with the values SQLAlchemy binds in queries."""
    moments = [key for key in rows[0] if isinstance(_first_value(rows, key), date)]
    if not moments:
        return rows
    texts: dict[date, str] = {}  # a batch's rows mostly share their times (stored)
    converted = []
    for row in rows:
        row = dict(row)
        for key in moments:
            value = row[key]
            if value is not None:
                text = texts.get(value)
                if text is None:
                    text = texts[value] = _as_text(value)
                row[key] = text
        converted.append(row)
    return converted


def _as_text(value: date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    return value.isoformat()


def _first_value(rows: list[dict], key: str):
    return next((row[key] for row in rows if row[key] is not None), None)
