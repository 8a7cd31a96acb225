"""The State, Activity Profile, Agent Profile, Activities and Agents resources under /xapi/
(xAPI 1.0.3, Communication 2.2-2.7). Writes need statements/write; reads need
statements/read or statements/read/mine (documents belong to no one client)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Response, g, jsonify, request

from lms.clock import utcnow
from lms.courses.packages import launching
from lms.database import db
from lms.xapi.clients import SCOPE_AU_SESSION, SCOPE_READ_ALL, SCOPE_READ_MINE, SCOPE_WRITE
from lms.xapi.errors import XapiError
from lms.xapi.lrs import resource_params
from lms.xapi.lrs.directory import canonical_activity, person_object
from lms.xapi.lrs.http import bp, lrs_resource
from lms.xapi.settings import lrs_settings
from lms.xapi.store import documents
from lms.xapi.store.concurrency import Preconditions
from lms.xapi.store.documents import DocumentKey

READ_SCOPES = (SCOPE_READ_ALL, SCOPE_READ_MINE)
LAUNCH_DATA = "LMS.LaunchData"  # written by Uptake at each cmi5 launch (cmi5 10.0)


@dataclass(frozen=True)
class DocumentResource:
    """One of the three document resources: its path and which parameters place a document."""

    kind: str
    path: str
    id_param: str
    by_activity: bool
    by_agent: bool
    by_registration: bool = False
    # PUT must carry If-Match or If-None-Match on the profiles, not on State (3.1.s3).
    concurrency_required: bool = True
    # Only State deletes a whole context at once (2.3.s5).
    deletes_many: bool = False

    def context_params(self) -> set[str]:
        """The parameters every request to the resource needs."""
        return {
            name
            for name, used in (("activityId", self.by_activity), ("agent", self.by_agent))
            if used
        }

    def allowed_params(self, method: str) -> set[str]:
        """The parameters the method takes: `since` only lists ids (GET)."""
        allowed = self.context_params() | {self.id_param}
        if self.by_registration:
            allowed.add("registration")
        if method == "GET":
            allowed.add("since")
        return allowed


STATE = DocumentResource(
    documents.STATE,
    "/activities/state",
    "stateId",
    by_activity=True,
    by_agent=True,
    by_registration=True,
    concurrency_required=False,
    deletes_many=True,
)
ACTIVITY_PROFILE = DocumentResource(
    documents.ACTIVITY_PROFILE, "/activities/profile", "profileId", by_activity=True, by_agent=False
)
AGENT_PROFILE = DocumentResource(
    documents.AGENT_PROFILE, "/agents/profile", "profileId", by_activity=False, by_agent=True
)


def read_documents(resource: DocumentResource):
    """GET: one document by its id, else the ids in the context (optionally `since`)."""
    params = request.args
    key = _key(resource, "GET", needs_id=False)
    since = resource_params.since(params)
    if resource.id_param in params:
        _note_preferences_read(resource, key)
        document = documents.get_document(key)
        if document is None:
            raise XapiError(404, f"No document with {resource.id_param} {key.document_id!r} here.")
        response = Response(document.content, content_type=document.content_type)
        return _stamped(response, document.updated_at, etag=document.etag)
    registration = key.registration if "registration" in params else None
    ids, latest = documents.list_document_ids(
        resource.kind,
        activity_id=key.activity_id,
        agent_key=key.agent_key,
        registration=registration,
        since=since,
    )
    return _stamped(jsonify(ids), latest)


def put_document(resource: DocumentResource):
    """PUT: store the document, replacing any earlier one."""
    key = _key(resource, "PUT", needs_id=True)
    documents.put_document(
        key,
        request.get_data(),
        _content_type(),
        _preconditions(),
        now=utcnow(),
        concurrency_required=resource.concurrency_required,
    )
    return _done()


def post_document(resource: DocumentResource):
    """POST: store the document, or merge JSON into the stored JSON."""
    key = _key(resource, "POST", needs_id=True)
    documents.post_document(
        key, request.get_data(), _content_type(), _preconditions(), now=utcnow()
    )
    return _done()


def delete_document(resource: DocumentResource):
    """DELETE: one document by its id; for State, without an id, the whole context."""
    key = _key(resource, "DELETE", needs_id=not resource.deletes_many)
    if resource.id_param in request.args:
        documents.delete_document(key, _preconditions())
    else:
        registration = key.registration if "registration" in request.args else None
        documents.delete_documents(
            resource.kind,
            activity_id=key.activity_id,
            agent_key=key.agent_key,
            registration=registration,
        )
    return _done()


def _register(resource: DocumentResource) -> None:
    """The four methods of one document resource (HEAD comes with GET)."""
    for method, handler, scopes in (
        ("GET", read_documents, (*READ_SCOPES, SCOPE_AU_SESSION)),
        ("PUT", put_document, (SCOPE_WRITE, SCOPE_AU_SESSION)),
        ("POST", post_document, (SCOPE_WRITE, SCOPE_AU_SESSION)),
        ("DELETE", delete_document, (SCOPE_WRITE, SCOPE_AU_SESSION)),
    ):
        view = lrs_resource(*scopes)(_bound(handler, resource))
        endpoint = f"{method.lower()}_{resource.kind}"
        bp.add_url_rule(resource.path, endpoint, view, methods=[method])


def _bound(handler, resource: DocumentResource):
    """A view function serving `handler` for one resource."""

    def view():
        return handler(resource)

    view.__name__ = f"{handler.__name__}_{resource.kind}"
    view.__doc__ = handler.__doc__
    return view


for _resource in (STATE, ACTIVITY_PROFILE, AGENT_PROFILE):
    _register(_resource)


@bp.get("/activities")
@lrs_resource(*READ_SCOPES)
def get_activity():
    """The complete Activity object for activityId (Communication 2.5)."""
    resource_params.check_parameters(request.args, {"activityId"}, {"activityId"})
    activity_id = resource_params.iri(request.args, "activityId")
    return _stamped(jsonify(canonical_activity(activity_id)), None)


@bp.get("/agents")
@lrs_resource(*READ_SCOPES)
def get_person():
    """The Person object for an agent (Communication 2.4)."""
    resource_params.check_parameters(request.args, {"agent"}, {"agent"})
    agent, key = resource_params.agent(request.args)
    reveal = SCOPE_READ_ALL in g.lrs_scopes
    person = person_object(agent, key, settings=lrs_settings(), reveal=reveal)
    return _stamped(jsonify(person), None)


# Helpers ----------------------------------------------------------------------------------


def _key(resource: DocumentResource, method: str, *, needs_id: bool) -> DocumentKey:
    """Check the request's parameters and say which document (or context) they name."""
    params = request.args
    required = resource.context_params() | ({resource.id_param} if needs_id else set())
    resource_params.check_parameters(params, resource.allowed_params(method), required)
    agent_key = resource_params.agent(params)[1] if resource.by_agent else ""
    key = DocumentKey(
        kind=resource.kind,
        document_id=(
            resource_params.document_id(params, resource.id_param)
            if resource.id_param in params
            else ""
        ),
        activity_id=resource_params.iri(params, "activityId") if resource.by_activity else "",
        agent_key=agent_key,
        registration=resource_params.registration(params) if resource.by_registration else "",
    )
    if g.get("lrs_au_session_id") is not None:
        _check_au_may(resource, key, method)
    return key


def _note_preferences_read(resource: DocumentResource, key: DocumentKey) -> None:
    """A cmi5 AU reading its learner's preferences, found or not, may then send statements
    (cmi5 11.0: it reads them on startup)."""
    session_id = g.get("lrs_au_session_id")
    if session_id is None or resource.kind != documents.AGENT_PROFILE:
        return
    if key.document_id == launching.LEARNER_PREFERENCES:
        launching.note_preferences_read(session_id, now=utcnow())
        db.session.commit()


def _check_au_may(resource: DocumentResource, key: DocumentKey, method: str) -> None:
    """A cmi5 AU reads and writes only its learner's documents, reads activity profiles,
    and never changes LMS.LaunchData (cmi5 10.2.1) or the learner preferences: 403
    otherwise."""
    if resource.by_agent and key.agent_key != g.lrs_au_agent_key:
        raise XapiError(403, "agent: an AU's credentials reach only its own learner's documents")
    if not resource.by_agent and method != "GET":
        raise XapiError(403, "An AU's credentials cannot change activity profiles.")
    # cmi5 11.0: the LMS may refuse an AU's changes to the learner preferences; Uptake keeps
    # them with the person (their language), so an AU reads them and never writes them.
    preferences = key.document_id in ("", launching.LEARNER_PREFERENCES)
    if resource.kind == documents.AGENT_PROFILE and preferences and method != "GET":
        raise XapiError(403, "Uptake keeps the learner's preferences; an AU may only read them.")
    if (
        resource.kind == documents.STATE
        and method != "GET"
        and key.document_id in ("", LAUNCH_DATA)
    ):
        raise XapiError(403, f"{LAUNCH_DATA} is written by the LMS; an AU may only read it.")


def _preconditions() -> Preconditions:
    """The request's If-Match / If-None-Match headers."""
    return Preconditions(
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
    )


def _content_type() -> str:
    """Documents keep the type they were sent with; binary when the sender gave none."""
    return request.headers.get("Content-Type") or "application/octet-stream"


def _stamped(response: Response, updated_at: datetime | None, *, etag: str | None = None):
    """Every GET carries an ETag, the SHA-1 of what it returns (Communication 3.1.s4.b1, b2),
    and documents their Last-Modified time (2.2.s6)."""
    response.set_etag(etag or hashlib.sha1(response.get_data()).hexdigest())
    if updated_at is not None:
        response.last_modified = updated_at
    return response


def _done() -> Response:
    """A write that worked: committed, and 204 No Content."""
    db.session.commit()
    return Response(status=204)
