"""Coaching records: sign-offs, delegated coaches, and onboarding completions.

Nothing here is ever deleted: a withdrawal or a revocation is recorded on the row, so the
history keeps everything. Partial unique indexes on the live rows (those not withdrawn,
revoked or reopened) make the database itself refuse a second live record, whatever two
requests do at the same moment."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.coaching.rules import HOW, STEPS
from lms.courses.models import Skill
from lms.database import db, partial_index_where


def _live(column: str) -> dict:
    """A partial index of the rows where `column` is still null."""
    return partial_index_where(f"{column} IS NULL")


class CoachingSignOff(db.Model):
    """One coaching step of one skill signed off for one learner, by their coach."""

    __tablename__ = "coaching_sign_offs"
    __table_args__ = (
        CheckConstraint(f"step IN {tuple(sorted(STEPS))!r}", name="known_step"),
        CheckConstraint(f"how IS NULL OR how IN {tuple(sorted(HOW))!r}", name="known_how"),
        Index(
            "uq_coaching_sign_offs_live_step",
            "learner_id",
            "skill_id",
            "step",
            unique=True,
            **_live("withdrawn_at"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    step: Mapped[int]
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    how: Mapped[str | None] = mapped_column(String(20))  # step 1 only: how it was shown
    note: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str | None] = mapped_column(Text)  # set when an admin overrode
    # The xAPI statement that records this sign-off, so a withdrawal voids exactly that one.
    statement_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=lambda: str(uuid.uuid4())
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    # Set on a later step that fell back because an earlier one was withdrawn.
    fell_back_with_id: Mapped[int | None] = mapped_column(ForeignKey("coaching_sign_offs.id"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    skill: Mapped[Skill] = relationship(lazy="joined")
    coach: Mapped[User] = relationship(foreign_keys=[coach_id], lazy="joined")
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    fell_back_with: Mapped["CoachingSignOff | None"] = relationship(remote_side=[id])

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return f"<CoachingSignOff learner={self.learner_id} skill={self.skill_id} step={self.step}>"


class CoachDelegation(db.Model):
    """A coach the learner's manager, HR or an admin named to coach (and sign for) them."""

    __tablename__ = "coach_delegations"
    __table_args__ = (
        Index(
            "uq_coach_delegations_live",
            "learner_id",
            "coach_id",
            unique=True,
            **_live("revoked_at"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    delegated_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    coach: Mapped[User] = relationship(foreign_keys=[coach_id], lazy="joined")
    delegated_by: Mapped[User] = relationship(foreign_keys=[delegated_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])


class OnboardingCompletion(db.Model):
    """The moment a person's onboarding became complete: recorded once, by the gate only.
    Reopened (never deleted) when the gate stops holding, e.g. their role gains a course."""

    __tablename__ = "onboarding_completions"
    __table_args__ = (
        Index("uq_onboarding_completions_live", "person_id", unique=True, **_live("reopened_at")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(DateTime)
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)  # what was missing when it reopened

    person: Mapped[User] = relationship()
