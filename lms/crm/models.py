"""What Uptake keeps of the company's CRM: its connections, a cursor per stream, the CRM's
users and the people they are, the records people created or changed with the data quality
Uptake judged them to have, and webhook deliveries already taken (replay protection)."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.database import db
from lms.xapi.models import LrsClient

LIVE, TRAINING = "live", "training"  # what a connection is for: the real CRM, or practice


class CrmConnection(db.Model):
    """One CRM instance Uptake reads. Its statements are stored as the LRS client `client`
    (so they count as the CRM's, like statements a CRM posts itself). No secret is stored:
    `secret_env` names the environment variable that holds it."""

    __tablename__ = "crm_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a key of connectors.registry.KINDS, or generic
    purpose: Mapped[str] = mapped_column(String(10), default=LIVE)
    base_url: Mapped[str] = mapped_column(String(500))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    secret_env: Mapped[str | None] = mapped_column(String(100))
    client_id: Mapped[int] = mapped_column(ForeignKey("lrs_clients.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)

    client: Mapped[LrsClient] = relationship(lazy="joined")
    cursors: Mapped[list["CrmCursor"]] = relationship(
        back_populates="connection", order_by="CrmCursor.stream", cascade="all, delete-orphan"
    )


class CrmCursor(db.Model):
    """Where one stream of a connection was last read up to, and how that went."""

    __tablename__ = "crm_cursors"
    __table_args__ = (UniqueConstraint("connection_id", "stream"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("crm_connections.id", ondelete="CASCADE"))
    stream: Mapped[str] = mapped_column(String(40))
    cursor: Mapped[str | None] = mapped_column(Text)
    events_read: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime)  # newest event read
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime)  # the CRM asked us to wait

    connection: Mapped[CrmConnection] = relationship(back_populates="cursors")


class CrmAccount(db.Model):
    """A user of the CRM and, once known, the person they are: matched by e-mail or HR id,
    or set by an admin (`matched_by`)."""

    __tablename__ = "crm_accounts"
    __table_args__ = (UniqueConstraint("connection_id", "crm_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("crm_connections.id", ondelete="CASCADE"))
    crm_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    hr_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    matched_by: Mapped[str | None] = mapped_column(String(10))  # email, hr_id, admin
    events_unmatched: Mapped[int] = mapped_column(default=0)  # read while nobody was known
    first_seen_at: Mapped[datetime] = mapped_column(DateTime)
    last_event_at: Mapped[datetime | None] = mapped_column(DateTime)

    connection: Mapped[CrmConnection] = relationship()
    person: Mapped[User | None] = relationship()


class CrmRecord(db.Model):
    """A CRM record someone Uptake knows created or changed, as it stood after the last
    change read: the data quality Uptake judged it to have and the checks it failed."""

    __tablename__ = "crm_records"
    __table_args__ = (
        UniqueConstraint("connection_id", "object", "external_id"),
        Index("ix_crm_records_changed_by", "changed_by_id", "object"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("crm_connections.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    score: Mapped[float | None] = mapped_column(Float)  # None: no rules for this object
    failed: Mapped[list] = mapped_column(JSON, default=list)  # keys of the checks it failed


class CrmDuplicateKey(db.Model):
    """A record's normalised key under one duplicate rule (e-mail; company + name): two
    records of a connection's object with the same key are duplicates."""

    __tablename__ = "crm_duplicate_keys"
    __table_args__ = (
        Index("ix_crm_duplicate_keys_lookup", "connection_id", "object", "rule", "value"),
        UniqueConstraint("record_id", "rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("crm_records.id", ondelete="CASCADE"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("crm_connections.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(500))


class WebhookDelivery(db.Model):
    """A signed webhook delivery already taken: the same delivery id is refused within the
    signature's freshness window (replay protection)."""

    __tablename__ = "crm_webhook_deliveries"
    __table_args__ = (UniqueConstraint("connection_id", "delivery_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("crm_connections.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(DateTime, index=True)
