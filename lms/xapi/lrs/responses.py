"""Responses of GET /xapi/statements (xAPI 1.0.3, Communication 2.1.3): attachments as
multipart/mixed when asked for, Last-Modified, and the `format` asked for — `exact` as stored,
`ids` with only what identifies each Agent, Group, Activity and Verb, `canonical` with the
LRS's own Activity definitions and one language per language map (the formats are pure)."""

import json
from collections.abc import Callable

from flask import Response, request
from sqlalchemy import select

from lms.database import db
from lms.xapi.lrs.multipart import build_multipart
from lms.xapi.models import Activity, Attachment
from lms.xapi.store.filters import StatementQuery
from lms.xapi.store.query import StatementPage, StoredStatement
from lms.xapi.validation.agents import IFIS
from lms.xapi.validation.attachments import referenced_attachments
from lms.xapi.validation.formats import http_date

Chooser = Callable[[list[str]], str | None]  # picks a language tag (Accept-Language)
LANGUAGE_MAPS = ("name", "description")
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


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


def as_ids(statement: dict) -> dict:
    """Agents and Groups keep objectType and their identifier (anonymous groups, their
    members'); Activities and Verbs only their id."""
    return _rewrite(statement, agent=_agent_ids, activity=_activity_ids, verb=_verb_ids)


def as_canonical(statement: dict, definitions: dict[str, dict], choose: Chooser) -> dict:
    """Activities carry the canonical definition, Verbs their display, each language map
    narrowed to the one language the request prefers (Communication 2.1.3.s4)."""

    def activity(value: dict) -> dict:
        definition = definitions.get(value["id"], value.get("definition"))
        result = {key: item for key, item in value.items() if key != "definition"}
        if definition:
            result["definition"] = _narrow_definition(definition, choose)
        return result

    def verb(value: dict) -> dict:
        if "display" not in value:
            return value
        return {**value, "display": narrow(value["display"], choose)}

    return _rewrite(statement, agent=lambda agent: agent, activity=activity, verb=verb)


def activity_ids(statement: dict) -> set[str]:
    """Every Activity id a statement mentions, to load their canonical definitions."""
    found: set[str] = set()

    def collect(value: dict) -> dict:
        found.add(value["id"])
        return value

    _rewrite(statement, agent=lambda agent: agent, activity=collect, verb=lambda verb: verb)
    return found


def narrow(language_map: dict, choose: Chooser) -> dict:
    """One entry of a language map: the preferred language, else the first."""
    if len(language_map) <= 1:
        return language_map
    tag = choose(list(language_map)) or next(iter(language_map))
    return {tag: language_map[tag]}


def _narrow_definition(definition: dict, choose: Chooser) -> dict:
    result = dict(definition)
    for key in LANGUAGE_MAPS:
        if key in result:
            result[key] = narrow(result[key], choose)
    for key in COMPONENT_LISTS:
        if key in result:
            result[key] = [
                {**item, "description": narrow(item["description"], choose)}
                if "description" in item
                else item
                for item in result[key]
            ]
    return result


def _agent_ids(agent: dict) -> dict:
    result = {key: agent[key] for key in ("objectType", *IFIS) if key in agent}
    if "member" in agent and not any(key in agent for key in IFIS):
        result["member"] = [_agent_ids(member) for member in agent["member"]]
    return result


def _activity_ids(activity: dict) -> dict:
    """An Activity reduced to its id alone (Communication 2.1.3.s1 "ids")."""
    return {"id": activity["id"]}


def _verb_ids(verb: dict) -> dict:
    return {"id": verb["id"]}


def _rewrite(statement: dict, *, agent, activity, verb) -> dict:
    """A copy with every Agent/Group, Activity and Verb passed through the given functions."""
    result = dict(statement)
    result["actor"] = agent(statement["actor"])
    result["verb"] = verb(statement["verb"])
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        result["object"] = activity(target)
    elif kind in ("Agent", "Group"):
        result["object"] = agent(target)
    elif kind == "SubStatement":
        result["object"] = _rewrite(target, agent=agent, activity=activity, verb=verb)
    if "authority" in statement:
        result["authority"] = agent(statement["authority"])
    if "context" in statement:
        result["context"] = _rewrite_context(statement["context"], agent, activity)
    return result


def _rewrite_context(context: dict, agent, activity) -> dict:
    result = dict(context)
    for key in ("instructor", "team"):
        if key in context:
            result[key] = agent(context[key])
    if "contextActivities" in context:
        result["contextActivities"] = {
            kind: [activity(item) for item in (items if isinstance(items, list) else [items])]
            for kind, items in context["contextActivities"].items()
        }
    return result
