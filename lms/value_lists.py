"""Conditions on many values at once (`column IN (…)`), written so that both databases
look each value up by index.

On PostgreSQL the values go as one array parameter (`= ANY(%(values)s)`, or a join on
`unnest` for pairs): the query's text is then the same whatever the number of values, so
SQLAlchemy renders no placeholder per value and psycopg and the server parse and plan it
once, where a list of a new length is a new query each time (measured: a tenth of the
CRM sync's time went to rendering and parsing IN lists). SQLite gets the plain IN list,
and pairs as a joined VALUES list."""

from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    column,
    func,
    null,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from lms.database import db


def among(column, values: Iterable) -> ColumnElement[bool]:
    """`column IN values`."""
    values = list(values)
    if not _on_postgresql():
        return column.in_(values)
    return column == any_(bindparam(None, values, type_=ARRAY(column.type)))


def with_pairs(query: Select, first, second, pairs: Iterable[tuple]) -> Select:
    """The query, kept to the rows of `first`'s table whose (first, second) is one of the
    pairs: joined to the pairs, so that each is looked up by an index on (first, second).
    (A row-value IN list is a scan of the whole table on SQLite: measured, a tenth of a
    second per batch at 250,000 ledger rows, growing with them.)"""
    given = _pairs_table(first, second, set(pairs))
    return query.select_from(given).join(
        first.table, and_(first == given.c.first, second == given.c.second)
    )


def _pairs_table(first, second, pairs: set[tuple]):
    """The pairs as a table of two columns, `first` and `second`."""
    if _on_postgresql():
        return (
            func.unnest(
                bindparam(None, [a for a, _ in pairs], type_=ARRAY(first.type)),
                bindparam(None, [b for _, b in pairs], type_=ARRAY(second.type)),
            )
            .table_valued("first", "second")
            .render_derived(name="given")
        )
    if not pairs:  # VALUES needs a row: one no row of the table can match
        return select(null().label("first"), null().label("second")).subquery("given")
    rows = ", ".join(f"(:first_{n}, :second_{n})" for n in range(len(pairs)))
    values = {}
    for n, (a, b) in enumerate(pairs):
        values[f"first_{n}"], values[f"second_{n}"] = a, b
    return (
        text(f"SELECT column1 AS first, column2 AS second FROM (VALUES {rows})")
        .bindparams(**values)
        .columns(column("first", first.type), column("second", second.type))
        .subquery("given")
    )


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
