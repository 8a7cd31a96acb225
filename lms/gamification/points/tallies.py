"""Per-person, per-period sums of the ledger and of data-quality samples, added to in the
same statement as the rows they sum (an upsert), so they are never stale. Rows are sorted
before the upsert so concurrent transactions lock tallies in the same order (no deadlock
on PostgreSQL)."""

from collections import defaultdict

from lms.bulk_writes import add_rows
from lms.gamification.models import ALL_TIME, PointsTally, QualityTally
from lms.gamification.rules import month_start, week_start

POINTS_PERIODS = ("week", "month", "all")
QUALITY_PERIODS = ("week", "month")


def periods_of(moment, periods=POINTS_PERIODS):
    """(period, period_start) for each period a moment falls in."""
    starts = {"week": week_start(moment.date()), "month": month_start(moment.date())}
    return [(period, starts.get(period, ALL_TIME)) for period in periods]


def add_to_tallies(rows: list[dict]) -> dict[int, int]:
    """Add ledger rows (user_id, points, earned_at) to the week, month and all-time tallies;
    return each person's all-time points after the addition (the upsert's own answer, so
    levels need no query of their own)."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, None])
    for row in rows:
        for period, start in periods_of(row["earned_at"]):
            total = sums[row["user_id"], period, start]
            total[0] += row["points"]
            total[1] = max(filter(None, (total[1], row["earned_at"])))
    values = [
        {"user_id": u, "period": p, "period_start": s, "points": t[0], "reached_at": t[1]}
        for (u, p, s), t in sorted(sums.items())
    ]
    table = PointsTally.__table__
    returned = _upsert(PointsTally, values, added=("points",), returning=table.c)
    return {row.user_id: row.points for row in returned if row.period == "all"}


def add_to_quality_tallies(samples: list[dict], sign: int = 1) -> None:
    """Add (or with sign -1, take away) samples (user_id, score, scored_at)."""
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0, None])
    for sample in samples:
        for period, start in periods_of(sample["scored_at"], QUALITY_PERIODS):
            total = sums[sample["user_id"], period, start]
            total[0] += sign * sample["score"]
            total[1] += sign
            total[2] = max(filter(None, (total[2], sample["scored_at"])))
    values = [
        {
            "user_id": u,
            "period": p,
            "period_start": s,
            "score_sum": t[0],
            "samples": t[1],
            "reached_at": t[2],
        }
        for (u, p, s), t in sorted(sums.items())
    ]
    _upsert(QualityTally, values, added=("score_sum", "samples"))


def _upsert(model, values: list[dict], *, added: tuple[str, ...], returning=None) -> list:
    """Insert each row, or add its `added` columns to the row already there; reached_at
    becomes the later of the two. With `returning` (columns), the rows as they now are."""
    names = tuple(column.name for column in returning) if returning is not None else ()
    return add_rows(
        model.__table__,
        values,
        key=("user_id", "period", "period_start"),
        added=added,
        latest=("reached_at",),
        returning=names,
    )
