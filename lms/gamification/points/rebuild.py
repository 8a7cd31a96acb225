"""`lms gamification rebuild`: run every stored statement through the engine's decisions
again, in stored order, with the state kept in memory, and compare with what is stored —
the ledger's rule and reversal entries, the tallies against sums of the ledger, the
data-quality samples and their tallies. Reads only: nothing is changed.

Once statements were archived and removed (`lms xapi prune`), the replay starts at the
horizon: the ledger's entries for statements stored before it are the record, taken as
they are into the replay's state (caps, awards once per object, cool-downs), and what is
compared is what the statements since the horizon earned."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, or_, select

from lms.database import db
from lms.gamification.models import PointsEntry, PointsTally, QualitySample, QualityTally
from lms.gamification.points.engine import Earn, Void, as_fresh_row, decide, steps_of
from lms.gamification.points.ledger import LedgerState
from lms.gamification.points.quality import quality_samples
from lms.gamification.points.tallies import QUALITY_PERIODS, periods_of
from lms.gamification.rules import Ruleset, reversal_key
from lms.xapi.models import Statement
from lms.xapi.store.retention import current_horizon

CHUNK = 2000
COMPARED = ("kind", "rule_key", "points", "earned_at", "statement_pk")
STATEMENT_COLUMNS = (
    Statement.id,
    Statement.user_id,
    Statement.client_id,
    Statement.stored,
    Statement.voided,
    Statement.document,
)


def replay_start() -> int:
    """The first statement the replay reads: the first kept at the horizon, or the first."""
    horizon = current_horizon()
    return 0 if horizon is None else horizon.first_kept_pk


def count_statements() -> int:
    """The statements a replay reads."""
    query = select(func.count(Statement.id)).where(Statement.id >= replay_start())
    return db.session.scalar(query) or 0


def rebuild(ruleset: Ruleset, *, now: datetime, progress=lambda done: None) -> list[str]:
    """Every difference between the replay and what is stored, in words; [] when none.
    `progress(n)` is told as each chunk of n statements is replayed."""
    start = replay_start()
    ledger_rows, samples = replay(ruleset, now=now, start=start, progress=progress)
    return [
        *compare_ledger(ledger_rows, start=start),
        *compare_points_tallies(),
        *compare_samples(samples, start=start),
        *compare_quality_tallies(),
    ]


def replay(ruleset: Ruleset, *, now: datetime, start: int = 0, progress=lambda done: None):
    """The ledger rows ((user, award key) -> compared values) and quality samples
    (statement pk -> (user, score, scored_at)) the statements from `start` on make. Only
    statements that end up voided keep their awards in memory: only they can be reversed."""
    watched = set(db.session.scalars(select(Statement.id).where(Statement.voided.is_(True))))
    state = LedgerState(watch=watched)
    if start:
        note_recorded(state, start)
    rows: dict[tuple[int, str], tuple] = {}
    samples: dict[int, tuple] = {}
    for chunk in _chunks(after=start - 1):
        steps = steps_of(chunk)
        for row in decide(steps, ruleset, state, now):
            rows[row["user_id"], row["award_key"]] = tuple(row[key] for key in COMPARED)
        earning = [(s.pk, s.user_id, s.facts) for s in steps if isinstance(s, Earn)]
        for sample in quality_samples(earning, ruleset.quality):
            samples[sample["statement_pk"]] = _sample(sample)
        for step in steps:
            if isinstance(step, Void):
                samples.pop(step.target_pk, None)
        progress(len(chunk))
    return rows, samples


_RECORDED = ("user_id", "kind", "rule_key", "object_id", "object_hash", "award_key", "points")


def note_recorded(state: LedgerState, start: int) -> None:
    """Take the ledger's entries for statements before `start` (and for those archived,
    which no longer name one) into the state, in ledger order, as if decided; awards
    already reversed no longer stand."""
    query = (
        select(*(getattr(PointsEntry, name) for name in _RECORDED))
        .add_columns(PointsEntry.earned_at, PointsEntry.statement_pk)
        .where(PointsEntry.kind != "manual")
        .where(or_(PointsEntry.statement_pk.is_(None), PointsEntry.statement_pk < start))
        .order_by(PointsEntry.id)
        .execution_options(yield_per=20_000)
    )
    reversed_ = set()
    for values in db.session.execute(query):
        row = dict(zip((*_RECORDED, "earned_at", "statement_pk"), values, strict=True))
        state.note(row)
        if row["kind"] == "reversal":
            reversed_.add((row["user_id"], row["award_key"]))
    for pk, awards in list(state.standing.items()):
        standing = [
            a for a in awards if (a["user_id"], reversal_key(a["award_key"])) not in reversed_
        ]
        state.standing[pk] = standing


def _chunks(after: int = 0):
    """The statements in stored order from after `after`, CHUNK at a time (keyset: no
    OFFSET scans)."""
    while True:
        query = select(*STATEMENT_COLUMNS).where(Statement.id > after).order_by(Statement.id)
        chunk = [as_fresh_row(*row) for row in db.session.execute(query.limit(CHUNK))]
        if not chunk:
            return
        yield chunk
        after = chunk[-1].pk


def _sample(sample: dict) -> tuple:
    return (sample["user_id"], sample["score"], sample["scored_at"])


def compare_ledger(expected: dict[tuple[int, str], tuple], *, start: int = 0) -> list[str]:
    """Rule and reversal entries stored for the statements from `start` on against those
    the replay made (manual ones are HR's, not the rules')."""
    expected = dict(expected)
    found = []
    query = select(PointsEntry.user_id, PointsEntry.award_key, *_columns(PointsEntry)).where(
        PointsEntry.kind != "manual"
    )
    if start:
        query = query.where(PointsEntry.statement_pk >= start)
    for user_id, key, *values in db.session.execute(query.order_by(PointsEntry.id)):
        want = expected.pop((user_id, key), None)
        if want is None:
            found.append(f"ledger: person {user_id} {key} {_show(values)} should not be there")
        elif tuple(values) != want:
            found.append(
                f"ledger: person {user_id} {key} is {_show(values)}, replay: {_show(want)}"
            )
    for (user_id, key), want in expected.items():
        found.append(f"ledger: person {user_id} {key} {_show(want)} is missing")
    return found


def _columns(model):
    return [getattr(model, name) for name in COMPARED]


def _show(values) -> str:
    return ", ".join(f"{name}={value}" for name, value in zip(COMPARED, values, strict=True))


def compare_points_tallies() -> list[str]:
    """Each week, month and all-time tally against the sum of the ledger (and its latest
    earned_at) — summed per person and day in SQL, per period here."""
    day = func.date(PointsEntry.earned_at)
    query = select(
        PointsEntry.user_id, day, func.sum(PointsEntry.points), func.max(PointsEntry.earned_at)
    ).group_by(PointsEntry.user_id, day)
    sums: dict[tuple, list] = defaultdict(lambda: [0, None])
    for user_id, on, points, latest in db.session.execute(query):
        for period, start in periods_of(_as_moment(on)):
            total = sums[user_id, period, start]
            total[0] += points
            total[1] = max(filter(None, (total[1], _as_datetime(latest))))
    stored = {
        (t.user_id, t.period, t.period_start): [t.points, t.reached_at]
        for t in db.session.scalars(select(PointsTally))
    }
    return _compare_sums("points tally", sums, stored, ("points", "reached_at"))


def compare_samples(expected: dict[int, tuple], *, start: int = 0) -> list[str]:
    """The samples of the statements from `start` on against those the replay made."""
    found = []
    query = select(
        QualitySample.statement_pk,
        QualitySample.user_id,
        QualitySample.score,
        QualitySample.scored_at,
    )
    if start:
        query = query.where(QualitySample.statement_pk >= start)
    for pk, *values in db.session.execute(query.order_by(QualitySample.statement_pk)):
        want = expected.pop(pk, None)
        if want != tuple(values):
            found.append(f"quality sample of statement {pk}: is {tuple(values)}, replay: {want}")
    for pk, want in expected.items():
        found.append(f"quality sample of statement {pk}: {want} is missing")
    return found


def compare_quality_tallies() -> list[str]:
    """Sums and counts against the samples. Not reached_at: a removed sample leaves it."""
    day = func.date(QualitySample.scored_at)
    query = select(
        QualitySample.user_id, day, func.sum(QualitySample.score), func.count()
    ).group_by(QualitySample.user_id, day)
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for user_id, on, score, count in db.session.execute(query):
        for period, start in periods_of(_as_moment(on), QUALITY_PERIODS):
            sums[user_id, period, start][0] += score
            sums[user_id, period, start][1] += count
    stored = {
        (t.user_id, t.period, t.period_start): [t.score_sum, t.samples]
        for t in db.session.scalars(select(QualityTally))
    }
    return _compare_sums("quality tally", sums, stored, ("score_sum", "samples"))


def _compare_sums(what: str, sums: dict, stored: dict, names: tuple[str, ...]) -> list[str]:
    """A stored row of zeros equals no row at all (everything in it was taken back)."""
    found = []
    for key in sorted(set(sums) | set(stored), key=str):
        want, have = sums.get(key), stored.get(key)
        if want is not None and list(want) == list(have or []):
            continue
        if want is None and all(v == 0 for v in have if not isinstance(v, datetime)):
            continue
        user_id, period, start = key
        found.append(
            f"{what}: person {user_id} {period} {start}: "
            f"is {_named(names, have)}, ledger: {_named(names, want)}"
        )
    return found


def _named(names, values) -> str:
    if values is None:
        return "none"
    return ", ".join(f"{name}={value}" for name, value in zip(names, values, strict=True))


def _as_moment(on) -> datetime:
    """SQLite answers date() as text."""
    day = on if isinstance(on, date) else date.fromisoformat(on)
    return datetime.combine(day, datetime.min.time())


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
