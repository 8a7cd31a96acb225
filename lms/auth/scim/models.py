"""What SCIM keeps beyond a person's own columns: the tokens identity providers present, and
each provisioned person's SCIM identity."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.database import db


class ScimToken(db.Model):
    """A bearer token an admin made for an identity provider. Only the SHA-256 of its secret
    is kept; `key` (public) finds the row, and the secret's hash is compared in constant time."""

    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(32), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    created_by: Mapped[User | None] = relationship(lazy="joined")


class ScimIdentity(db.Model):
    """How the identity provider names a person: its userName (kept as sent; Uptake's e-mail
    may differ), externalId, and their name and e-mails in its own form. `deprovisioned_at`:
    the provider DELETEd them, so SCIM no longer shows them; the person stays in Uptake,
    deactivated, with their learning record."""

    __tablename__ = "scim_identities"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    user_name: Mapped[str] = mapped_column(String(254))
    # userName is unique regardless of case (RFC 7643 §4.1.1): kept lower-cased to match.
    user_name_key: Mapped[str] = mapped_column(String(254), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # name and emails as the provider last sent them: Uptake keeps one name and one e-mail,
    # and gives back the provider's own form of them while they still agree with Uptake's.
    sent: Mapped[dict | None] = mapped_column(JSON)
    deprovisioned_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ScimGroup(db.Model):
    """A group the identity provider pushed. Membership of a group named in SCIM_HR_GROUPS
    or SCIM_ADMIN_GROUPS grants that access role; other groups are kept, and mean nothing
    more in Uptake."""

    __tablename__ = "scim_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(255))
    # displayName is unique regardless of case: kept lower-cased to match.
    display_name_key: Mapped[str] = mapped_column(String(255), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    members: Mapped[list[User]] = relationship(
        secondary="scim_group_members", order_by=User.id, lazy="selectin", viewonly=True
    )


class ScimGroupMember(db.Model):
    __tablename__ = "scim_group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("scim_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
