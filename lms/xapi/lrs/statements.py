"""The Statement and About resources (xAPI 1.0.3, Communication 2.1, 2.8): PUT, POST, GET
and HEAD /xapi/statements, the `more` pages, GET /xapi/about."""

from flask import Response, current_app, g, jsonify, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.clock import utcnow
from lms.courses.packages import tracking
from lms.courses.packages.models import LaunchSession
from lms.database import db
from lms.xapi.clients import (
    SCOPE_AU_SESSION,
    SCOPE_READ_ALL,
    SCOPE_READ_MINE,
    SCOPE_VOID,
    SCOPE_WRITE,
)
from lms.xapi.errors import XapiError
from lms.xapi.lrs.http import bp, lrs_resource
from lms.xapi.lrs.multipart import parse_multipart, statement_parts
from lms.xapi.lrs.query_params import parse_query
from lms.xapi.lrs.responses import page_response, single_response
from lms.xapi.settings import lrs_settings
from lms.xapi.store.query import get_statement, query_statements
from lms.xapi.store.write import store_batch
from lms.xapi.validation import json_text
from lms.xapi.validation.formats import is_uuid

SUPPORTED_VERSIONS = ["1.0.3", "1.0.2", "1.0.1", "1.0.0"]


@bp.get("/about")
def about():
    """What this LRS is; open to all, whatever version header comes (2.8.s5.b3, b4)."""
    return jsonify({"version": SUPPORTED_VERSIONS, "extensions": {}})


@bp.put("/statements")
@lrs_resource(SCOPE_WRITE, SCOPE_AU_SESSION)
def put_statement():
    """Store one statement under the id the statementId parameter gives: 204 (2.1.1)."""
    _only_parameters({"statementId"})
    statement_id = request.args.get("statementId")
    if statement_id is None:
        raise XapiError(400, "statementId: is required to PUT a statement")
    if not is_uuid(statement_id):
        raise XapiError(400, "statementId: must be a UUID")
    body, attachments = _read_statements()
    if not isinstance(body, dict):
        raise XapiError(400, "statement: PUT takes a single statement (a JSON object)")
    given = body.get("id")
    if isinstance(given, str) and given.lower() != statement_id.lower():
        raise XapiError(400, "statement.id: does not match the statementId parameter")
    # A statement without an id takes the parameter's; a malformed id is left for validation.
    _store([body if given is not None else {**body, "id": statement_id}], attachments)
    return Response(status=204)


@bp.post("/statements")
@lrs_resource(SCOPE_WRITE, SCOPE_AU_SESSION)
def post_statements():
    """Store a statement or an array of them; 200 with their ids in order (2.1.2)."""
    _only_parameters(set())
    body, attachments = _read_statements()
    statements = body if isinstance(body, list) else [body]
    ids = _store(statements, attachments)
    return jsonify(ids)


@bp.get("/statements")
@lrs_resource(SCOPE_READ_ALL, SCOPE_READ_MINE)
def get_statements():
    """One statement by statementId or voidedStatementId, else a StatementResult (2.1.3)."""
    query = parse_query(request.args.to_dict())
    if query.single:
        found = get_statement(query, client_id=_reader_scope())
        if found is None:
            raise XapiError(404, f"No statement {query.single} is stored here.")
        return single_response(found, query)
    return _page(query, after=None)


@bp.get("/statements/more/<token>")
@lrs_resource(SCOPE_READ_ALL, SCOPE_READ_MINE)
def more_statements(token: str):
    """The next page of an earlier query; the link holds the query and where it stopped,
    so it stays usable as long as the secret key does (Data 2.5.s3.b1)."""
    _only_parameters(set())
    try:
        saved = _more_serializer().loads(token)
    except BadSignature:
        raise XapiError(400, "This more link is not one this LRS gave out.") from None
    return _page(parse_query(saved["query"]), after=saved["after"], args=saved["query"])


def _page(query, *, after, args=None):
    page = query_statements(query, client_id=_reader_scope(), after=after)
    more = ""
    if page.last_pk is not None:
        token = _more_serializer().dumps(
            {"query": args if args is not None else request.args.to_dict(), "after": page.last_pk}
        )
        more = url_for("xapi.more_statements", token=token)
    return page_response(page, query, more)


def _store(statements: list, attachments) -> list[str]:
    """Store and commit; when a concurrent request stored one of the ids between the
    duplicate check and the insert, store again: it is now a known id (same, or 409)."""
    try:
        ids = _store_once(statements, attachments)
    except IntegrityError:
        db.session.rollback()
        ids = _store_once(statements, attachments)
    db.session.commit()
    return ids


def _store_once(statements: list, attachments) -> list[str]:
    """Store, then what follows statements from outside (points, badges) in the same
    transaction. A cmi5 AU's statements are checked against the cmi5 rules first (403
    when one breaks them: cmi5 6.3), and what they say moves its unit on."""
    now = utcnow()
    session = _au_session()
    if session is not None:
        try:
            facts = tracking.check_au_statements(session, statements)
        except tracking.AuStatementRefused as refused:
            raise XapiError(403, str(refused)) from None
    batch = store_batch(
        statements,
        authority=g.lrs_authority,
        client_id=g.lrs_client_id,
        now=now,
        settings=lrs_settings(),
        attachments=attachments,
        may_void_others=SCOPE_VOID in g.lrs_scopes,
    )
    events.publish(events.StatementsReceived(fresh=tuple(batch.fresh), now=now))
    if session is not None:
        scores = tracking.scaled_scores(statements)
        tracking.record_au_statements(session, facts, scores, now=now)
    return batch.ids


def _au_session():
    """The cmi5 launch session whose AU is sending, or None for an LRS client."""
    session_id = g.get("lrs_au_session_id")
    return None if session_id is None else db.session.get(LaunchSession, session_id)


def _reader_scope() -> int | None:
    """statements/read/mine reads only what this client stored (Communication 4.2)."""
    return None if SCOPE_READ_ALL in g.lrs_scopes else g.lrs_client_id


def _only_parameters(allowed: set[str]) -> None:
    """Parameters the resource does not define are refused (Communication 3.2.s3.b7, b8)."""
    for name in request.args:
        if name not in allowed:
            raise XapiError(400, f"{name}: is not a parameter of {request.method} statements")


def _read_statements():
    """The request's statements as parsed JSON, and attachment data by SHA-2 for
    multipart/mixed (None for application/json) (Communication 1.5)."""
    mimetype = request.mimetype
    if mimetype == "application/json":
        return _parse_json(request.get_data()), None
    if mimetype == "multipart/mixed":
        parts = parse_multipart(request.get_data(), request.mimetype_params.get("boundary"))
        statements, attachments = statement_parts(parts)
        return _parse_json(statements), attachments
    raise XapiError(400, "Content-Type must be application/json or multipart/mixed.")


def _parse_json(raw: bytes):
    """UTF-8 JSON (Communication 1.4) with no property given twice in one object
    (Data 2.2.s2.b2), which a plain parse would let the last one win silently."""
    try:
        return json_text.loads(raw.decode("utf-8"), object_pairs_hook=_object_without_repeats)
    except DuplicateProperty as repeated:
        raise XapiError(400, f"{repeated}: is given more than once in one object") from None
    except json_text.TooDeep as too_deep:
        raise XapiError(400, f"The request body: {too_deep}.") from None
    except (UnicodeDecodeError, ValueError):
        raise XapiError(400, "The request body is not valid UTF-8 JSON.") from None


class DuplicateProperty(ValueError):
    """A JSON object names the same property twice."""


def _object_without_repeats(pairs: list[tuple]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateProperty(key)
            seen.add(key)
    return result


def _more_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="xapi-more-statements")
