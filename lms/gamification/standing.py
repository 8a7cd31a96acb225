"""A person's standing as My plan shows it: points, level and the way to the next one,
badges, rewards granted, and a level reached that they have not seen yet. A fixed number
of queries, whatever they have earned."""

from dataclasses import dataclass

from sqlalchemy import select

from lms.database import db
from lms.gamification.badges.rules import BadgeSpec
from lms.gamification.models import BadgeAward, LevelUp, RewardGrant
from lms.gamification.points.ledger import total_points
from lms.gamification.points.levels import unseen_level_up
from lms.gamification.rules import Level, Ruleset, level_for, next_level


@dataclass(frozen=True)
class EarnedBadge:
    award: BadgeAward
    badge: BadgeSpec | None  # None when the badge has since left content


@dataclass(frozen=True)
class Standing:
    points: int
    level: Level | None
    next_level: Level | None
    next_level_pct: int  # of the way from this level's threshold to the next one's
    badges: list[EarnedBadge]
    rewards: list[RewardGrant]
    level_up: LevelUp | None
    level_up_title: str


def get_standing(person, ruleset: Ruleset) -> Standing:
    points = total_points(person.id)
    level, upcoming = level_for(points, ruleset.levels), next_level(points, ruleset.levels)
    notice = unseen_level_up(person.id)
    titles = {known.number: known.title for known in ruleset.levels}
    return Standing(
        points=points,
        level=level,
        next_level=upcoming,
        next_level_pct=_progress(points, level, upcoming),
        badges=_badges(person.id, ruleset),
        rewards=list(
            db.session.scalars(
                select(RewardGrant)
                .where(RewardGrant.user_id == person.id)
                .order_by(RewardGrant.granted_at.desc())
            )
        ),
        level_up=notice,
        level_up_title=titles.get(notice.level, "") if notice else "",
    )


def _progress(points: int, level: Level | None, upcoming: Level | None) -> int:
    """Share of the way from the current level's threshold to the next; 100 at the top."""
    if upcoming is None:
        return 100
    floor = level.threshold if level else 0
    return max(0, min(100, (points - floor) * 100 // max(1, upcoming.threshold - floor)))


def _badges(user_id: int, ruleset: Ruleset) -> list[EarnedBadge]:
    """Badges held (not revoked), newest first."""
    specs = {badge.key: badge for badge in ruleset.badges}
    awards = db.session.scalars(
        select(BadgeAward)
        .where(BadgeAward.user_id == user_id, BadgeAward.revoked_at.is_(None))
        .order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())
    )
    return [EarnedBadge(award, specs.get(award.badge_key)) for award in awards]
