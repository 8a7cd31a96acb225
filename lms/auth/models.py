"""People and the organisation they belong to."""

import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.auth.rules import ASSIGNABLE_ROLES
from lms.auth.tokens import password_fingerprint
from lms.clock import utcnow
from lms.database import db


class Division(db.Model):
    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    # CRM champions: the power users people in the division go to first for help.
    champions: Mapped[list["User"]] = relationship(
        secondary="champions", order_by="User.name", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Division {self.name}>"


class JobRole(db.Model):
    """A job role from `content/job_roles.yaml`; curricula are defined per job role."""

    __tablename__ = "job_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<JobRole {self.slug}>"


class Champion(db.Model):
    """A person named CRM champion for a division."""

    __tablename__ = "champions"

    division_id: Mapped[int] = mapped_column(
        ForeignKey("divisions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    named_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UserRole(db.Model):
    """An access role a person holds. "manager" is not stored: it follows from having reports."""

    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint(f"role IN {tuple(sorted(ASSIGNABLE_ROLES))!r}", name="known_role"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # sha1("mailto:" + email), kept with the e-mail: xAPI senders may name people this way.
    email_sha1: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    job_role_id: Mapped[int] = mapped_column(ForeignKey("job_roles.id"), index=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    employee_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # the HR system's id
    hire_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped by log-out: every session and remember cookie issued before names an older one.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The person's own language (lms.locales.SHIPPED_LOCALES) and IANA time zone; None
    # follows the company's DEFAULT_LOCALE and DEFAULT_TIME_ZONE (lms.localisation).
    locale: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    job_role: Mapped[JobRole] = relationship(lazy="joined")
    division: Mapped[Division | None] = relationship(lazy="joined")
    manager: Mapped["User | None"] = relationship(remote_side=[id], back_populates="reports")
    reports: Mapped[list["User"]] = relationship(back_populates="manager", order_by="User.name")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @validates("email")
    def _keep_email_sha1(self, _key: str, email: str) -> str:
        self.email_sha1 = hashlib.sha1(f"mailto:{email}".encode()).hexdigest()
        return email

    def get_id(self) -> str:
        """The id kept in the session and the remember cookie: changing the password, or
        logging out, ends every session issued before (see load_session_user)."""
        return f"{self.id}.{password_fingerprint(self.password_hash)}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - self.roles)
        ]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_manager(self) -> bool:
        """Whether this person has anyone reporting to them (active or not)."""
        return (
            db.session.scalar(select(User.id).where(User.manager_id == self.id).limit(1))
            is not None
        )

    def manager_chain_ids(self) -> list[int]:
        """Ids of this person's manager, their manager, and so on up (cycle-safe)."""
        chain: list[int] = []
        manager = self.manager
        while manager is not None and manager.id not in chain and manager.id != self.id:
            chain.append(manager.id)
            manager = manager.manager
        return chain

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class AuditEntry(db.Model):
    """One change to roles, people or settings, written in the transaction that made it: when,
    who (none when the command line or the system made it), what was done to which subject,
    and the change in words (`summary`) and as values (`details`). Entries are only added."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(lazy="joined")


class LoginThrottle(db.Model):
    """Failed log-ins counted under one key: a client address with an e-mail ("pair"), an
    address, or an e-mail ("account"); `account` (the e-mail's SHA-256) lets a password reset
    or reactivation clear every key of that e-mail. The e-mail need not belong to anyone:
    unknown addresses are throttled exactly as known ones, so the answers tell nobody apart."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    account: Mapped[str | None] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
