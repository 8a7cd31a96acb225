"""Reading statements back (xAPI 1.0.3, Communication 2.1.3, 2.1.4): one by id, or a page
of a filtered list with a stable cursor. Every filter is an indexed lookup; statements that
target a matching statement through a StatementRef match too."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lms.database import db
from lms.xapi.models import Statement, StatementActivity, StatementAgent
from lms.xapi.store.filters import StatementQuery

S = Statement.__table__
NARROW_WINDOW = 20_000  # ids; scanning this many by key beats a walk of every reference


@dataclass(frozen=True)
class StoredStatement:
    pk: int
    document: str  # JSON, exactly as stored
    stored: datetime


@dataclass(frozen=True)
class StatementPage:
    statements: list[StoredStatement]
    last_pk: int | None  # where the next page starts; None when this is the last page


def get_statement(query: StatementQuery, *, client_id: int | None) -> StoredStatement | None:
    """The statement asked for by statementId (never a voided one) or by voidedStatementId
    (only a voided one), within the client's reach (Communication 2.1.4.s1.b1)."""
    wanted_voided = query.voided_statement_id is not None
    conditions = [S.c.statement_id == query.single, S.c.voided.is_(wanted_voided)]
    if client_id is not None:
        conditions.append(S.c.client_id == client_id)
    row = db.session.execute(select(S.c.id, S.c.document, S.c.stored).where(*conditions)).first()
    return StoredStatement(*row) if row else None


def query_statements(
    query: StatementQuery, *, client_id: int | None, after: int | None = None
) -> StatementPage:
    """A page of matching statements, newest stored first unless ascending; voided
    statements are never listed. `client_id` limits the page to what that client stored
    (statements/read/mine); `after` is the last_pk of the previous page."""
    limit = query.limit
    scope = _scope(query, client_id)
    rows = _direct_matches(query, scope, after, limit + 1)
    if query.filtered:
        window = [*scope, *_reference_window(query, after, rows, limit)]
        extra = set(_referring_matches(query, window, limit + 1)) - {row.pk for row in rows}
        if extra:
            rows = sorted(
                [*rows, *_load(extra)], key=lambda row: row.pk, reverse=not query.ascending
            )
    page = rows[:limit]
    return StatementPage(page, page[-1].pk if len(rows) > limit else None)


def _reference_window(query: StatementQuery, after: int | None, rows: list, limit: int) -> list:
    """Where statements referring to a match can still make this page: past the cursor and,
    when the direct matches fill the page, before the last of them. A narrow window is
    walked by primary key; otherwise `id + 0` hides the key from the planner so that it
    starts from the (usually few) statements that make a reference at all."""
    last = rows[-1].pk if len(rows) > limit else None
    span = None
    if last is not None and query.ascending:
        span = last - (after or 0)
    elif last is not None:
        span = (after if after is not None else _newest_id()) - last
    column = S.c.id if span is not None and span <= NARROW_WINDOW else S.c.id + 0
    window = _past(query, column, after)
    if last is not None:
        window.append(column < last if query.ascending else column > last)
    return window


def _newest_id() -> int:
    return db.session.scalar(select(func.max(S.c.id))) or 0


def _scope(query: StatementQuery, client_id: int | None) -> list:
    """Conditions on the statement returned itself: not voided, stored in the time window,
    the client's own (Communication 2.1.3.s3: time and sequence apply to the statement
    making a reference, not to the statement referred to)."""
    conditions = [S.c.voided.is_(False)]
    if query.since is not None:
        conditions.append(S.c.stored > query.since)
    if query.until is not None:
        conditions.append(S.c.stored <= query.until)
    if client_id is not None:
        conditions.append(S.c.client_id == client_id)
    return conditions


def _past(query: StatementQuery, column, cursor: int | None) -> list:
    """Rows after the cursor in the page order."""
    if cursor is None:
        return []
    return [column > cursor if query.ascending else column < cursor]


def _matches(query: StatementQuery, table, *, driven_by: str | None = None) -> list:
    """The filters other than time and sequence, on a statements table or alias; the one
    a join already applies (`driven_by`) is left out. The plain activity filter compares
    the column: on a statement already found (a referenced target, or one an agent's
    mentions led to) that is a check of the row, not a lookup."""
    conditions = []
    if query.verb is not None:
        conditions.append(table.c.verb_id == query.verb)
    if query.registration is not None:
        conditions.append(table.c.registration == query.registration)
    if query.activity is not None and driven_by != "activity":
        if query.related_activities:
            conditions.append(table.c.id.in_(select(_activity_mentions(query).c.statement_pk)))
        else:
            conditions.append(table.c.activity_id == query.activity)
    if query.agent is not None and driven_by != "agent":
        conditions.append(table.c.id.in_(select(_agent_mentions(query).c.statement_pk)))
    return conditions


def _agent_mentions(query: StatementQuery):
    """Rows of statement_agents matching the agent filter."""
    mentions = select(StatementAgent.statement_pk).where(StatementAgent.agent_key == query.agent)
    if not query.related_agents:
        mentions = mentions.where(StatementAgent.core.is_(True))
    return mentions.subquery()


def _activity_mentions(query: StatementQuery):
    return (
        select(StatementActivity.statement_pk)
        .where(StatementActivity.activity_id == query.activity)
        .subquery()
    )


def _order(query: StatementQuery, column):
    return column.asc() if query.ascending else column.desc()


def _direct_matches(
    query: StatementQuery, scope: list, after: int | None, limit: int
) -> list[StoredStatement]:
    statement = direct_statement(query, scope, after, limit)
    return [StoredStatement(*row) for row in db.session.execute(statement)]


def direct_statement(query: StatementQuery, scope: list, after: int | None, limit: int):
    """The query for statements matching the filters themselves. It walks one index in id
    order and stops at the limit: the agent's mentions when filtering by agent, else the
    activity's when filtering by activity (the core ones unless related_activities), else
    the statements' own (verb, id) or (registration, id) index."""
    statement = select(S.c.id, S.c.document, S.c.stored)
    driver = _driver(query)
    order_column = S.c.id
    if driver is not None:
        mentions, conditions = driver
        statement = statement.join(mentions, mentions.c.statement_pk == S.c.id).where(*conditions)
        order_column = mentions.c.statement_pk
    return (
        statement.where(*scope, *_past(query, order_column, after))
        .where(*_matches(query, S, driven_by=_driver_name(query)))
        .order_by(_order(query, order_column))
        .limit(limit)
    )


def _driver_name(query: StatementQuery) -> str | None:
    if query.agent is not None:
        return "agent"
    if query.activity is not None:
        return "activity"
    return None


def _driver(query: StatementQuery):
    """(mentions table, conditions) to drive the walk from, or None."""
    name = _driver_name(query)
    if name == "agent":
        mentions = StatementAgent.__table__
        conditions = [mentions.c.agent_key == query.agent]
        if not query.related_agents:
            conditions.append(mentions.c.core.is_(True))
        return mentions, conditions
    if name == "activity":
        mentions = StatementActivity.__table__
        conditions = [mentions.c.activity_id == query.activity]
        if not query.related_activities:
            conditions.append(mentions.c.core.is_(True))
        return mentions, conditions
    return None


def _referring_matches(query: StatementQuery, scope: list, limit: int) -> list[int]:
    """Statements whose StatementRef object targets, directly or through a chain of
    references, a statement matching the filters (Communication 2.1.3.s3)."""
    target = S.alias("target")
    chain = (
        select(S.c.id.label("origin"), S.c.target_statement_id.label("target_id"))
        # "> ''" rather than IS NOT NULL: a range the target index can serve on SQLite too.
        .where(*scope, S.c.target_statement_id > "")
        .cte("chain", recursive=True)
    )
    step = S.alias("step")
    chain = chain.union(
        select(chain.c.origin, step.c.target_statement_id)
        .join(step, step.c.statement_id == chain.c.target_id)
        .where(step.c.target_statement_id.is_not(None))
    )
    # Each link's target is looked up by its id and checked: the chain is short, the
    # statements matching the filters may be millions. (A scalar subquery, not EXISTS or a
    # join, which PostgreSQL may turn around to start from the matching statements.)
    matching_target = (
        select(target.c.id)
        .where(target.c.statement_id == chain.c.target_id, *_matches(query, target))
        .scalar_subquery()
    )
    statement = (
        select(chain.c.origin)
        .where(matching_target.is_not(None))
        .distinct()
        .order_by(_order(query, chain.c.origin))
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def _load(pks: set[int]) -> list[StoredStatement]:
    rows = db.session.execute(select(S.c.id, S.c.document, S.c.stored).where(S.c.id.in_(pks)))
    return [StoredStatement(*row) for row in rows]
