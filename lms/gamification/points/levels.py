"""Levels: a person's level follows from their points; the first time they reach one, a
notice is kept until they have seen it, and the level reached is announced (LevelsReached:
a notification follows, see lms.reactions)."""

from datetime import datetime

from sqlalchemy import func, select, update

from lms import events
from lms.bulk_writes import insert_rows
from lms.database import db
from lms.gamification.models import ALL_TIME, LevelUp, PointsTally
from lms.gamification.rules import Level, level_for
from lms.value_lists import among


def record_level_ups(
    user_ids: set[int], levels: tuple[Level, ...], now: datetime, *, totals=None
) -> None:
    """Note each level (above the first) these people have reached and not reached before.
    Points taken back never take a level's notice away. `totals` (user id -> all-time
    points) saves reading the tallies when the caller has just written them.

    Every level up to the one a person's points reach is offered, and the levels they
    have a notice for already are skipped by the insert (ON CONFLICT DO NOTHING): no
    query for what they reached before."""
    if not user_ids or not levels:
        return
    if totals is None:
        totals = _all_time_points(user_ids)
    first = min(level.number for level in levels)
    rows = []
    for user_id, points in sorted(totals.items()):
        level = level_for(points, levels)
        if level is None:
            continue
        for number in range(first + 1, level.number + 1):
            rows.append({"user_id": user_id, "level": number, "reached_at": now, "seen_at": None})
    insert_rows(LevelUp.__table__, rows, ignore_duplicates=True)
    _publish_reached({row["user_id"] for row in rows}, levels, now)


def _publish_reached(user_ids: set[int], levels: tuple[Level, ...], now: datetime) -> None:
    """The highest level each of these people reached just now (their notices made `now`),
    announced in one event: one read of their few notices, by the primary key."""
    if not user_ids:
        return
    query = (
        select(LevelUp.user_id, func.max(LevelUp.level))
        .where(among(LevelUp.user_id, user_ids), LevelUp.reached_at == now)
        .group_by(LevelUp.user_id)
    )
    by_number = {level.number: level for level in levels}
    reached = tuple(
        (user_id, by_number[number])
        for user_id, number in sorted(db.session.execute(query).all())
        if number in by_number
    )
    if reached:
        events.publish(events.LevelsReached(reached=reached, now=now))


def _all_time_points(user_ids: set[int]) -> dict[int, int]:
    query = select(PointsTally.user_id, PointsTally.points).where(
        among(PointsTally.user_id, user_ids),
        PointsTally.period == "all",
        PointsTally.period_start == ALL_TIME,
    )
    return dict(db.session.execute(query).all())


def unseen_level_up(user_id: int) -> LevelUp | None:
    """The highest level reached and not yet acknowledged."""
    return db.session.scalar(
        select(LevelUp)
        .where(LevelUp.user_id == user_id, LevelUp.seen_at.is_(None))
        .order_by(LevelUp.level.desc())
        .limit(1)
    )


def dismiss_level_ups(user_id: int, now: datetime) -> None:
    db.session.execute(
        update(LevelUp)
        .where(LevelUp.user_id == user_id, LevelUp.seen_at.is_(None))
        .values(seen_at=now),
        execution_options={"synchronize_session": False},
    )
