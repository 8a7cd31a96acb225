"""pysaml2's IdP served on 127.0.0.1 for the browser test, started and stopped by the tests.

    python -m tests.sso.saml_idp.server PORT DIRECTORY

DIRECTORY holds Uptake's SP metadata (sp-metadata.xml) and the people who may sign in
(people.json: {"username": {"password": …, "email": …, "name": …, "groups": […]}}). The
IdP writes its own metadata to idp-metadata.xml there, then serves: /metadata, its log-in
page at /sso/redirect (the redirect binding), /login, which answers the SP by POST, and
single logout at /slo/redirect."""

import html
import json
import sys
from pathlib import Path

from saml2 import BINDING_HTTP_POST
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.sso.saml_idp.identity_provider import (
    identity_provider,
    idp_metadata,
    logout_answer,
    parse_logout_request,
    parse_request,
    parse_signed_request,
    response_xml,
)

LOG_IN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP: sign in</title></head>
<body><main><h1>Test IdP</h1>{problem}
<form method="post" action="/login">
<input type="hidden" name="SAMLRequest" value="{saml_request}">
<input type="hidden" name="RelayState" value="{relay_state}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in</button>
</form></main></body></html>"""


def identity_provider_app(directory: Path, base_url: str):
    """The WSGI application of the IdP at `base_url`."""
    server = identity_provider(base_url, directory, str(directory / "sp-metadata.xml"))
    (directory / "idp-metadata.xml").write_text(idp_metadata(server))
    people = json.loads((directory / "people.json").read_text())

    def log_in_page(form, problem: str = "") -> Response:
        fields = {name: html.escape(form.get(name, "")) for name in ("SAMLRequest", "RelayState")}
        page = LOG_IN_PAGE.format(
            problem=f'<p role="alert">{html.escape(problem)}</p>' if problem else "",
            saml_request=fields["SAMLRequest"],
            relay_state=fields["RelayState"],
        )
        return Response(page, mimetype="text/html")

    def log_in(form) -> Response:
        request = parse_request(server, form["SAMLRequest"])
        person = people.get(form.get("username", ""))
        if person is None or person["password"] != form.get("password"):
            return log_in_page(form, "Wrong username or password.")
        groups = person.get("groups", ())
        xml = response_xml(
            server, request, email=person["email"], name=person["name"], groups=groups
        )
        acs = request.assertion_consumer_service_url
        posted = server.apply_binding(
            BINDING_HTTP_POST, xml, acs, form.get("RelayState", ""), response=True
        )
        return Response(posted["data"], mimetype="text/html")

    @Request.application
    def serve(request: Request) -> Response:
        if request.path == "/metadata":
            return Response(idp_metadata(server), mimetype="application/samlmetadata+xml")
        if request.path == "/sso/redirect":
            parse_signed_request(server, request.args.to_dict())  # else an error, a 500
            return log_in_page(request.args)
        if request.path == "/login" and request.method == "POST":
            return log_in(request.form)
        if request.path == "/slo/redirect":
            logout_request = parse_logout_request(server, request.args.to_dict())
            return Response(status=302, headers={"Location": logout_answer(server, logout_request)})
        return Response("Not found", status=404)

    return serve


def main(port: int, directory: Path) -> None:
    app = identity_provider_app(directory, f"http://127.0.0.1:{port}")
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
