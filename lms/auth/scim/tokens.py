"""Bearer tokens for identity providers: made by an admin, shown once, kept as a hash,
revoked for good. A token reads `<key>.<secret>`: the key finds its row, the secret's
SHA-256 is compared in constant time."""

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select

from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.auth.scim.models import ScimToken
from lms.database import db
from lms.errors import FieldError


def _digest(secret: str) -> str:
    # SHA-256 without salt or stretching: the secret is 256 random bits, nothing to guess.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, *, now: datetime, actor: User | None) -> tuple[ScimToken, str]:
    """A new token and its text (the only time it is seen); the audit log records it."""
    name = name.strip()
    if not name:
        raise FieldError("name", "Give the token a name, such as the identity provider's.")
    key, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    token = ScimToken(
        name=name, key=key, secret_sha256=_digest(secret), created_at=now, created_by=actor
    )
    db.session.add(token)
    db.session.flush()
    summary = f"Created SCIM token {name} ({key})."
    audit.record(
        audit.SCIM_TOKEN_CREATED, audit.SCIM_TOKEN, token.id, summary, actor=actor, now=now
    )
    return token, f"{key}.{secret}"


def authenticate_token(presented: str) -> ScimToken | None:
    """The live token this bearer value names, else None."""
    key, _, secret = presented.partition(".")
    token = db.session.scalar(select(ScimToken).where(ScimToken.key == key[:32]))
    expected = token.secret_sha256 if token is not None else _digest("no such token")
    matched = hmac.compare_digest(expected, _digest(secret))
    if token is None or token.revoked_at is not None or not matched:
        return None
    return token


def revoke_token(token: ScimToken, *, now: datetime, actor: User | None) -> None:
    """From now on the token's requests get 401; revoking again changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    summary = f"Revoked SCIM token {token.name} ({token.key})."
    audit.record(
        audit.SCIM_TOKEN_REVOKED, audit.SCIM_TOKEN, token.id, summary, actor=actor, now=now
    )


def list_tokens() -> list[ScimToken]:
    return list(db.session.scalars(select(ScimToken).order_by(ScimToken.created_at)))
