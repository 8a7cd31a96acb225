"""Every query a piece of work runs, and the database's plan for each: which of them would
read the whole of a table that grows with use, on SQLite or PostgreSQL.

A test's tables hold a handful of rows, where reading all of them is the cheapest plan and
both planners rightly choose it. So the question asked is not "what does the planner do
here" but "can an index serve this query": on PostgreSQL the plans are made with sequential
scans priced out (`enable_seqscan = off`), which leaves a whole-table read only where no
index can serve; SQLite's planner already prefers any usable index on tables it has no
statistics for.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, text

from lms.database import db

# Tables that grow with use, by a row per statement, award, week or event: a query must reach
# their rows through an index. Reference tables (courses, divisions, clients, settings), the
# people, and what a person holds at most once (a badge, a level) are read whole where a page
# lists or counts them.
GROWING_TABLES = frozenset(
    {
        "statements",
        "statement_agents",
        "statement_activities",
        "statement_attachments",
        "xapi_outbox",
        "xapi_documents",
        "points_entries",
        "points_tallies",
        "quality_samples",
        "quality_tallies",
        "adoption_weeks",
        "adoption_signals",
        "crm_records",
        "crm_duplicate_keys",
        "crm_webhook_deliveries",
        "audit_entries",
        "notifications",
        "mail_deliveries",
        "lesson_progress",
        "quiz_attempts",
    }
)
# Indexes a query may walk whole: partial ones that hold only the rows it asks for, which
# are few beside their table.
WHOLE_WALKS_ALLOWED = {
    # Statements that refer to another (StatementRef objects, voiding statements): every
    # chain of references is followed to find those whose target matches a filter
    # (xAPI Communication 2.1.3.s3).
    "ix_statements_target_statement_id",
    # HR's manual points entries, each made by hand: the incentives audit lists them all.
    "ix_points_entries_manual_recorded",
}
# Plan steps that read all their input before the first row comes out: a LIMIT above them
# does not bound what the scan below reads.
READ_WHOLE = ("Sort", "Aggregate", "Hash", "Materialize", "Incremental Sort", "Gather Merge")
# On PostgreSQL: whole-table reads, and joins that read one side whole (a merge join walks an
# index end to end; a hash join reads its inner side), so that a plan remains only where
# no index can serve. A join's lookups by index (nested loop) are what scale.
PRICED_OUT = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
EXPLAINED = re.compile(r"^\s*(SELECT|WITH|UPDATE|DELETE|INSERT)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FullScan:
    table: str
    how: str
    sql: str

    def __str__(self) -> str:
        return f"{self.how} of {self.table} in:\n    {' '.join(self.sql.split())[:600]}"


@contextmanager
def queries_run() -> Iterator[list[tuple[str, object]]]:
    """The SQL text and parameters of every statement executed meanwhile, in order."""
    engine = db.engine.engine  # the Engine, also when the tests bind a Connection
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, executemany):
        if EXPLAINED.match(statement):
            many = executemany and isinstance(parameters[0], tuple | list | dict)
            seen.append((statement, parameters[0] if many else parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def plan_text(query, *, ordered: bool = False) -> str:
    """The database's plan for a SQLAlchemy query, as one line of text. On PostgreSQL with
    sequential and bitmap scans priced out (and sorts, when `ordered`: can an index give the
    order?), since on a test's few rows they are cheapest: the question is which index can
    serve the query, as it must at a million rows."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        for setting in ("enable_seqscan", "enable_bitmapscan", *(("enable_sort",) * ordered)):
            db.session.execute(text(f"SET LOCAL {setting} = off"))
    compiled = query.compile(bind, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if bind.dialect.name == "sqlite" else "EXPLAIN "
    return " ".join(str(row) for row in db.session.execute(text(prefix + str(compiled))))


def plan_of_recorded(queries: list[tuple[str, object]], containing: str) -> str:
    """The plan, as text, of the recorded query whose SQL contains `containing`, with the
    parameters it ran with (on PostgreSQL as `plan_text` makes it)."""
    [(sql, parameters)] = {sql: (sql, p) for sql, p in queries if containing in sql}.values()
    connection = db.session.connection()
    cursor = connection.connection.cursor()
    if connection.dialect.name == "postgresql":
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, parameters)
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, parameters)
    plan = " ".join(str(row) for row in cursor.fetchall())
    cursor.close()
    return plan


def full_scans(queries: list[tuple[str, object]]) -> list[FullScan]:
    """The whole-table reads of growing tables in the plans of these queries, each distinct
    query looked at once."""
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    cursor = connection.connection.cursor()  # the driver's: parameters as they were sent
    if postgresql:
        for plan_kind in PRICED_OUT:
            cursor.execute(f"SET LOCAL {plan_kind} = off")
    found, looked_at = [], set()
    for sql, parameters in queries:
        if sql in looked_at:
            continue
        looked_at.add(sql)
        if postgresql:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, parameters)
            [plan] = cursor.fetchone()
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found += _postgresql_scans(plan[0]["Plan"], sql, _LeadingColumns(cursor))
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, parameters)
            found += _sqlite_scans([row[3] for row in cursor.fetchall()], sql)
    if postgresql:
        for plan_kind in PRICED_OUT:
            cursor.execute(f"SET LOCAL {plan_kind} = on")
    cursor.close()
    return found


def _bitmap_probes(node: dict) -> list[dict]:
    probes = []
    for child in node.get("Plans", ()):
        if child["Node Type"] == "Bitmap Index Scan":
            probes.append(child)
        elif child["Node Type"] in ("BitmapAnd", "BitmapOr"):
            probes += _bitmap_probes(child)
    return probes


class _LeadingColumns(dict):
    """An index's first column, looked up in the catalogue once."""

    def __init__(self, cursor):
        super().__init__()
        self.cursor = cursor

    def __missing__(self, index: str) -> str:
        self.cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
            " WHERE c.relname = %s",
            (index,),
        )
        self[index] = self.cursor.fetchone()[0]
        return self[index]


def _postgresql_scans(node: dict, sql: str, leading: _LeadingColumns, bounded=False) -> list:
    """A sequential scan of a growing table; or an index scan of one whose condition does
    not hold the index's first column (PostgreSQL then walks the whole index, testing each
    entry), unless a LIMIT stops the walk early (the LRS walks an index newest first)."""
    table, kind = node.get("Relation Name"), node["Node Type"]
    found = []
    if table in GROWING_TABLES and kind == "Seq Scan":
        found.append(FullScan(table, "a sequential scan", sql))
    elif table in GROWING_TABLES and not bounded:
        # An index scan names its table; a bitmap's index scans sit below the heap scan.
        probes = [node] if "Index Name" in node else _bitmap_probes(node)
        for probe in probes:
            first = leading[probe["Index Name"]]
            # "(user_id = 3)", "((statement_id)::text = ANY (...))", "(stored > ...)"
            condition = probe.get("Index Cond", "")
            if probe["Index Name"] in WHOLE_WALKS_ALLOWED:
                continue
            if not re.search(rf"\b{first}\b\S* (=|<|>|IS\b)", condition):
                found.append(FullScan(table, f"a whole walk of {probe['Index Name']}", sql))
    if kind == "Limit":
        bounded = True
    elif kind in READ_WHOLE:
        bounded = False
    for child in node.get("Plans", ()):
        found += _postgresql_scans(child, sql, leading, bounded)
    return found


def _sqlite_scans(details: list[str], sql: str) -> list[FullScan]:
    """SQLite's `SCAN t` reads all of t (through an index when it says USING, else in rowid
    order): fine under a LIMIT that nothing sorts first, a whole-table read otherwise."""
    aliases = {alias: table for table, alias in re.findall(r"\b(\w+) AS (\w+)\b", sql)}
    limited = re.search(r"\bLIMIT\b", sql, re.IGNORECASE) and not any(
        "TEMP B-TREE" in detail for detail in details
    )
    found = []
    for detail in details:
        scanned = re.match(r"SCAN (\w+)", detail)
        if not scanned:
            continue
        table = aliases.get(scanned[1], scanned[1])
        if table in GROWING_TABLES and not limited:
            found.append(FullScan(table, f"'{detail}'", sql))
    return found
