"""Storing statements (xAPI 1.0.3): validate a whole batch, then write it with a handful of
bulk statements. Services: they flush, never commit."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, text, update

from lms.bulk_writes import insert_rows
from lms.database import db
from lms.value_lists import among
from lms.xapi.clients import SCOPE_VOID, lms_authority
from lms.xapi.errors import XapiError
from lms.xapi.models import (
    Attachment,
    LrsClient,
    OutboxItem,
    Statement,
    StatementActivity,
    StatementAgent,
)
from lms.xapi.settings import LrsSettings
from lms.xapi.store.definitions import upsert_activity_definitions
from lms.xapi.store.identifiers import agent_key
from lms.xapi.store.mentions import defined_activities, mentioned_activities, mentioned_agents
from lms.xapi.store.people import keys_of_user, match_key, users_by_agent_key
from lms.xapi.store.person_order import lock_people
from lms.xapi.validation.attachments import check_attachment_data, referenced_attachments
from lms.xapi.validation.formats import parse_timestamp
from lms.xapi.validation.prepare import prepare_statement, same_statement, serialize
from lms.xapi.validation.signatures import check_signatures
from lms.xapi.validation.statements import VERB_VOIDED, validate_statement

AGENT_KEY_LENGTH = StatementAgent.__table__.c.agent_key.type.length
IRI_LENGTH = StatementActivity.__table__.c.activity_id.type.length


@dataclass(frozen=True)
class FreshStatement:
    """A statement this batch stored for the first time, as what follows it (gamification)
    needs to see it: `document` is the statement as stored."""

    pk: int
    user_id: int | None
    client_id: int | None
    stored: datetime
    voided: bool
    document: dict


@dataclass(frozen=True)
class StoredBatch:
    ids: list[str]  # every statement's id, in the order given
    fresh: list[FreshStatement]  # those not stored before, in stored order


def store_statements(statements: list[dict], **options) -> list[str]:
    """Store a batch (see `store_batch`); return the statement ids in the order given."""
    return store_batch(statements, **options).ids


def store_batch(
    statements: list[dict],
    *,
    authority: dict | None,
    client_id: int | None,
    now: datetime,
    settings: LrsSettings,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    may_void_others: bool = False,
) -> StoredBatch:
    """Store a batch, all or nothing (Communication 3.2.s3.b9). A statement whose id is
    already stored changes nothing: it is accepted if it is the same statement and refused
    with 409 if not (Communication 2.1.1.s2, 2.1.2.s2). `attachments` is the raw data of a
    multipart/mixed request, by SHA-2; None for JSON. Voiding follows `check_voiding`:
    a client voids only its own statements unless `may_void_others` (its void scope)."""
    prepared = prepare_batch(
        statements,
        authority=authority,
        client_id=client_id,
        now=now,
        settings=settings,
        attachments=attachments,
    )
    return write_batch(
        prepared, settings=settings, attachments=attachments, may_void_others=may_void_others
    )


@dataclass
class PreparedBatch:
    """A batch checked and made ready to store, before any query: the statements as given,
    as they will be stored (`documents`), what each mentions and each one's row. Plain
    values only, so that one process may prepare a batch and another write it. `statements`
    is None for a batch to be written with `skip_stored`, which compares nothing: a batch
    sent to another process is then half the size."""

    statements: list[dict] | None
    paths: list[str]
    documents: list[dict]
    mentions: dict[str, tuple[dict, dict]]
    rows: dict[str, dict]
    client_id: int | None
    now: datetime

    def ids(self) -> list[str]:
        return [document["id"] for document in self.documents]


def prepare_batch(
    statements: list[dict],
    *,
    authority: dict | None,
    client_id: int | None,
    now: datetime,
    settings: LrsSettings,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    keep_given: bool = True,
) -> PreparedBatch:
    """Check every statement (the batch is refused whole, XapiError, if one is wrong) and
    build what storing it writes. Pure: no query. Without `keep_given` the statements as
    given are not kept (see PreparedBatch)."""
    paths = [_path(index, len(statements)) for index in range(len(statements))]
    for statement, path in zip(statements, paths, strict=True):
        validate_statement(statement, path)
    check_attachment_data(statements, paths, attachments)
    check_signatures(statements, paths, attachments or {})
    documents = [_prepare(statement, authority, now, settings) for statement in statements]
    check_unique_ids(documents, paths)
    mentions = {d["id"]: (mentioned_agents(d), mentioned_activities(d)) for d in documents}
    check_indexable(documents, paths, mentions)
    rows = {document["id"]: _row(document, client_id, now) for document in documents}
    given = statements if keep_given else None
    return PreparedBatch(given, paths, documents, mentions, rows, client_id, now)


def write_batch(
    batch: PreparedBatch,
    *,
    settings: LrsSettings,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    may_void_others: bool = False,
    skip_stored: bool = False,
) -> StoredBatch:
    """Store a prepared batch (see `store_batch`). With `skip_stored`, a statement whose id
    is stored already is passed over without being compared: for a source that makes the
    same id from the same event but may build the statement differently the second time (a
    CRM record judged again). Everything before the first query is pure, so on SQLite,
    whose first write takes the single write lock (lms.database), other writers wait only
    for the lookups and inserts."""
    ids = batch.ids()
    fresh = []
    if skip_stored:
        known = stored_ids(ids)
        fresh = [document for document in batch.documents if document["id"] not in known]
    elif batch.statements is None:
        raise ValueError("a batch prepared without the statements given can only skip_stored")
    else:
        stored = _stored_documents(ids)
        for statement, document, path in zip(
            batch.statements, batch.documents, batch.paths, strict=True
        ):
            if document["id"] not in stored:
                fresh.append(document)
            elif not same_statement(stored[document["id"]], statement):
                raise XapiError(
                    409, f"{path}.id: a different statement is already stored as {document['id']}"
                )
    written = []
    if fresh:
        written = _write(
            fresh,
            batch.rows,
            batch.mentions,
            client_id=batch.client_id,
            now=batch.now,
            settings=settings,
            attachments=attachments,
            may_void_others=may_void_others,
        )
    return StoredBatch(ids, written)


def _path(index: int, count: int) -> str:
    return "statement" if count == 1 else f"statements[{index}]"


def _prepare(statement: dict, authority: dict | None, now: datetime, settings: LrsSettings):
    """The authority is the credentials' agent; Uptake's own when none is given and the
    statement names none (every stored statement has one, Data 2.4.9.s3.b3)."""
    chosen = authority or statement.get("authority") or lms_authority(settings.base_url)
    return prepare_statement(statement, authority=chosen, now=now)


def check_unique_ids(documents: list[dict], paths: list[str]) -> None:
    """A batch naming one id twice is refused with 400 (Communication 2.1.2.s2.b6)."""
    seen = set()
    for document, path in zip(documents, paths, strict=True):
        if document["id"] in seen:
            raise XapiError(400, f"{path}.id: {document['id']} appears twice in the batch")
        seen.add(document["id"])


def check_indexable(documents: list[dict], paths: list[str], mentions: dict) -> None:
    """Identifiers longer than the index columns hold are refused (400) rather than cut,
    which would make different agents or activities look the same."""
    for document, path in zip(documents, paths, strict=True):
        keys, activities = mentions[document["id"]]
        too_long = [("agent", key, AGENT_KEY_LENGTH) for key in keys if len(key) > AGENT_KEY_LENGTH]
        too_long += [
            ("IRI", iri, IRI_LENGTH)
            for iri in (document["verb"]["id"], *activities)
            if len(iri) > IRI_LENGTH
        ]
        for kind, value, limit in too_long[:1]:
            raise XapiError(
                400,
                f"{path}: the {kind} identifier {value[:60]}... is longer than the {limit} "
                "characters this LRS can store",
            )


def stored_ids(ids: list[str]) -> set[str]:
    """The ids among these that are stored."""
    query = select(Statement.statement_id).where(among(Statement.statement_id, ids))
    return set(db.session.scalars(query))


def _stored_documents(ids: list[str]) -> dict[str, dict]:
    """The stored statements among these ids. Usually there are none, so look the ids up
    first and read documents only for those found."""
    found = list(stored_ids(ids))
    if not found:
        return {}
    query = select(Statement.statement_id, Statement.document).where(
        among(Statement.statement_id, found)
    )
    return {
        statement_id: json.loads(document) for statement_id, document in db.session.execute(query)
    }


def _write(
    documents, rows, mentions, *, client_id, now, settings, attachments, may_void_others
) -> list[FreshStatement]:
    """The rows of new statements: the statements, what they mention, the statements they
    void, activity definitions, attachment data and, when forwarding, the outbox."""
    targets = check_voiding(documents, client_id=client_id, may_void_others=may_void_others)
    voided = targets | _already_voided([document["id"] for document in documents], client_id)
    people = users_by_agent_key({rows[d["id"]]["actor_key"] for d in documents}, settings.base_url)
    lock_people([*people.values(), *_people_of(targets)])  # before numbering: person_order
    pks = next_statement_pks(len(documents))
    for document, pk in zip(documents, pks, strict=True):
        row = rows[document["id"]]
        row["id"] = pk
        row["voided"] = document["id"] in voided and not row["is_voiding"]
        row["user_id"] = people.get(match_key(row["actor_key"]))
    insert_rows(Statement.__table__, [rows[document["id"]] for document in documents])
    _write_mentions(documents, pks, mentions)
    _mark_voided(targets)
    upsert_activity_definitions([a for d in documents for a in defined_activities(d)], now=now)
    _write_attachments(documents, attachments)
    if settings.forwarding:
        outbox = [
            {"statement_pk": pk, "enqueued_at": now, "next_attempt_at": now, "attempts": 0}
            for pk in pks
        ]
        insert_rows(OutboxItem.__table__, outbox)
    return [
        FreshStatement(pk, rows[d["id"]]["user_id"], client_id, now, rows[d["id"]]["voided"], d)
        for pk, d in zip(pks, documents, strict=True)
    ]


def _people_of(statement_ids: set[str]) -> list[int]:
    """The people the stored statements with these ids are about."""
    if not statement_ids:
        return []
    query = select(Statement.user_id).where(
        among(Statement.statement_id, statement_ids), Statement.user_id.is_not(None)
    )
    return list(db.session.scalars(query))


def next_statement_pks(count: int) -> list[int]:
    """Primary keys for `count` new statements, in the order given, so that none has to be
    read back after the insert. SQLite: the next after the largest, as SQLite itself would
    assign them; safe because this transaction holds the only write lock (lms.database).
    PostgreSQL: from the table's sequence, as concurrent writers do."""
    if db.session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence('statements', 'id')) "
            "FROM generate_series(1, :count)"
        )
        return list(db.session.scalars(query, {"count": count}))
    largest = db.session.scalar(select(func.max(Statement.id))) or 0
    return list(range(largest + 1, largest + 1 + count))


def _mark_voided(targets: set[str]) -> None:
    """Stored statements the batch voids become voided; voiding statements never do."""
    if not targets:
        return
    db.session.execute(
        update(Statement)
        .where(among(Statement.statement_id, targets), Statement.is_voiding.is_(False))
        .values(voided=True),
        execution_options={"synchronize_session": False},
    )


def check_voiding(
    documents: list[dict], *, client_id: int | None = None, may_void_others: bool = True
) -> set[str]:
    """The ids the batch voids. A voiding statement cannot itself be voided (Data 2.3.2.s1),
    so voiding one is refused; a target the LRS has not seen is accepted (2.3.2.s2.b5).

    Who may void what (xAPI leaves it to the LRS): an LRS client voids only statements it
    stored itself, unless it holds the statements/void scope; Uptake's own statements
    (`client_id` None) are voided only by Uptake or by such a client. Otherwise 403."""
    targets = {d["object"]["id"].lower(): d for d in documents if _is_voiding(d)}
    if not targets:
        return set()
    in_batch = {d["id"] for d in documents if _is_voiding(d)}
    stored = db.session.scalars(
        select(Statement.statement_id).where(
            among(Statement.statement_id, targets), Statement.is_voiding.is_(True)
        )
    )
    for target in in_batch.union(stored) & targets.keys():
        raise XapiError(
            400,
            f"statement {targets[target]['id']}: it voids {target}, "
            "a voiding statement, and voiding statements cannot be voided",
        )
    if client_id is not None and not may_void_others:
        _check_own_statements(targets, client_id)
    return set(targets)


def _check_own_statements(targets: dict[str, dict], client_id: int) -> None:
    others = db.session.scalars(
        select(Statement.statement_id).where(
            among(Statement.statement_id, targets),
            or_(Statement.client_id.is_(None), Statement.client_id != client_id),
        )
    )
    for target in others:
        raise XapiError(
            403,
            f"statement {targets[target]['id']}: it voids {target}, which another client "
            f"stored; voiding others' statements needs the {SCOPE_VOID} scope",
        )


def _already_voided(ids: list[str], client_id: int | None) -> set[str]:
    """Statements arriving after the statement that voids them are voided on arrival, when
    that voiding statement could have voided them had they been there (`check_voiding`)."""
    query = (
        select(Statement.target_statement_id, Statement.client_id, LrsClient.scopes)
        .outerjoin(LrsClient, LrsClient.id == Statement.client_id)
        .where(Statement.is_voiding.is_(True), among(Statement.target_statement_id, ids))
    )
    return {
        row.target_statement_id
        for row in db.session.execute(query)
        if row.client_id is None
        or row.client_id == client_id
        or SCOPE_VOID in (row.scopes or "").split()
    }


def _is_voiding(document: dict) -> bool:
    return document["verb"]["id"] == VERB_VOIDED


def _row(document: dict, client_id, now) -> dict:
    """A statement's row, but for what only the database can tell (id, voided, user_id)."""
    target = document["object"]
    kind = target.get("objectType", "Activity")
    registration = (document.get("context") or {}).get("registration")
    return {
        "statement_id": document["id"],
        "verb_id": document["verb"]["id"],
        "activity_id": target["id"] if kind == "Activity" else None,
        "target_statement_id": target["id"].lower() if kind == "StatementRef" else None,
        "actor_key": agent_key(document["actor"]) or "",
        "registration": registration.lower() if registration else None,
        "timestamp": parse_timestamp(document["timestamp"]),
        "stored": now,
        "is_voiding": _is_voiding(document),
        "client_id": client_id,
        "document": serialize(document),
    }


def _write_mentions(documents: list[dict], pks: list[int], mentions: dict) -> None:
    agents, activities = [], []
    for document, pk in zip(documents, pks, strict=True):
        agent_mentions, activity_mentions = mentions[document["id"]]
        for key, core in agent_mentions.items():
            agents.append({"statement_pk": pk, "agent_key": key, "core": core})
        for activity_id, core in activity_mentions.items():
            activities.append({"statement_pk": pk, "activity_id": activity_id, "core": core})
    if agents:
        insert_rows(StatementAgent.__table__, agents)
    if activities:
        insert_rows(StatementActivity.__table__, activities)


def _write_attachments(documents: list[dict], attachments) -> None:
    """Attachment data is kept once per hash, however many statements carry it."""
    if not attachments:
        return
    wanted = {a["sha2"] for d in documents for a in referenced_attachments(d)}
    rows = [
        {"sha2": sha2, "content_type": content_type, "content": content}
        for sha2, (content_type, content) in attachments.items()
        if sha2 in wanted
    ]
    insert_rows(Attachment.__table__, rows, ignore_duplicates=True)


def link_statements_to(user, settings: LrsSettings) -> int:
    """Give a person the statements stored about them before they were known to Uptake;
    returns how many were linked."""
    keys = keys_of_user(user, settings.base_url)
    # Their statements are found from the actor's mentions (statement_agents, core), the
    # index keyed by agent; statements has none of its own on actor_key.
    mentioned = select(StatementAgent.statement_pk).where(
        among(StatementAgent.agent_key, keys), StatementAgent.core.is_(True)
    )
    result = db.session.execute(
        update(Statement)
        .where(Statement.id.in_(mentioned), Statement.actor_key.in_(keys))
        .where(Statement.user_id.is_(None))
        .values(user_id=user.id),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount
