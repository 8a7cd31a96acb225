"""What HR audits on the incentive pages: manual points entries (who, by whom, why) and
badge revocations, newest first."""

from sqlalchemy import select

from lms.auth.models import User
from lms.database import db
from lms.gamification.models import BadgeAward, PointsEntry

SHOWN = 500


def list_manual_entries(limit: int = SHOWN) -> list[PointsEntry]:
    query = (
        select(PointsEntry)
        .where(PointsEntry.kind == "manual")
        .order_by(PointsEntry.recorded_at.desc(), PointsEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def list_revocations(limit: int = SHOWN) -> list[BadgeAward]:
    query = (
        select(BadgeAward)
        .where(BadgeAward.revoked_at.is_not(None))
        .order_by(BadgeAward.revoked_at.desc(), BadgeAward.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def list_managers() -> list[User]:
    """Active people with reports: whose team a team contest can be for."""
    managers = select(User.manager_id).where(User.manager_id.is_not(None)).distinct()
    query = select(User).where(User.id.in_(managers), User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(query))
