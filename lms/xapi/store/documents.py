"""State, Activity Profile and Agent Profile documents (xAPI 1.0.3, Communication 2.2-2.7):
storing, merging, listing and deleting them, with ETag concurrency control (3.1).

Services: plain values in, flush, never commit. Writes to an existing document are
compare-and-set on its ETag, so two requests racing on one document cannot both win."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from lms.database import db
from lms.xapi.errors import XapiError
from lms.xapi.models import Document
from lms.xapi.store.concurrency import (
    Preconditions,
    check_preconditions,
    etag_of,
    require_preconditions,
)
from lms.xapi.validation import json_text

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class DocumentKey:
    """Where a document lives. Parts a resource does not use stay '' (see models.Document)."""

    kind: str
    document_id: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""


def is_json(content_type: str | None) -> bool:
    """application/json, whatever its parameters (charset=...)."""
    return (content_type or "").split(";")[0].strip().lower() == JSON_TYPE


# Reading ----------------------------------------------------------------------------------


def get_document(key: DocumentKey) -> Document | None:
    """The one document at this key, if there is one."""
    return db.session.scalar(
        select(Document).where(
            Document.kind == key.kind,
            Document.activity_id == key.activity_id,
            Document.agent_key == key.agent_key,
            Document.registration == key.registration,
            Document.document_id == key.document_id,
        )
    )


def list_document_ids(
    kind: str,
    *,
    activity_id: str = "",
    agent_key: str = "",
    registration: str | None = "",
    since: datetime | None = None,
) -> tuple[list[str], datetime | None]:
    """The ids of the documents in one context, and when the latest of them was updated.
    registration=None means any registration (Communication 2.3.s4); `since` is exclusive."""
    query = select(Document.document_id, Document.updated_at).where(
        Document.kind == kind,
        Document.activity_id == activity_id,
        Document.agent_key == agent_key,
    )
    if registration is not None:
        query = query.where(Document.registration == registration)
    if since is not None:
        query = query.where(Document.updated_at > since)
    rows = db.session.execute(query.order_by(Document.document_id)).all()
    ids = list(dict.fromkeys(row.document_id for row in rows))  # one per id across registrations
    return ids, max((row.updated_at for row in rows), default=None)


# Writing ----------------------------------------------------------------------------------


def put_document(
    key: DocumentKey,
    content: bytes,
    content_type: str,
    pre: Preconditions,
    *,
    now: datetime,
    concurrency_required: bool,
) -> None:
    """Store the document, replacing any earlier one (Communication 2.3.s3, 2.6.s3, 2.7.s3)."""
    current = get_document(key)
    current_etag = current.etag if current else None
    if concurrency_required:
        require_preconditions(current_etag, pre)
    check_preconditions(current_etag, pre)
    if is_json(content_type):
        parse_json(content, "The document")
    _write(key, current, content, content_type, pre, now=now)


def post_document(
    key: DocumentKey, content: bytes, content_type: str, pre: Preconditions, *, now: datetime
) -> None:
    """Store a new document, or merge a JSON object into an existing JSON object: each
    top-level property posted replaces the stored one (Communication 2.2.s7). Anything else
    is a 400 and changes nothing (2.2.s8.b1)."""
    current = get_document(key)
    check_preconditions(current.etag if current else None, pre)
    if current is None:
        if is_json(content_type):
            json_object(content, "The posted document")
        _write(key, None, content, content_type, pre, now=now)
        return
    if not (is_json(current.content_type) and is_json(content_type)):
        raise XapiError(
            400,
            "POST merges JSON into JSON: the stored document is "
            f"{current.content_type!r} and the posted one {content_type!r}; both must be "
            f"{JSON_TYPE}. Use PUT to replace the document.",
        )
    merged = json_object(current.content, "The stored document") | json_object(
        content, "The posted document"
    )
    merged_content = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    _write(key, current, merged_content, current.content_type, pre, now=now)


def delete_document(key: DocumentKey, pre: Preconditions) -> None:
    """Delete one document; deleting one that is not there is no error (but If-Match fails)."""
    current = get_document(key)
    check_preconditions(current.etag if current else None, pre)
    if current is None:
        return
    result = db.session.execute(
        delete(Document).where(Document.id == current.id, Document.etag == current.etag),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount == 0 and pre.given:
        raise XapiError(412, "The document changed while it was being deleted; GET it again.")
    db.session.expunge(current)


def delete_documents(
    kind: str, *, activity_id: str, agent_key: str, registration: str | None
) -> int:
    """Delete every document in a context (State, Communication 2.3.s5); registration=None
    means every registration."""
    query = delete(Document).where(
        Document.kind == kind, Document.activity_id == activity_id, Document.agent_key == agent_key
    )
    if registration is not None:
        query = query.where(Document.registration == registration)
    result = db.session.execute(query, execution_options={"synchronize_session": False})
    return result.rowcount


def _write(
    key: DocumentKey,
    current: Document | None,
    content: bytes,
    content_type: str,
    pre: Preconditions,
    *,
    now: datetime,
) -> None:
    """Insert, or update only if the document is still the one read (its ETag unchanged)."""
    values = {
        "content": content,
        "content_type": content_type,
        "etag": etag_of(content),
        "updated_at": now,
    }
    if current is None:
        _insert(key, values)
        return
    result = db.session.execute(
        update(Document)
        .where(Document.id == current.id, Document.etag == current.etag)
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(current)
    if result.rowcount == 0:
        raise _lost_race(pre)


def _insert(key: DocumentKey, values: dict) -> None:
    """A new document; if another request created it first, the unique key says so."""
    document = Document(
        kind=key.kind,
        activity_id=key.activity_id,
        agent_key=key.agent_key,
        registration=key.registration,
        document_id=key.document_id,
        **values,
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:
        raise _lost_race(Preconditions()) from None


def _lost_race(pre: Preconditions) -> XapiError:
    """A write overtaken by another: 412 if it set a precondition, else 409 (3.2.s2.b5)."""
    if pre.given:
        return XapiError(412, "The document changed while this request was processed.")
    return XapiError(
        409, "The document changed while this request was processed; GET it and retry."
    )


def parse_json(content: bytes, what: str):
    """The content as JSON (UTF-8, Communication 1.4), or a 400 saying why not."""
    try:
        return json_text.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise XapiError(
            400, f"{what} is sent as {JSON_TYPE} but is not valid JSON: {error}."
        ) from None


def json_object(content: bytes, what: str) -> dict:
    """The content as a JSON object: only objects merge (Communication 2.2.s8.b1)."""
    value = parse_json(content, what)
    if not isinstance(value, dict):
        raise XapiError(400, f"{what} must be a JSON object to be merged.")
    return value
