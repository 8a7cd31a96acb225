"""View decorators that check access before a view runs."""

from functools import wraps

from flask import abort
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
