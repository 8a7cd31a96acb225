"""Conditions on many values at once (`column IN (…)`), written so that both databases
look each value up by index.

On PostgreSQL the values go as one array parameter (`= ANY(%(values)s)`, or a join on
`unnest` for pairs): the query's text is then the same whatever the number of values, so
SQLAlchemy renders no placeholder per value and psycopg and the server parse and plan it
once, where a list of a new length is a new query each time (measured: a tenth of the
CRM sync's time went to rendering and parsing IN lists). SQLite gets the plain IN list."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, any_, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY

from lms.database import db


def among(column, values: Iterable) -> ColumnElement[bool]:
    """`column IN values`."""
    values = list(values)
    if not _on_postgresql():
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def among_pairs(first, second, pairs: Iterable[tuple]) -> ColumnElement[bool]:
    """`(first, second) IN pairs`."""
    pairs = list(pairs)
    if not _on_postgresql():
        return tuple_(first, second).in_(pairs)
    given = (
        func.unnest(
            bindparam(None, [a for a, _ in pairs], type_=ARRAY(first.type)),
            bindparam(None, [b for _, b in pairs], type_=ARRAY(second.type)),
        )
        .table_valued("first", "second")
        .render_derived()
    )
    return tuple_(first, second).in_(select(given.c.first, given.c.second))


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
