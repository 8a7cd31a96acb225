"""What the badge pages and the hosted Open Badges documents read: the badges in force,
awards, holders, the issuer, and the images. Queries only; nothing is written here."""

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from lms.auth.models import User, UserRole
from lms.courses.models import Setting
from lms.database import db
from lms.gamification.badges import openbadges as ob
from lms.gamification.badges.images import bake, drawn_badge
from lms.gamification.badges.rules import BadgeSpec, can_download, can_revoke
from lms.gamification.models import BadgeAward
from lms.gamification.ruleset import current_ruleset
from lms.xapi.settings import lrs_settings


def base_url() -> str:
    return lrs_settings().base_url


def list_badge_specs() -> tuple[BadgeSpec, ...]:
    return current_ruleset().badges


def get_badge(key: str) -> BadgeSpec | None:
    return next((badge for badge in list_badge_specs() if badge.key == key), None)


def get_award(uuid: str) -> BadgeAward | None:
    return db.session.scalar(select(BadgeAward).where(BadgeAward.uuid == uuid))


def get_issuer() -> ob.Issuer:
    """The company of the rollout (content/rollout.yaml), at BASE_URL, with the e-mail Open
    Badges 2.0 validators require: the BADGE_ISSUER_EMAIL setting, else the first active
    admin's (lowest id). With neither there is none, and the log says so."""
    company = db.session.get(Setting, "company")
    name = company.value if company and company.value else "Uptake"
    email = current_app.config.get("BADGE_ISSUER_EMAIL") or get_first_admin_email()
    if email is None:
        current_app.logger.warning(
            "The Open Badges issuer profile has no e-mail, so badges fail validation: "
            "set BADGE_ISSUER_EMAIL, or make someone an admin."
        )
    return ob.Issuer(name, base_url(), email)


def get_first_admin_email() -> str | None:
    """The e-mail of the first active admin, by id: the issuer's address when none is set."""
    return db.session.scalar(
        select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin", User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def assertion_of(award: BadgeAward) -> dict:
    facts = ob.AwardFacts(
        uuid=award.uuid,
        badge_key=award.badge_key,
        email=award.user.email,
        salt=award.salt,
        awarded_at=award.awarded_at,
        evidence=award.evidence,
    )
    return ob.assertion(facts, base_url())


def badge_image(badge: BadgeSpec) -> bytes:
    """The content's PNG when it names one, else the image drawn from colour and icon."""
    if badge.image:
        return (Path(current_app.config["CONTENT_DIR"]) / "gamification" / badge.image).read_bytes()
    return drawn_badge(badge.key, badge.name, badge.colour, badge.icon)


def baked_badge(badge: BadgeSpec, assertion_json: str) -> bytes:
    return bake(badge_image(badge), assertion_json)


def count_holders() -> dict[str, int]:
    """People holding each badge (revoked awards are not held)."""
    query = (
        select(BadgeAward.badge_key, func.count(BadgeAward.id))
        .where(BadgeAward.revoked_at.is_(None))
        .group_by(BadgeAward.badge_key)
    )
    return dict(db.session.execute(query).all())


def awards_of(person: User) -> dict[str, BadgeAward]:
    query = select(BadgeAward).where(BadgeAward.user_id == person.id)
    return {award.badge_key: award for award in db.session.scalars(query)}


@dataclass(frozen=True)
class BadgeRow:
    """One badge as a page shows it, with the person's award (None: not earned)."""

    badge: BadgeSpec
    holders: int
    award: BadgeAward | None
    can_download: bool
    can_revoke: bool


def badge_rows(viewer: User, person: User) -> list[BadgeRow]:
    """Every badge in force with `person`'s award of it, as `viewer` may act on it."""
    holders, awards = count_holders(), awards_of(person)
    return [
        _row(viewer, person, badge, holders, awards.get(badge.key)) for badge in list_badge_specs()
    ]


def _row(viewer: User, person: User, badge: BadgeSpec, holders, award) -> BadgeRow:
    live = award is not None and award.revoked_at is None
    return BadgeRow(
        badge=badge,
        holders=holders.get(badge.key, 0),
        award=award,
        can_download=live and can_download(viewer.id, viewer.roles, person.id),
        can_revoke=live and can_revoke(viewer.roles),
    )


def badge_row(viewer: User, badge: BadgeSpec) -> BadgeRow:
    award = awards_of(viewer).get(badge.key)
    return _row(viewer, viewer, badge, count_holders(), award)
