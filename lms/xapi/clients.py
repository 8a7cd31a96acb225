"""LRS client credentials: HTTP Basic key and secret, with scopes. Secrets are stored hashed
and shown once, when created."""

import secrets
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.database import db
from lms.errors import DomainError
from lms.xapi.models import LrsClient

SCOPE_WRITE = "statements/write"
SCOPE_READ_ALL = "statements/read"
SCOPE_READ_MINE = "statements/read/mine"
SCOPE_VOID = "statements/void"
# Not a scope a client is given: the credentials a cmi5 AU fetches at launch, which write only
# its own session's statements, never void, and read and write only its learner's documents.
SCOPE_AU_SESSION = "cmi5/au-session"
SCOPES = {
    SCOPE_WRITE: "write statements and documents",
    SCOPE_READ_ALL: "read all statements and documents",
    SCOPE_READ_MINE: "read only the statements this client stored",
    SCOPE_VOID: (
        "void any statement, also those other clients or Uptake stored (with write; "
        "without it a client voids only the statements it stored)"
    ),
}


def create_client(
    name: str, scopes: set[str], *, now: datetime, actor: User | None = None
) -> tuple[LrsClient, str]:
    """A new client and its secret (the only time the secret is seen). The audit log
    records it with its scopes and `actor` (None: the command line)."""
    name = name.strip()
    if not name:
        raise DomainError("Give the client a name.")
    unknown = scopes - SCOPES.keys()
    if unknown or not scopes:
        raise DomainError(f"Scopes must be some of: {', '.join(SCOPES)}.")
    secret = secrets.token_urlsafe(32)
    client = LrsClient(
        name=name,
        key=secrets.token_hex(12),
        # pbkdf2 with few rounds: the secret is 256 random bits, so slow hashing buys nothing
        # and every LRS request checks it.
        secret_hash=generate_password_hash(secret, method="pbkdf2:sha256:1000"),
        scopes=" ".join(sorted(scopes)),
        created_at=now,
    )
    db.session.add(client)
    db.session.flush()
    summary = f"Created LRS client {client.name} ({client.key}) with scopes {client.scopes}."
    details = {"key": client.key, "scopes": sorted(scopes)}
    audit.record(
        audit.LRS_CLIENT_CREATED,
        audit.LRS_CLIENT,
        client.id,
        summary,
        actor=actor,
        now=now,
        details=details,
    )
    return client, secret


def authenticate_client(key: str, secret: str) -> LrsClient | None:
    """The live client with this key and secret, else None."""
    client = db.session.scalar(select(LrsClient).where(LrsClient.key == key))
    if client is None or client.revoked_at is not None:
        return None
    return client if check_password_hash(client.secret_hash, secret) else None


def client_scopes(client: LrsClient) -> set[str]:
    return set(client.scopes.split())


def revoke_client(client: LrsClient, *, now: datetime, actor: User | None = None) -> None:
    """From now on the client's requests are refused; revoking again changes nothing."""
    if client.revoked_at is not None:
        return
    client.revoked_at = now
    summary = f"Revoked LRS client {client.name} ({client.key})."
    audit.record(
        audit.LRS_CLIENT_REVOKED,
        audit.LRS_CLIENT,
        client.id,
        summary,
        actor=actor,
        now=now,
        details={"key": client.key},
    )


def list_clients() -> list[LrsClient]:
    return list(db.session.scalars(select(LrsClient).order_by(LrsClient.created_at)))


def get_client_by_key(key: str) -> LrsClient | None:
    return db.session.scalar(select(LrsClient).where(LrsClient.key == key))


def authority_for(client: LrsClient, home_page: str) -> dict:
    """The agent the LRS names as authority on what this client stores."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": home_page, "name": client.key},
    }


def lms_authority(home_page: str) -> dict:
    """The authority on statements Uptake records itself."""
    return {
        "objectType": "Agent",
        "name": "Uptake",
        "account": {"homePage": home_page, "name": "uptake"},
    }
