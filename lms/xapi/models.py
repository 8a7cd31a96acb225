"""What the learning record store keeps.

A statement is stored whole, as JSON, exactly as it will be returned; the columns and the two
index tables beside it exist only so that the filters of the xAPI query API are indexed
lookups. The integer primary key is the order statements were stored in. Statements stored
before the retention horizon are archived and removed (`lms xapi prune`), except those
Uptake still reads.
"""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import db, partial_index_where
from lms.xapi.vocabulary import RECORD_CHANGE_VERBS

IRI = String(2048)
# Big on PostgreSQL, but SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# A CRM record created or changed, sent by an LRS client (the CRM): the rows of a partial
# index below.
RECORD_CHANGE_BY_CLIENT = "client_id IS NOT NULL AND verb_id IN ({})".format(
    ", ".join(f"'{verb}'" for verb in RECORD_CHANGE_VERBS)
)


class Statement(db.Model):
    __tablename__ = "statements"
    __table_args__ = (
        # The actor and the object activity are looked up in statement_agents and
        # statement_activities (core), never here: an index here would repeat them.
        Index("ix_statements_verb_id_id", "verb_id", "id"),
        # The first statement stored since a moment, by id among those stored at the same
        # moment (a batch shares one): one step into the index, where `stored` alone made
        # the lookup read every statement of that moment's batch.
        Index("ix_statements_stored_id", "stored", "id"),
        # Partial: most statements void nothing, many name nobody Uptake knows and have no
        # registration (every CRM statement); the queries on these columns ask for a value,
        # which implies it is not NULL, and an insert then writes no entry for the NULLs.
        Index(
            "ix_statements_registration_id",
            "registration",
            "id",
            **partial_index_where("registration IS NOT NULL"),
        ),
        Index(
            "ix_statements_user_id_id",
            "user_id",
            "id",
            **partial_index_where("user_id IS NOT NULL"),
        ),
        Index(
            "ix_statements_target_statement_id",
            "target_statement_id",
            **partial_index_where("target_statement_id IS NOT NULL"),
        ),
        # Each person's first CRM record change (early adopters), found by a lookup per
        # person instead of reading every record change ever sent.
        Index(
            "ix_statements_record_changes_user_timestamp",
            "user_id",
            "timestamp",
            **partial_index_where(RECORD_CHANGE_BY_CLIENT),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)  # lower-case UUID
    verb_id: Mapped[str] = mapped_column(IRI)
    activity_id: Mapped[str | None] = mapped_column(IRI)  # the object, when it is an Activity
    target_statement_id: Mapped[str | None] = mapped_column(String(36))  # StatementRef
    actor_key: Mapped[str] = mapped_column(String(700))  # see lms.xapi.agents.agent_key
    registration: Mapped[str | None] = mapped_column(String(36))
    timestamp: Mapped[datetime] = mapped_column(DateTime)
    stored: Mapped[datetime] = mapped_column(DateTime)
    voided: Mapped[bool] = mapped_column(default=False)
    is_voiding: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("lrs_clients.id", ondelete="SET NULL"))
    document: Mapped[str] = mapped_column(Text)  # the statement as stored, JSON


class StatementAgent(db.Model):
    """Every agent a statement mentions. `core` marks the actor and an agent object (and
    the members of either when it is a Group), which the plain `agent` filter matches; the
    others (authority, instructor, team, sub-statement agents) match only with
    related_agents=true.

    The primary key is the lookup (agent, then statement), and on SQLite the table is
    WITHOUT ROWID: one b-tree per row instead of a table, its key and a lookup index.
    No foreign key: the rows are the statement's index entries, written with it (write.py)
    and removed with it, by their keys (retention.py). Keyed by the lookup, the table has no
    index by statement, so a key would make every statement removed read the table whole."""

    __tablename__ = "statement_agents"
    __table_args__ = {"sqlite_with_rowid": False}

    agent_key: Mapped[str] = mapped_column(String(700), primary_key=True)
    statement_pk: Mapped[int] = mapped_column(BigId, primary_key=True)
    core: Mapped[bool] = mapped_column(primary_key=True)


class StatementActivity(db.Model):
    """Every activity a statement mentions. `core` marks the object activity; context
    activities and sub-statement activities match only with related_activities=true. Keyed,
    stored and removed like StatementAgent (no foreign key)."""

    __tablename__ = "statement_activities"
    __table_args__ = {"sqlite_with_rowid": False}

    activity_id: Mapped[str] = mapped_column(IRI, primary_key=True)
    statement_pk: Mapped[int] = mapped_column(BigId, primary_key=True)
    core: Mapped[bool] = mapped_column(primary_key=True)


class Activity(db.Model):
    """The canonical definition of an activity, as the Activities resource returns it."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[str] = mapped_column(IRI, unique=True)
    definition: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Attachment(db.Model):
    """Attachment content, stored once per SHA-2 hash however many statements use it."""

    __tablename__ = "statement_attachments"

    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Document(db.Model):
    """A State, Activity Profile or Agent Profile document. Absent key parts are stored as ''
    so that the unique constraint holds on every database (NULLs never collide)."""

    __tablename__ = "xapi_documents"
    __table_args__ = (
        UniqueConstraint("kind", "activity_id", "agent_key", "registration", "document_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # state | activity_profile | agent_profile
    activity_id: Mapped[str] = mapped_column(IRI, default="")
    agent_key: Mapped[str] = mapped_column(String(700), default="")
    registration: Mapped[str] = mapped_column(String(36), default="")
    document_id: Mapped[str] = mapped_column(String(1000))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(255))
    etag: Mapped[str] = mapped_column(String(64))  # sha1 hex of the content
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class LrsClient(db.Model):
    """Credentials a system (the CRM, e-learning content) uses to reach the LRS."""

    __tablename__ = "lrs_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, see lms.xapi.clients
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxItem(db.Model):
    """A statement waiting to be forwarded to the enterprise LRS; written in the same
    transaction as the statement, so nothing recorded is ever missed."""

    __tablename__ = "xapi_outbox"
    __table_args__ = (
        Index("ix_xapi_outbox_pending", "delivered_at", "dead_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_pk: Mapped[int] = mapped_column(
        BigId, ForeignKey("statements.id", ondelete="CASCADE"), unique=True
    )
    enqueued_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    dead_at: Mapped[datetime | None] = mapped_column(DateTime)  # a 4xx the remote will not take
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)  # dates last_error


class StatementPrune(db.Model):
    """A run of `lms xapi prune`: statements stored before `before` written to the archive
    file and removed, except those Uptake still reads (lms.xapi.store.retention). The latest
    `before` is the store's horizon; `first_kept_pk` is the first statement stored on or
    after it, where a replay of the statements (`lms gamification rebuild`) starts."""

    __tablename__ = "statement_prunes"

    id: Mapped[int] = mapped_column(primary_key=True)
    before: Mapped[datetime] = mapped_column(DateTime)
    first_kept_pk: Mapped[int] = mapped_column(BigId)
    archive: Mapped[str] = mapped_column(String(1000))  # the file's path as given
    archive_sha256: Mapped[str | None] = mapped_column(String(64))  # when finished
    archived: Mapped[int] = mapped_column(BigInteger, default=0)  # written there and removed
    kept: Mapped[int] = mapped_column(BigInteger, default=0)  # before `before`, still read
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
