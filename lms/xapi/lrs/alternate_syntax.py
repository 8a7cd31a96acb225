"""The xAPI alternate request syntax (xAPI 1.0.3, Communication 1.3) as WSGI middleware: a
POST to /xapi/...?method=PUT whose form fields carry the headers, the parameters and the
content is turned back into the request it stands for, before Flask sees it. Repeated
slashes in an /xapi/ path are read as one there too: a client that joins an endpoint ending
in "/" with "/statements" is served, not redirected (a redirect fails a cross-origin
preflight)."""

import io
import json
import re
from urllib.parse import parse_qsl, urlencode

from werkzeug.wrappers import Response

from lms.xapi.lrs.http import CORS_HEADERS, XAPI_VERSION

PREFIX = "/xapi/"
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
# Form fields that stand for headers (1.3.s3.b6, b7), and their WSGI environ keys.
HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}


class AlternateRequestSyntax:
    """Rewrites alternate-syntax requests to /xapi/ paths; passes everything else through."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        # The Flask app whose wsgi_app this wraps: its MAX_CONTENT_LENGTH bounds the form,
        # which is read here, before Flask could apply the limit itself.
        self.flask_app = getattr(wsgi_app, "__self__", None)

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.wsgi_app(environ, start_response)
        if "//" in path:
            environ["PATH_INFO"] = re.sub("/{2,}", "/", path)
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if "method" not in (name for name, _ in query):
            return self.wsgi_app(environ, start_response)
        if self._too_long(environ):
            return _error("The form is larger than this LRS accepts.", 413)(environ, start_response)
        problem = rewrite(environ, query)
        if problem:
            return _error(problem)(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _too_long(self, environ: dict) -> bool:
        limit = getattr(self.flask_app, "config", {}).get("MAX_CONTENT_LENGTH")
        length = environ.get("CONTENT_LENGTH") or "0"
        digits = length.isascii() and length.isdigit()
        return limit is not None and digits and (len(length) > 18 or int(length) > limit)


def rewrite(environ: dict, query: list[tuple[str, str]]) -> str | None:
    """Turn the environ into the request it stands for; a message when it cannot be one."""
    if environ["REQUEST_METHOD"] != "POST":
        return "The alternate request syntax must be sent as a POST (Communication 1.3)."
    if len(query) != 1:
        return "With the alternate request syntax only method may be in the query string."
    method = query[0][1]
    if method not in METHODS:
        return f"method must be one of {', '.join(METHODS)}."
    mimetype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if mimetype != "application/x-www-form-urlencoded":
        return "The alternate request syntax sends application/x-www-form-urlencoded form fields."
    try:
        form = parse_qsl(
            _body(environ).decode("utf-8"), keep_blank_values=True, strict_parsing=True
        )
    except (UnicodeDecodeError, ValueError):
        return "The form fields are not valid application/x-www-form-urlencoded UTF-8."
    _apply(environ, method, form)
    return None


def _apply(environ: dict, method: str, form: list[tuple[str, str]]) -> None:
    """Header fields become headers (over a real header of the same name: the form is the
    request, 1.3.s3.b7), content becomes the body, every other field a query parameter
    (1.3.s3.b14)."""
    parameters, content, content_type = [], None, None
    for name, value in form:
        lowered = name.lower()
        if lowered == "content":
            content = value.encode("utf-8")  # interpreted as UTF-8 (1.3.s3.b5)
        elif lowered in HEADER_FIELDS:
            environ[HEADER_FIELDS[lowered]] = value
        elif lowered == "content-type":
            content_type = value
        elif lowered != "content-length":  # recomputed from the content itself
            parameters.append((name, value))
    body = content or b""
    environ["REQUEST_METHOD"] = method
    environ["QUERY_STRING"] = urlencode(parameters)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["CONTENT_TYPE"] = content_type or ("application/json" if content else "")


def _body(environ: dict) -> bytes:
    length = environ.get("CONTENT_LENGTH") or "0"
    return environ["wsgi.input"].read(int(length)) if length.isascii() and length.isdigit() else b""


def _error(message: str, status: int = 400) -> Response:
    body = json.dumps({"error": {"code": status, "message": message}})
    response = Response(body, status=status, mimetype="application/json")
    response.headers["X-Experience-API-Version"] = XAPI_VERSION
    response.headers.update(CORS_HEADERS)
    return response
