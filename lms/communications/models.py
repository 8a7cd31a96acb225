"""Notifications (the in-app notice, and the record of what was sent to whom and when),
the e-mail queued for each, and each person's choice to mute non-essential messages.

A notification is unique per person and key: the database itself refuses a second, so a
communication reaches each person once however many senders run at the same moment."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.communications.rules import MAIL_STATUSES
from lms.database import db


class Notification(db.Model):
    """One message to one person. `key` names what it is about ("communication:welcome",
    "training_due:12", ...); `kind` is the part before the first colon."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))  # a path inside Uptake
    essential: Mapped[bool] = mapped_column(default=False)
    # Non-essential and the person had muted those when it was made: no e-mail, not counted
    # as unread. Kept, so the record of what was sent stays whole.
    muted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    delivery: Mapped["MailDelivery | None"] = relationship(
        back_populates="notification", uselist=False
    )

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class MailDelivery(db.Model):
    """The e-mail of one notification: pending until a sender delivers it; a failure is
    recorded and tried again on the next run (up to `rules.MAX_MAIL_ATTEMPTS`)."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (CheckConstraint(f"status IN {MAIL_STATUSES!r}", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), unique=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(DateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    notification: Mapped[Notification] = relationship(back_populates="delivery")


class NotificationPreference(db.Model):
    """A person's choice: mute non-essential messages (no e-mail, not counted as unread)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    mute_non_essential: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
