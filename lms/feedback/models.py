"""Feedback reports and their triage."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.database import db
from lms.feedback.rules import AREAS, CATEGORIES, STATUSES


def _one_of(column: str, values) -> str:
    return f"{column} IN {tuple(sorted(values))!r}"


class Feedback(db.Model):
    """A problem or suggestion one person reported, and where its triage stands.
    `revision` counts triage changes: each change notifies the reporter once."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_one_of("category", CATEGORIES), name="known_category"),
        CheckConstraint(_one_of("area", AREAS), name="known_area"),
        CheckConstraint(_one_of("status", STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    area: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    triaged_at: Mapped[datetime | None] = mapped_column(DateTime)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id], lazy="joined")
    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
