"""What every LRS request shares: HTTP Basic client authentication and scopes, the
X-Experience-API-Version header, CORS for browser-based content, and errors as JSON."""

from functools import wraps

from flask import Blueprint, Response, current_app, g, jsonify, request

from lms.clock import utcnow
from lms.courses.packages import launching
from lms.database import db, read_only
from lms.xapi.clients import (
    SCOPE_AU_SESSION,
    authenticate_client,
    authority_for,
    client_scopes,
)
from lms.xapi.errors import XapiError
from lms.xapi.store.identifiers import agent_key
from lms.xapi.validation.formats import format_timestamp

XAPI_VERSION = "1.0.3"
bp = Blueprint("xapi", __name__, url_prefix="/xapi")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}


def error_response(status: int, message: str) -> Response:
    """The error as JSON. A 401 carries the HTTP Basic challenge only to a request that sent
    no credentials and does not come from a web page's script (no Origin header): a browser
    answers a Basic challenge with its login dialog, so an AU's request — with no token, or
    one refused because its session ended — would wait on a dialog over the course instead
    of seeing the 401."""
    response = jsonify({"error": {"code": status, "message": message}})
    response.status_code = status
    from_a_page = "Origin" in request.headers
    if status == 401 and not request.headers.get("Authorization") and not from_a_page:
        response.headers["WWW-Authenticate"] = 'Basic realm="Uptake LRS"'
    return response


@bp.errorhandler(XapiError)
def _xapi_error(error: XapiError):
    return error_response(error.status, str(error))


@bp.after_app_request
def _every_response(response: Response) -> Response:
    """Every LRS response names the xAPI version (Communication 3.3.s3.b1) and allows
    cross-origin use, errors from routing (404, 405) included; every Statement resource
    response says up to when statements are known to be readable (2.1.3.s2.b5)."""
    if not request.path.startswith(bp.url_prefix + "/"):
        return response
    response.headers["X-Experience-API-Version"] = XAPI_VERSION
    response.headers.update(CORS_HEADERS)
    if request.path.startswith(bp.url_prefix + "/statements"):
        # Statements are stored with the time of their request and committed before the
        # response, so everything stored before now is readable now.
        response.headers["X-Experience-API-Consistent-Through"] = format_timestamp(utcnow())
    return response


@bp.before_request
def _preflight():
    if request.method == "OPTIONS":
        return Response(status=204)
    return None


def check_version() -> None:
    """Every request but About must say which xAPI version it speaks: 1.0.x (xAPI 1.0.3, 6.2)."""
    version = request.headers.get("X-Experience-API-Version")
    if not version:
        raise XapiError(400, "The X-Experience-API-Version header is missing.")
    parts = version.split(".")
    if (
        parts[:2] != ["1", "0"]
        or len(parts) > 3
        or not all(p.isascii() and p.isdigit() for p in parts)
    ):
        raise XapiError(400, f"X-Experience-API-Version {version!r} is not supported; use 1.0.3.")


def authenticate() -> None:
    """Find the client from HTTP Basic credentials (401 otherwise): its id, scopes and
    authority go into `g`, as plain values."""
    auth = request.authorization
    client = None
    # A read of its own, ended at once: the request's writing transaction then begins at its
    # first write-side query, after the body is parsed and validated (lms.database).
    with read_only():
        if auth is not None and auth.type == "basic":
            client = authenticate_client(auth.username or "", auth.password or "")
        if client is not None:
            g.lrs_client_id = client.id
            g.lrs_scopes = client_scopes(client)
            g.lrs_authority = authority_for(client, current_app.config["BASE_URL"])
            g.lrs_au_session_id = None
        elif auth is not None and auth.type == "basic":
            client = _au_session(auth.username or "", auth.password or "")
        db.session.commit()  # nothing was written; this ends the read
    if client is None:
        raise XapiError(401, "Valid LRS client credentials (HTTP Basic) are required.")


def _au_session(key: str, secret: str):
    """A cmi5 AU's session credentials (fetched at launch), into `g` like a client's."""
    session = launching.authenticate_au(key, secret, now=utcnow())
    if session is None:
        return None
    base_url = current_app.config["BASE_URL"]
    actor = launching.cmi5_actor(session.progress.enrollment.user, base_url)
    g.lrs_client_id = None
    g.lrs_scopes = {SCOPE_AU_SESSION}
    g.lrs_authority = {
        "objectType": "Agent",
        "name": session.progress.unit.title,
        "account": {"homePage": base_url, "name": key},
    }
    g.lrs_au_session_id = session.id
    g.lrs_au_agent_key = agent_key(actor)
    return session


def lrs_resource(*any_of_scopes: str):
    """Authenticate, check the version header, and require one of the scopes (403 without)."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            authenticate()
            check_version()
            if any_of_scopes and not g.lrs_scopes & set(any_of_scopes):
                raise XapiError(403, "This client's scopes do not allow that.")
            return view(*args, **kwargs)

        return checked

    return decorate
