"""Responses of GET /xapi/statements: the format asked for, attachments as multipart/mixed
when asked for, and Last-Modified (xAPI 1.0.3, Communication 2.1.3)."""

import json

from flask import Response, request
from sqlalchemy import select

from lms.database import db
from lms.xapi.attachment_rules import referenced_attachments
from lms.xapi.formats import http_date
from lms.xapi.models import Activity, Attachment
from lms.xapi.multipart import build_multipart
from lms.xapi.query import StatementPage, StoredStatement
from lms.xapi.query_params import StatementQuery
from lms.xapi.statement_formats import activity_ids, as_canonical, as_ids


def single_response(found: StoredStatement, query: StatementQuery) -> Response:
    """One statement; Last-Modified is when it was stored (2.1.3.s2.b8)."""
    if query.format == "exact":
        body, documents = found.document, None
    else:
        documents = _formatted([json.loads(found.document)], query.format)
        body = json.dumps(documents[0], ensure_ascii=False)
    response = _respond(body.encode(), documents or [json.loads(found.document)], query)
    response.headers["Last-Modified"] = http_date(found.stored)
    return response


def page_response(page: StatementPage, query: StatementQuery, more: str) -> Response:
    """A StatementResult: the statements and the relative IRL of the next page, or ""."""
    more_json = json.dumps(more)
    if query.format == "exact" and not query.attachments:
        # Stored documents are already JSON: splice them rather than parse and re-encode.
        statements = ",".join(row.document for row in page.statements)
        body = f'{{"statements":[{statements}],"more":{more_json}}}'
        response = _respond(body.encode(), [], query)
    else:
        documents = _formatted([json.loads(row.document) for row in page.statements], query.format)
        body = json.dumps({"statements": documents, "more": more}, ensure_ascii=False)
        response = _respond(body.encode(), documents, query)
    if page.statements:
        response.headers["Last-Modified"] = http_date(max(row.stored for row in page.statements))
    return response


def _formatted(documents: list[dict], format_: str) -> list[dict]:
    if format_ == "ids":
        return [as_ids(document) for document in documents]
    if format_ == "canonical":
        wanted = set().union(*(activity_ids(document) for document in documents))
        definitions = _definitions(wanted)
        return [as_canonical(document, definitions, _choose_language) for document in documents]
    return documents


def _definitions(activity_ids_: set[str]) -> dict[str, dict]:
    if not activity_ids_:
        return {}
    rows = db.session.execute(
        select(Activity.activity_id, Activity.definition).where(
            Activity.activity_id.in_(activity_ids_)
        )
    )
    return {activity_id: json.loads(definition) for activity_id, definition in rows}


def _choose_language(tags: list[str]) -> str | None:
    """The Accept-Language header decides, map by map (Communication 2.1.3.s4.b5)."""
    return request.accept_languages.best_match(tags)


def _respond(body: bytes, documents: list[dict], query: StatementQuery) -> Response:
    """JSON, or with attachments=true multipart/mixed carrying every attachment's data
    (2.1.3.s2.b6, b7)."""
    if not query.attachments:
        return Response(body, mimetype="application/json")
    wanted = {a["sha2"] for document in documents for a in referenced_attachments(document)}
    rows = (
        db.session.execute(
            select(Attachment.sha2, Attachment.content_type, Attachment.content).where(
                Attachment.sha2.in_(wanted)
            )
        )
        if wanted
        else []
    )
    multipart, boundary = build_multipart(body, [tuple(row) for row in rows])
    # Unquoted: the boundary is hex, and some clients split the header naively.
    return Response(multipart, content_type=f"multipart/mixed; boundary={boundary}")
