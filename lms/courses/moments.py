"""What a quiz attempt earned, for its result page: points, badges and a level. Read-only
use of the gamification records; four queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.courses.models import QuizAttempt
from lms.database import db
from lms.gamification.badges.rules import BadgeSpec
from lms.gamification.models import BadgeAward, LevelUp, PointsEntry
from lms.gamification.rules import Level, Ruleset
from lms.xapi.models import Statement


@dataclass(frozen=True)
class Earned:
    points: int
    badges: list[BadgeSpec]
    level: Level | None  # the highest level first reached by it

    @property
    def is_anything(self) -> bool:
        return bool(self.points or self.badges or self.level)


def _same_millisecond(moment: datetime) -> tuple[datetime, datetime]:
    """A statement's timestamp keeps milliseconds (recording.parts.iso_timestamp)."""
    start = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    return start, start + timedelta(milliseconds=1)


def earned_by(attempt: QuizAttempt, ruleset: Ruleset) -> Earned:
    """What submitting the attempt earned. Points: the ledger rows of the attempt's
    statements — those of its enrolment (its registration) timestamped when it was
    submitted: attempted, answered, passed or failed, and the course's completed. Badges
    and levels: those awarded to the learner at that very moment (the rules engine runs in
    the submitting transaction with its time), so a badge for the onboarding this pass
    completed counts too. Revoked badges, and badges since gone from content, are left out."""
    enrollment, at = attempt.enrollment, attempt.submitted_at
    start, end = _same_millisecond(at)
    statements = select(Statement.id).where(
        Statement.registration == enrollment.registration,
        Statement.user_id == enrollment.user_id,
        Statement.timestamp >= start,
        Statement.timestamp < end,
    )
    points = db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == enrollment.user_id, PointsEntry.statement_pk.in_(statements)
        )
    )
    keys = db.session.scalars(
        select(BadgeAward.badge_key)
        .where(
            BadgeAward.user_id == enrollment.user_id,
            BadgeAward.awarded_at == at,
            BadgeAward.revoked_at.is_(None),
        )
        .order_by(BadgeAward.id)
    )
    specs = {badge.key: badge for badge in ruleset.badges}
    reached = db.session.scalar(
        select(func.max(LevelUp.level)).where(
            LevelUp.user_id == enrollment.user_id, LevelUp.reached_at == at
        )
    )
    levels = {level.number: level for level in ruleset.levels}
    return Earned(
        points=int(points or 0),
        badges=[specs[key] for key in keys if key in specs],
        level=levels.get(reached) if reached is not None else None,
    )
