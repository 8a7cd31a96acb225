"""Connections to the company's CRM: adding one, building its connector with the secret read
from the environment, and matching the CRM's users to people. Services: they flush, never
commit."""

import os
import re
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select

from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.crm.connectors import registry
from lms.crm.connectors.base import ConnectionSettings, Connector, ConnectorError
from lms.crm.models import LIVE, TRAINING, CrmAccount, CrmConnection
from lms.database import db
from lms.errors import DomainError
from lms.xapi import clients

GENERIC = "generic"  # no API to read: events arrive by webhook or CSV upload
KINDS_WITH_API = tuple(registry.KINDS)
KINDS = {**{kind: title for kind, (_, _, title) in registry.KINDS.items()}, GENERIC: "Other CRM"}
PURPOSES = {LIVE: "the live CRM", TRAINING: "a training CRM (practice)"}
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,99}")
MATCHED_BY_EMAIL, MATCHED_BY_HR_ID, MATCHED_BY_ADMIN = "email", "hr_id", "admin"


def create_connection(
    *,
    name: str,
    kind: str,
    base_url: str,
    purpose: str = LIVE,
    options: dict[str, str] | None = None,
    secret_env: str | None = None,
    now: datetime,
    actor: User | None = None,
) -> CrmConnection:
    """A new connection, with the LRS client its statements are stored as. The secret stays
    in the environment variable `secret_env`; only its name is kept."""
    name = name.strip()
    problems = check_connection_fields(name, kind, base_url, purpose, secret_env)
    if problems:
        raise DomainError(" ".join(problems))
    if db.session.scalar(select(CrmConnection.id).where(CrmConnection.name == name)):
        raise DomainError(f"name: a connection called {name} already exists.")
    client, _secret = clients.create_client(
        f"CRM: {name}", {clients.SCOPE_WRITE}, now=now, actor=actor
    )  # the secret is never shown: nobody posts with it, the connector stores as this client
    connection = CrmConnection(
        name=name,
        kind=kind,
        purpose=purpose,
        base_url=base_url.rstrip("/"),
        options=dict(options or {}),
        secret_env=secret_env or None,
        client_id=client.id,
        created_at=now,
    )
    db.session.add(connection)
    db.session.flush()
    audit.record(
        audit.CRM_CONNECTED,
        audit.CRM_CONNECTION,
        connection.id,
        f"Connected {KINDS[kind]} at {connection.base_url} as {name} ({purpose}).",
        actor=actor,
        now=now,
        details={"kind": kind, "base_url": connection.base_url, "secret_env": secret_env},
    )
    return connection


def check_connection_fields(
    name: str, kind: str, base_url: str, purpose: str, secret_env: str | None
) -> list[str]:
    """What is wrong with a connection's settings, each naming its field."""
    problems = []
    if not name or len(name) > 100:
        problems.append("name: give the connection a name of at most 100 characters.")
    if kind not in KINDS:
        problems.append(f"kind: must be one of {', '.join(KINDS)}.")
    parts = urlsplit(base_url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or len(base_url) > 500:
        problems.append(
            "base_url: must be the CRM's http(s) address, e.g. https://acme.my.salesforce.com."
        )
    if purpose not in PURPOSES:
        problems.append(f"purpose: must be one of {', '.join(PURPOSES)}.")
    elif purpose == TRAINING and kind in KINDS and kind not in KINDS_WITH_API:
        problems.append(
            "purpose: a training CRM is read by practice checks through its API; "
            f"{KINDS[kind]} has none here (its events are sent, not read)."
        )
    if secret_env and not _ENV_NAME.fullmatch(secret_env):
        problems.append(
            "secret_env: the name of an environment variable (capitals, digits and _), "
            "not the secret itself."
        )
    return problems


def stores_activity(connection: CrmConnection) -> bool:
    """Whether what people do in this CRM is stored as statements (by sync, webhook or CSV):
    the live CRM's. A training CRM's is practice (lms.crm.training), not CRM use."""
    return connection.purpose == LIVE


def is_synced(connection: CrmConnection) -> bool:
    """Whether `lms crm sync` reads this connection: the live CRM, through its API."""
    return stores_activity(connection) and connection.kind in KINDS_WITH_API


TRAINING_NOT_STORED = (
    "{name} is a training CRM: practice checks read it, and what people do there is not "
    "stored as CRM use."
)


def list_connections() -> list[CrmConnection]:
    return list(db.session.scalars(select(CrmConnection).order_by(CrmConnection.name)))


def get_connection(name_or_id: str | int) -> CrmConnection | None:
    if isinstance(name_or_id, int):
        return db.session.get(CrmConnection, name_or_id)
    return db.session.scalar(select(CrmConnection).where(CrmConnection.name == name_or_id))


def read_secret(connection: CrmConnection, environ=os.environ) -> str | None:
    """The connection's secret from its environment variable; ConnectorError (naming the
    variable, never a value) when it is named but not set."""
    if not connection.secret_env:
        return None
    secret = environ.get(connection.secret_env)
    if not secret:
        raise ConnectorError(
            f"The environment variable {connection.secret_env} (this connection's secret) "
            "is not set in the environment Uptake runs in."
        )
    return secret


def connector_for(connection: CrmConnection, **options) -> Connector:
    """The connector that reads this connection's CRM. Raises ConnectorError for a generic
    connection (nothing to read: its events are pushed) or a missing secret."""
    if connection.kind not in registry.KINDS:
        raise ConnectorError(
            f"{connection.name} has no API to read: its events arrive by webhook or CSV upload."
        )
    settings = ConnectionSettings(
        base_url=connection.base_url,
        options=dict(connection.options or {}),
        secret=read_secret(connection),
    )
    return registry.build(connection.kind, settings, **options)


def match_person(account: CrmAccount) -> tuple[User, str] | None:
    """The person a CRM user is, by e-mail (any case) or by HR id; None when neither names
    exactly one active person."""
    if account.email:
        person = db.session.scalar(
            select(User).where(func.lower(User.email) == account.email.strip().lower())
        )
        if person is not None:
            return person, MATCHED_BY_EMAIL
    if account.hr_id:
        person = db.session.scalar(select(User).where(User.employee_id == account.hr_id.strip()))
        if person is not None:
            return person, MATCHED_BY_HR_ID
    return None


def unmatched_accounts(connection: CrmConnection | None = None) -> list[CrmAccount]:
    """CRM users no person is matched to, those with the most events read first."""
    query = select(CrmAccount).where(CrmAccount.person_id.is_(None))
    if connection is not None:
        query = query.where(CrmAccount.connection_id == connection.id)
    order = (CrmAccount.events_unmatched.desc(), CrmAccount.name)
    return list(db.session.scalars(query.order_by(*order)))
