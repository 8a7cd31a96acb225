"""View decorators that check access before a view runs, and the answer for a page that
shows a secret once."""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user, login_required


def allowed_if(predicate):
    """Log-in required, then 403 unless `predicate(current_user.roles)` holds."""

    def decorate(view):
        @wraps(view)
        @login_required
        def checked(*args, **kwargs):
            if not predicate(current_user.roles):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def never_cached(page: str):
    """A page showing a secret (an LRS client's, a SCIM token): no cache may keep it."""
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response
