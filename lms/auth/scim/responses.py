"""SCIM's answers: application/scim+json, with the resource's version as its ETag; errors
as RFC 7644 §3.12 bodies. The application's error pages use `error_answer` under /scim/."""

import json

from flask import Response

from lms.auth.scim.rules import ScimError

SCIM_JSON = "application/scim+json"


def answer(body: dict | None, status: int = 200, *, headers: dict | None = None) -> Response:
    text = json.dumps(body) if body is not None else ""
    response = Response(text, status, mimetype=SCIM_JSON if body is not None else None)
    response.headers.update(headers or {})
    if body is not None and "version" in body.get("meta", {}):
        response.headers["ETag"] = body["meta"]["version"]
    return response


def error_answer(error: ScimError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="Uptake SCIM"'} if error.status == 401 else {}
    return answer(error.body(), error.status, headers=headers)
