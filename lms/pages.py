"""What every page shares: the signed-in user, the navigation, the error pages."""

import logging

from flask import Flask, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from lms.auth import rules
from lms.auth.champions import is_champion
from lms.auth.scim import responses as scim_responses
from lms.auth.scim.rules import ScimError
from lms.auth.services import load_session_user
from lms.coaching.queries import is_delegated_coach
from lms.communications.services import count_unread, navigation_label
from lms.database import db
from lms.extensions import login_manager
from lms.xapi.lrs.http import error_response

log = logging.getLogger(__name__)
UNWRITABLE = (
    "The database cannot be written just now, so nothing was saved. Try again in a few minutes; "
    "if it lasts, tell your administrator."
)
UNWRITABLE_CHECKS = (
    "Administrators: the server's log says why at ERROR level. Check that the disk holding "
    "the database has space, that the database (the SQLite file and its folder, or the "
    "PostgreSQL server and role) accepts writes, and that no long-running job holds a lock."
)
RETRY_AFTER_SECONDS = 60
# SQLSTATEs and SQLite messages that mean "the database will not take a write just now":
# read-only transaction, disk full, out of memory, too many connections, shutting down or
# starting up; and class 08, the connection lost.
_UNWRITABLE_SQLSTATES = ("25006", "53100", "53200", "53300", "57P01", "57P02", "57P03")
_UNWRITABLE_SQLITE = ("readonly database", "disk is full", "database is locked", "disk I/O error")


@login_manager.user_loader
def _load_user(session_value: str):
    return load_session_user(session_value)


def navigation_for(user) -> list[tuple[str, str]]:
    """(endpoint, label) pairs this person may use, in menu order."""
    if not user.is_authenticated:
        return []
    items = [("courses.my_plan", _l("My plan")), ("courses.catalogue", _l("Catalogue"))]
    is_manager = user.is_manager
    if is_manager:
        items.append(("courses.team", _l("My team")))
    if is_manager or is_delegated_coach(user):
        items.append(("coaching.show_board", _l("Coaching")))
    if is_champion(user):
        items.append(("auth.my_supported_people", _l("People you support")))
    items.append(("gamification.leaderboards", _l("Leaderboards")))
    items.append(("gamification.list_badges", _l("Badges")))
    if user.has_role("hr") or user.has_role("admin"):
        items.append(("gamification.incentives", _l("Incentives")))
    if rules.can_list_people(user.roles):
        items.append(("adoption.show_dashboard", _l("Adoption")))
    return items


def account_links_for(user, unread: int) -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the person's own pages, in the menu under their name (so the
    main menu fits one line on a laptop whatever the person's roles)."""
    if not user.is_authenticated:
        return []
    return [
        ("communications.list_notifications", navigation_label(unread)),
        ("feedback.my_feedback", _l("Feedback")),
        ("auth.account", _l("Account")),
    ]


def menu_groups_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """(label, links) of the pages grouped under one main-menu entry each, so the menu fits one
    line on a laptop: the directory (People, Divisions) for HR under Organisation; for admins
    the directory and their tools under Admin."""
    if not user.is_authenticated or not rules.can_list_people(user.roles):
        return []
    directory = [("auth.list_people", _l("People")), ("auth.list_divisions", _l("Divisions"))]
    if rules.can_edit_people(user.roles):
        return [(_l("Admin"), directory + admin_tools())]
    return [(_l("Organisation"), directory)]


def admin_tools() -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the admin's tools."""
    return [
        ("auth.import_people", _l("Import people")),
        ("crm.list_connections", _l("CRM connections")),
        ("packages_admin.list_packages", _l("E-learning packages")),
        ("lrs.list_clients", _l("LRS clients")),
        ("scim_tokens.list_tokens", _l("SCIM tokens")),
        ("lrs.outbox", _l("Forwarding")),
        ("feedback.inbox", _l("Feedback inbox")),
        ("communications.sent_record", _l("Sent messages")),
        ("auth.audit_log", _l("Audit log")),
    ]


def register(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        unread = count_unread(current_user) if current_user.is_authenticated else 0
        return {
            "navigation": navigation_for(current_user),
            "menu_groups": menu_groups_for(current_user),
            "account_links": account_links_for(current_user, unread),
            "unread_notifications": unread,
        }

    @app.before_request
    def _no_nul_characters():
        """No text column of either database can hold a NUL character: refuse it at the
        door, whichever part of the address, form field or parameter it comes in. (The LRS
        reads its own bodies: reading them as a form here would consume them.)"""
        if "\0" in request.path:
            abort(400, description="The address holds a NUL character.")
        form = () if request.path.startswith("/xapi/") else request.form.items(multi=True)
        for name, value in (*request.args.items(multi=True), *form):
            if "\0" in name or "\0" in value:
                abort(400, description=f"{name!r} holds a NUL character.")

    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)


# No script but Uptake's own files (so nothing a person typed can run), no plugins, no
# framing, forms post only here. Inline *style* stays allowed: style attributes carry computed
# widths and indents (progress bars, reporting trees) and cannot run anything.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _security_headers(response):
    """On every response, the LRS's included (its CORS headers are another matter)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


MESSAGES = {
    400: _l("That request could not be understood."),
    403: _l("You do not have access to this page."),
    404: _l("There is nothing here, or you may not see it."),
    405: _l("That page cannot be used that way."),
    413: _l("That file is too large."),
    # The server's own failures stay in English: choosing a language reads the person from
    # the database, which may be what failed.
    500: "Something went wrong on our side; nothing was saved. Try again, and if it happens "
    "again tell your administrator.",
    503: UNWRITABLE,
}


def _http_error(error: HTTPException):
    """Every HTTP error: JSON with a message under /xapi/ (as the LRS's own 400s are), a page
    elsewhere. A 400's own description (naming the field or parameter) is shown as it is."""
    code = error.code or 500
    if code < 400:
        return error
    said = error.description if error.description != type(error).description else None
    return error_page(code, (code == 400 and said) or MESSAGES.get(code, error.name))


def _database_error(error: DBAPIError):
    """A database that will not take a write is a 503 the admin is told about in the log;
    any other database failure a 500. Either way the transaction is rolled back."""
    db.session.rollback()
    if is_unwritable(error):
        log.error(
            "The database refused a write (%s: %s): check its disk space, that the file or "
            "server is writable, and for a long-running lock.",
            type(error.orig).__name__,
            error.orig,
        )
        response = error_page(503, UNWRITABLE, detail=UNWRITABLE_CHECKS)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    log.exception("database error")
    return error_page(500, MESSAGES[500])


def is_unwritable(error: DBAPIError) -> bool:
    """Read-only, full or locked: the database is there but will not take this write now."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _UNWRITABLE_SQLSTATES or (sqlstate or "").startswith("08"):
        return True
    text = str(error.orig)
    return sqlstate is None and any(fragment in text for fragment in _UNWRITABLE_SQLITE)


def error_page(code: int, message: str, *, detail: str = ""):
    """The error as the client can read it: JSON under /xapi/ and /scim/, else a page that needs no
    database (the database may be the problem); `detail` is for whoever runs the server."""
    if request.path.startswith("/xapi/"):
        return error_response(code, f"{message} {detail}".strip())
    if request.path.startswith("/scim/"):
        return scim_responses.error_answer(ScimError(code, f"{message} {detail}".strip()))
    template = "errors/error.html" if code < 500 else "errors/plain.html"
    page = render_template(template, code=code, message=message, detail=detail)
    return make_response(page, code)
