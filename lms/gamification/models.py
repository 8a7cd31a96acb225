"""What gamification keeps: an append-only points ledger and what is derived from it, badge
awards, level-up notices, people's leaderboard preferences, contests and reward grants.

The ledger is the truth about points. Nothing updates or deletes a ledger row: a voided
statement's points are taken back by a reversal row, HR's bonus or penalty is a row of its
own. `PointsTally` and `QualityTally` are sums of ledger rows and quality samples per person
and period, kept in the same transaction as the rows they add up (so never stale) and
checked against them by `lms gamification rebuild`; leaderboards read them because summing
millions of ledger rows per page view is too slow (see README, Performance).
"""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Division, User
from lms.database import db, partial_index_where
from lms.gamification.rules import (
    CONTEST_METRICS,
    CONTEST_PERIODS,
    CONTEST_SCOPES,
    CONTEST_STATUSES,
)
from lms.xapi.models import BigId

ENTRY_KINDS = ("rule", "reversal", "manual")
PERIODS = ("week", "month", "all")
# The period_start of the all-time tally: one row per person, dated before any activity.
ALL_TIME = date(2000, 1, 1)


class PointsEntry(db.Model):
    """One line of the points ledger: points a rule awarded for a statement, the reversal of
    such an award when its statement was voided, or a manual bonus or penalty by HR.

    `award_key` is unique per person: a rule awards once per (rule, object) — the object is
    what the rule counts (an activity, a statement, a day) — so replays, refreshes and
    resubmits never count twice. After a reversal the same object can earn again, under the
    next generation of the key (see rules.award_key)."""

    __tablename__ = "points_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "award_key"),
        CheckConstraint(f"kind IN {ENTRY_KINDS!r}", name="known_kind"),
        Index("ix_points_entries_user_object", "user_id", "object_hash"),
        Index("ix_points_entries_user_rule_earned", "user_id", "rule_key", "earned_at"),
        # Partial: only reversals reverse an entry (no entry for every award's NULL).
        Index(
            "ix_points_entries_reverses_id",
            "reverses_id",
            **partial_index_where("reverses_id IS NOT NULL"),
        ),
        # A day's awards for everyone: suspicious bursts on the incentives page.
        Index("ix_points_entries_earned_at", "earned_at"),
        # HR's manual entries, newest first (the incentives audit): a few among millions.
        Index(
            "ix_points_entries_manual_recorded",
            "recorded_at",
            "id",
            **partial_index_where("kind = 'manual'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    rule_key: Mapped[str] = mapped_column(String(80))  # "manual" for HR's entries
    object_id: Mapped[str] = mapped_column(String(2048), default="")  # what was counted
    object_hash: Mapped[str] = mapped_column(String(40), default="")  # sha1(rule | object)
    award_key: Mapped[str] = mapped_column(String(64))
    points: Mapped[int]
    # None for HR's entries, and once the statement is archived and removed (`lms xapi prune`).
    statement_pk: Mapped[int | None] = mapped_column(BigId, ForeignKey("statements.id"), index=True)
    earned_at: Mapped[datetime] = mapped_column(DateTime)  # the period it counts in
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("points_entries.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class PointsTally(db.Model):
    """A person's points in one week, one month, or all time, and when they reached them
    (the latest earned_at among the entries summed: ties go to whoever got there first)."""

    __tablename__ = "points_tallies"
    __table_args__ = (
        CheckConstraint(f"period IN {PERIODS!r}", name="known_period"),
        Index("ix_points_tallies_board", "period", "period_start", "points", "reached_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    points: Mapped[int]
    reached_at: Mapped[datetime] = mapped_column(DateTime)


class QualitySample(db.Model):
    """A data-quality score of a CRM record a person created or changed, as Uptake judged it
    (result.score.scaled of a statement on the configured activity types), in
    ten-thousandths so sums are exact."""

    __tablename__ = "quality_samples"
    __table_args__ = (Index("ix_quality_samples_user_scored", "user_id", "scored_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # None once the statement is archived and removed (`lms xapi prune`): the sample stays.
    statement_pk: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("statements.id"), unique=True
    )
    scored_at: Mapped[datetime] = mapped_column(DateTime)
    score: Mapped[int]  # 0..10000


class QualityTally(db.Model):
    """The sum and count of a person's data-quality samples in one week or month."""

    __tablename__ = "quality_tallies"
    __table_args__ = (
        CheckConstraint(f"period IN {PERIODS!r}", name="known_period"),
        Index("ix_quality_tallies_period", "period", "period_start", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    period_start: Mapped[date] = mapped_column(Date, primary_key=True)
    score_sum: Mapped[int]
    samples: Mapped[int]
    reached_at: Mapped[datetime] = mapped_column(DateTime)


class BadgeAward(db.Model):
    """A badge a person earned: an Open Badges 2.0 assertion, hosted at a stable URL made
    from `uuid`. The recipient is a salted SHA-256 of their e-mail. Revoked awards stay, with
    who revoked them and why, and are answered as revoked."""

    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("user_id", "badge_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    badge_key: Mapped[str] = mapped_column(String(60), index=True)
    awarded_at: Mapped[datetime] = mapped_column(DateTime)
    # Indexed so that removing an archived statement (`lms xapi prune`) looks it up here.
    statement_pk: Mapped[int | None] = mapped_column(BigId, ForeignKey("statements.id"), index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")  # why, in words
    salt: Mapped[str] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class LevelUp(db.Model):
    """A person reached a level for the first time; shown to them once as a notice."""

    __tablename__ = "level_ups"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True)
    reached_at: Mapped[datetime] = mapped_column(DateTime)
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)


class BoardPreference(db.Model):
    """How a person appears on leaderboards colleagues see. Without a row: not named (shown
    as "a colleague in <division>") and on the public boards."""

    __tablename__ = "board_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    show_name: Mapped[bool] = mapped_column(default=False)
    on_public_boards: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Contest(db.Model):
    """An incentive contest HR or an admin defines: who does most of something (`metric`
    over statements matching verb / activity type / activity id prefix) in each `period`,
    among eligible people in a scope. In test mode only HR and admins see it."""

    __tablename__ = "contests"
    __table_args__ = (
        CheckConstraint(f"metric IN {CONTEST_METRICS!r}", name="known_metric"),
        CheckConstraint(f"period IN {CONTEST_PERIODS!r}", name="known_period"),
        CheckConstraint(f"scope IN {CONTEST_SCOPES!r}", name="known_scope"),
        CheckConstraint(f"status IN {CONTEST_STATUSES!r}", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[str] = mapped_column(String(20))
    verb_id: Mapped[str] = mapped_column(String(2048), default="")
    activity_type: Mapped[str] = mapped_column(String(2048), default="")
    activity_prefix: Mapped[str] = mapped_column(String(2048), default="")
    period: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(10), default="company")
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"))
    team_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    eligible_roles: Mapped[str] = mapped_column(Text, default="")  # job role slugs, spaces
    min_samples: Mapped[int] = mapped_column(default=1)
    prize: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="test")
    starts_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    division: Mapped[Division | None] = relationship()
    team_manager: Mapped[User | None] = relationship(foreign_keys=[team_manager_id])


class RewardGrant(db.Model):
    """A reward HR granted to the winner of one board (a contest, or a built-in leaderboard
    in a scope) for one period: once per board and period."""

    __tablename__ = "reward_grants"
    __table_args__ = (UniqueConstraint("board_key", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    board_key: Mapped[str] = mapped_column(String(120))
    period_start: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prize: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime)
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])
    contest: Mapped[Contest | None] = relationship()
