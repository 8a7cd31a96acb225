"""What every page shares: the signed-in user, the navigation, the error pages."""

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms.auth import rules
from lms.auth.champions import is_champion
from lms.auth.services import load_session_user
from lms.coaching.queries import is_delegated_coach
from lms.communications.services import navigation_label
from lms.extensions import login_manager


@login_manager.user_loader
def _load_user(session_value: str):
    return load_session_user(session_value)


def navigation_for(user) -> list[tuple[str, str]]:
    """(endpoint, label) pairs this person may use, in menu order."""
    if not user.is_authenticated:
        return []
    items = [("courses.my_plan", "My plan"), ("courses.catalogue", "Catalogue")]
    is_manager = user.is_manager
    if is_manager:
        items.append(("courses.team", "My team"))
    if is_manager or is_delegated_coach(user):
        items.append(("coaching.show_board", "Coaching"))
    if is_champion(user):
        items.append(("auth.my_supported_people", "People you support"))
    items.append(("gamification.leaderboards", "Leaderboards"))
    items.append(("gamification.list_badges", "Badges"))
    if user.has_role("hr") or user.has_role("admin"):
        items.append(("gamification.incentives", "Incentives"))
    if rules.can_list_people(user.roles):
        items.append(("auth.list_people", "People"))
        items.append(("auth.list_divisions", "Divisions"))
        items.append(("adoption.show_dashboard", "Adoption"))
    items.append(("communications.list_notifications", navigation_label(user)))
    items.append(("feedback.my_feedback", "Feedback"))
    items.append(("auth.account", "Account"))
    return items


def admin_tools_for(user) -> list[tuple[str, str]]:
    """(endpoint, label) pairs of the admin's tools, shown together under one menu entry."""
    if not user.is_authenticated or not rules.can_edit_people(user.roles):
        return []
    return [
        ("auth.import_people", "Import people"),
        ("lrs.list_clients", "LRS clients"),
        ("lrs.outbox", "Forwarding"),
        ("feedback.inbox", "Feedback inbox"),
        ("communications.sent_record", "Sent messages"),
    ]


def register(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        return {
            "navigation": navigation_for(current_user),
            "admin_tools": admin_tools_for(current_user),
        }

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return render_template("errors/error.html", code=400, message=error.description), 400

    for code, message in (
        (403, "You do not have access to this page."),
        (404, "There is nothing here, or you may not see it."),
        (413, "That file is too large."),
    ):
        app.register_error_handler(code, _error_page(code, message))


def _error_page(code: int, message: str):
    def handler(_error):
        return render_template("errors/error.html", code=code, message=message), code

    return handler
