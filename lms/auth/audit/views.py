"""The audit log page (admins only): every change to roles, people and settings, newest
first, filtered by the person a change was about and by action."""

from flask import abort, render_template, request

from lms.auth.access import allowed_if
from lms.auth.audit import rules
from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.auth.views import bp
from lms.database import db
from lms.request_values import paginate, query_int

PAGE_SIZE = 50


@bp.get("/audit")
@allowed_if(rules.can_read_audit_log)
def audit_log():
    person_id = query_int("person")
    person = db.get_or_404(User, person_id) if person_id is not None else None
    action = request.args.get("action", "").strip() or None
    if action is not None and action not in audit.ACTIONS:
        abort(400, description=f"?action= must be one of: {', '.join(audit.ACTIONS)}.")
    # Uncounted: the log only grows, and a total would read all of it on every view.
    entries = audit.select_entries(person_id=person_id, action=action)
    page = paginate(entries, per_page=PAGE_SIZE, counted=False)
    return render_template(
        "auth/audit.html", page=page, person=person, action=action, actions=audit.ACTIONS
    )
