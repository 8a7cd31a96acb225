"""What adoption keeps: weekly per-person counts of CRM use (kept in step with the
statement store), the admin's adoption target, and the signals raised with what was done.

`AdoptionWeek` is a sum of statements, written in the same transaction as the statements it
counts (see aggregates.py): the dashboard reads a year of 20,000 people's use from it in a few
hundred thousand index entries instead of millions of statements. `lms adoption rebuild`
recomputes it from the statements and reports any difference.
"""

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

from lms.adoption.rules import RESPONSES, SIGNAL_KINDS
from lms.auth.models import User
from lms.database import db


class AdoptionWeek(db.Model):
    """One person's CRM use in one ISO week (Monday `week_start`): statements from an LRS
    client classified as inputs (creates, updates) or outputs (views, reports, searches;
    `reports` counts the report requests among them). Voided statements are taken back.

    `division_id` is the division the person's rows are filed under (AdoptionPerson), so the
    company dashboard counts active people per division from this index alone; people who
    moved or left since are corrected at read time (measures.py)."""

    __tablename__ = "adoption_weeks"
    __table_args__ = (
        Index("ix_adoption_weeks_week_division", "week_start", "division_id", "inputs", "outputs"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(Date, primary_key=True)
    inputs: Mapped[int] = mapped_column(default=0)
    outputs: Mapped[int] = mapped_column(default=0)
    reports: Mapped[int] = mapped_column(default=0)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id", ondelete="SET NULL"))


class AdoptionPerson(db.Model):
    """The division a person's weekly rows are filed under: their division when their rows
    were last written. When it differs from their division now, the next write refiles
    their rows, and until then the dashboard corrects for it."""

    __tablename__ = "adoption_people"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id", ondelete="SET NULL"))


class AdoptionSetting(db.Model):
    """The adoption target an admin set (one row; without it, content's default holds)."""

    __tablename__ = "adoption_settings"
    __table_args__ = (CheckConstraint("target_percent BETWEEN 1 AND 100", name="target_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_percent: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class AdoptionSignal(db.Model):
    """A signal raised for a person for a finished week, with its reason. `since` is the
    first week of the episode (consecutive weeks with the signal): its response is taken
    once per episode, recorded in `response`, `acted_at` and `outcome`."""

    __tablename__ = "adoption_signals"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "week_start"),
        CheckConstraint(f"kind IN {SIGNAL_KINDS!r}", name="known_kind"),
        CheckConstraint(f"response IS NULL OR response IN {RESPONSES!r}", name="known_response"),
        Index("ix_adoption_signals_week_kind", "week_start", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    week_start: Mapped[date] = mapped_column(Date)
    since: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    value: Mapped[float]
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    response: Mapped[str | None] = mapped_column(String(30))
    acted_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(Text)  # what was done, in words

    user: Mapped[User] = relationship(lazy="joined")
