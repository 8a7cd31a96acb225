"""The parameters of GET /xapi/statements, checked as strictly as statement values are
(xAPI 1.0.3, Communication 2.1.3 and 3.2.s3.b7, b8; Data 2.2.s4.b4). Pure."""

import re
from datetime import datetime

from lms.xapi.errors import XapiError
from lms.xapi.store.filters import MAX_LIMIT, StatementQuery
from lms.xapi.store.identifiers import agent_key
from lms.xapi.validation import formats, json_text
from lms.xapi.validation.agents import check_actor
from lms.xapi.validation.checks import StatementInvalid

FILTERS = (
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "ascending",
)
SINGLE = ("statementId", "voidedStatementId")
SHARED = ("format", "attachments")
KNOWN = frozenset((*FILTERS, *SINGLE, *SHARED))
FORMATS = ("ids", "exact", "canonical")
_DIGITS = re.compile(r"[0-9]+")


def parse_query(args: dict[str, str]) -> StatementQuery:
    """A StatementQuery from request parameters; 400 naming the parameter otherwise."""
    for name in args:
        if name not in KNOWN:
            raise XapiError(400, f"{name}: is not a parameter of GET statements")
    ids = [name for name in SINGLE if name in args]
    if len(ids) > 1:
        raise XapiError(400, "statementId and voidedStatementId cannot be used together")
    if ids:
        others = [name for name in args if name not in (*SINGLE, *SHARED)]
        if others:
            raise XapiError(400, f"{others[0]}: cannot be used with {ids[0]}")
    values = {}
    for name, raw in args.items():
        values[_attribute(name)] = _PARSERS[name](raw, name)
    return StatementQuery(**values)


def _attribute(name: str) -> str:
    return {"statementId": "statement_id", "voidedStatementId": "voided_statement_id"}.get(
        name, name
    )


def _uuid(raw: str, name: str) -> str:
    if not formats.is_uuid(raw):
        raise XapiError(400, f"{name}: must be a UUID")
    return raw.lower()


def _iri(raw: str, name: str) -> str:
    if not formats.is_iri(raw):
        raise XapiError(400, f"{name}: must be an IRI")
    return raw


def _bool(raw: str, name: str) -> bool:
    """Booleans are written as in JSON: true or false."""
    if raw not in ("true", "false"):
        raise XapiError(400, f"{name}: must be true or false")
    return raw == "true"


def _timestamp(raw: str, name: str) -> datetime:
    moment = formats.parse_timestamp(raw)
    if moment is None:
        raise XapiError(400, f"{name}: must be {formats.TIMESTAMP_RULE}")
    return moment


def _limit(raw: str, name: str) -> int:
    """A non-negative integer in ASCII digits (not "²", which str.isdigit accepts); 0, and
    anything above the server's maximum, however long, means the maximum."""
    if not _DIGITS.fullmatch(raw):
        raise XapiError(400, f"{name}: must be a non-negative integer")
    significant = raw.lstrip("0")
    if len(significant) > len(str(MAX_LIMIT)):
        return MAX_LIMIT
    return min(int(significant or "0"), MAX_LIMIT) or MAX_LIMIT


def _format(raw: str, name: str) -> str:
    if raw not in FORMATS:
        raise XapiError(400, f"{name}: must be ids, exact or canonical")
    return raw


def _agent(raw: str, name: str) -> str:
    """An Agent or Identified Group as JSON, validated as in a statement."""
    try:
        agent = json_text.loads(raw)
    except ValueError:
        raise XapiError(400, f"{name}: must be an Agent or Identified Group as JSON") from None
    try:
        check_actor(agent, name)
    except StatementInvalid as problem:
        raise XapiError(400, str(problem)) from None
    key = agent_key(agent)
    if key is None:
        raise XapiError(400, f"{name}: an anonymous Group cannot be used as a filter")
    return key


_PARSERS = {
    "statementId": _uuid,
    "voidedStatementId": _uuid,
    "agent": _agent,
    "verb": _iri,
    "activity": _iri,
    "registration": _uuid,
    "related_activities": _bool,
    "related_agents": _bool,
    "since": _timestamp,
    "until": _timestamp,
    "limit": _limit,
    "ascending": _bool,
    "format": _format,
    "attachments": _bool,
}
