"""Headers on every response, and templates that give the Content-Security-Policy nothing to
forbid: no inline script, no inline event handlers, no javascript: links."""

import re
from pathlib import Path

import pytest

from lms.spreadsheets import safe_cell

TEMPLATES = Path(__file__).resolve().parents[2] / "lms" / "templates"
INLINE = re.compile(r"\son[a-z]+\s*=|<script(?![^>]*\ssrc=)|javascript:", re.IGNORECASE)


def test_no_template_has_inline_script_or_handlers():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("path", ["/login", "/xapi/about", "/nowhere", "/static/uptake.js"])
def test_security_headers_are_on_every_response(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_the_deactivate_confirmation_carries_the_name_as_data(client, login, make_user):
    login(make_user(roles={"admin"}))
    person = make_user(name="X');alert(1);//")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert 'data-confirm="Deactivate X&#39;);alert(1);//? They will no longer' in page
    assert "onsubmit" not in page


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+cmd", "'+cmd"),
        ("-1+2", "'-1+2"),
        ("@x", "'@x"),
        ("\t=x", "'\t=x"),
        ("Ann", "Ann"),
        (-5, -5),
    ],
)
def test_safe_cell(cell, written):
    assert safe_cell(cell) == written
