"""Conditions on many values at once (`column IN (…)`), written so that both databases
look each value up by index, and so that a query's text is the same whatever the number of
values: SQLAlchemy then renders no placeholder per value, and the driver and the server
parse and plan it once, where a list of a new length is a new query each time (measured: a
tenth of the CRM sync's time went to rendering and parsing IN lists, and a batch's pairs as
SQLite VALUES cost more to build than to look up).

On PostgreSQL the values go as one array parameter (`= ANY(%(values)s)`, or a join on
`unnest` for pairs); on SQLite as one JSON text read by `json_each` (integers and strings;
other values, such as dates, get the plain IN list)."""

import json
from collections.abc import Iterable

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from lms.database import db


def among(column, values: Iterable) -> ColumnElement[bool]:
    """`column IN values`."""
    values = list(values)
    if _on_postgresql():
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    if not all(type(value) in (int, str) for value in values):
        return column.in_(values)
    listed = func.json_each(bindparam(None, json.dumps(values), type_=String)).table_valued("value")
    return column.in_(select(listed.c.value))


def with_pairs(query: Select, first, second, pairs: Iterable[tuple]) -> Select:
    """The query, kept to the rows of `first`'s table whose (first, second) is one of the
    pairs: joined to the pairs, so that each is looked up by an index on (first, second).
    (A row-value IN list is a scan of the whole table on SQLite: measured, a tenth of a
    second per batch at 250,000 ledger rows, growing with them.) The pairs are integers
    and strings."""
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
    listed = func.json_each(bindparam(None, json.dumps(list(pairs)), type_=String)).table_valued(
        "value"
    )
    return select(
        func.json_extract(listed.c.value, "$[0]").label("first"),
        func.json_extract(listed.c.value, "$[1]").label("second"),
    ).subquery("given")


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
