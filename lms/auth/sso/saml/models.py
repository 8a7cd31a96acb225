"""What SAML sign-in keeps between requests: the requests sent and the assertions used."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import db


class SamlRequest(db.Model):
    """An AuthnRequest Uptake sent; a response answers one of these or is refused. Kept on
    the server, not in the session: the IdP posts back cross-site, where a Lax session
    cookie is not sent."""

    __tablename__ = "saml_requests"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_url: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)


class UsedAssertion(db.Model):
    """An assertion that signed someone in, kept until it expires, so that it signs nobody
    in again."""

    __tablename__ = "saml_used_assertions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
