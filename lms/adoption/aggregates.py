"""Weekly per-person counts of CRM use, kept in step with the statement store: added to in
the transaction that stores the statements (lms.reactions.react), taken back when one is
voided, added for earlier statements when their person becomes known, and rebuilt from the
statements by `lms adoption rebuild` (from the retention horizon on, once statements were
archived: `lms xapi prune`)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, select

from lms.adoption import rules as r
from lms.adoption.content import current_adoption
from lms.adoption.filing import file_people
from lms.adoption.models import AdoptionPerson, AdoptionWeek
from lms.bulk_writes import add_rows
from lms.database import db
from lms.value_lists import among
from lms.xapi.models import Statement
from lms.xapi.store.retention import current_horizon
from lms.xapi.validation.formats import counted_at, parse_timestamp
from lms.xapi.vocabulary import VERB_VOIDED

COUNTED = ("inputs", "outputs", "reports")
# What a statement's count is worked out from: its indexed columns, never its document.
_COUNTED_FROM = (
    Statement.user_id,
    Statement.verb_id,
    Statement.activity_id,
    Statement.timestamp,
    Statement.stored,
)
Counts = dict[tuple[int, object], list[int]]  # (user_id, week) -> [inputs, outputs, reports]


def apply(fresh, classes=None) -> None:
    """Count newly stored statements (FreshStatement): CRM use by a known person adds to
    their week; a voiding statement takes its target's count back."""
    classes = current_adoption().classes if classes is None else classes
    sums: Counts = defaultdict(lambda: [0, 0, 0])
    voided_ids = []
    for s in fresh:
        verb = s.document["verb"]["id"]
        if verb == VERB_VOIDED:
            voided_ids.append(s.document["object"]["id"].lower())
        elif s.client_id is not None and s.user_id is not None and not s.voided:
            when = counted_at(parse_timestamp(s.document["timestamp"]) or s.stored, s.stored)
            _add(sums, s.user_id, when, r.classify(verb, _activity(s.document), classes), 1)
    # A target stored in this same batch arrived voided and was never counted.
    batch = {s.document["id"] for s in fresh}
    voided_ids = {statement_id for statement_id in voided_ids if statement_id not in batch}
    voided_ids -= _voided_before(voided_ids, [s.pk for s in fresh])
    if voided_ids:
        _take_back(sums, sorted(voided_ids), classes)
    write(sums)


def _voided_before(statement_ids: set[str], batch_pks: list[int]) -> set[str]:
    """Targets an earlier voiding statement already took back (a second voiding of the same
    statement is stored, but takes nothing back twice)."""
    if not statement_ids:
        return set()
    query = select(Statement.target_statement_id).where(
        among(Statement.target_statement_id, statement_ids),
        Statement.is_voiding.is_(True),
        Statement.id.not_in(batch_pks),
    )
    return set(db.session.scalars(query))


def _activity(document: dict) -> str | None:
    target = document["object"]
    return target.get("id") if target.get("objectType", "Activity") == "Activity" else None


def _add(sums: Counts, user_id: int, when, kind: str | None, sign: int) -> None:
    if kind is None:
        return
    total = sums[user_id, r.week_of(when)]
    for index, count in enumerate(r.counts_of(kind)):
        total[index] += sign * count


def _take_back(sums: Counts, statement_ids: list[str], classes) -> None:
    """Voided targets that were counted (CRM statements of a known person) leave their week."""
    query = select(*_COUNTED_FROM).where(
        among(Statement.statement_id, statement_ids),
        Statement.client_id.is_not(None),
        Statement.user_id.is_not(None),
    )
    for user_id, verb, activity, timestamp, stored in db.session.execute(query):
        kind = r.classify(verb, activity, classes)
        _add(sums, user_id, counted_at(timestamp, stored), kind, -1)


def apply_to_linked(people: Iterable) -> None:
    """Statements stored before these people were known count now."""
    ids = [person.id for person in people]
    if ids:
        write(count_statements(among(Statement.user_id, ids)))


def count_statements(*conditions, classes=None) -> Counts:
    """The counts the statements matching `conditions` make, from their indexed columns."""
    classes = current_adoption().classes if classes is None else classes
    verbs = sorted({c.verb for c in classes})
    query = select(*_COUNTED_FROM).where(
        Statement.client_id.is_not(None),
        Statement.user_id.is_not(None),
        Statement.voided.is_(False),
        Statement.is_voiding.is_(False),
        among(Statement.verb_id, verbs),
        *conditions,
    )
    sums: Counts = defaultdict(lambda: [0, 0, 0])
    rows = db.session.execute(query.execution_options(yield_per=20_000))
    for user_id, verb, activity, timestamp, stored in rows:
        kind = r.classify(verb, activity, classes)
        _add(sums, user_id, counted_at(timestamp, stored), kind, 1)
    return sums


def write(sums: Counts) -> None:
    """Add the counts to the weeks (an upsert, in sorted order so concurrent transactions
    lock rows in the same order), filed under each person's division now."""
    counted = sorted((key, c) for key, c in sums.items() if any(c))
    if not counted:
        return
    divisions = file_people(user_id for (user_id, _week), _c in counted)
    values = [
        {
            "user_id": u,
            "week_start": w,
            "inputs": c[0],
            "outputs": c[1],
            "reports": c[2],
            "division_id": divisions.get(u),
        }
        for (u, w), c in counted
    ]
    for start in range(0, len(values), 5_000):
        add_rows(
            AdoptionWeek.__table__,
            values[start : start + 5_000],
            key=("user_id", "week_start"),
            added=COUNTED,
        )


def rebuild() -> list[str]:
    """Recompute the weeks from the statements; return the differences found between what
    was kept and what the statements say (none, when everything was kept in step). After
    `lms xapi prune`, only the weeks from the first Monday on or after the horizon: the
    statements of earlier weeks are archived, and their counts are the record."""
    horizon = current_horizon()
    first_week = None if horizon is None else r.week_of(horizon.before + timedelta(days=6))
    since = () if horizon is None else (Statement.stored >= horizon.before,)
    expected = {
        key: tuple(c)
        for key, c in count_statements(*since).items()
        if any(c) and (first_week is None or key[1] >= first_week)
    }
    weeks = select(AdoptionWeek.__table__)
    if first_week is not None:
        weeks = weeks.where(AdoptionWeek.week_start >= first_week)
    kept = {
        (row.user_id, row.week_start): (row.inputs, row.outputs, row.reports)
        for row in db.session.execute(weeks)
        if row.inputs or row.outputs or row.reports
    }
    differences = [
        f"person {user_id}, week of {week}: kept {kept.get((user_id, week))},"
        f" statements say {expected.get((user_id, week))}"
        for user_id, week in sorted(set(expected) | set(kept))
        if kept.get((user_id, week)) != expected.get((user_id, week))
    ]
    if first_week is None:
        db.session.execute(delete(AdoptionWeek))
        db.session.execute(delete(AdoptionPerson))
    else:
        db.session.execute(delete(AdoptionWeek).where(AdoptionWeek.week_start >= first_week))
    write({key: list(c) for key, c in expected.items()})
    return differences
