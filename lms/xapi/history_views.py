"""A person's activity history page."""

from flask import abort, render_template
from flask_login import current_user, login_required

from lms.auth.services import get_person_for
from lms.database import db
from lms.xapi.history import history_lines, history_select
from lms.xapi.pages import bp

PAGE_SIZE = 50


@bp.get("/people/<int:person_id>/activity")
@login_required
def person_activity(person_id):
    person = get_person_for(current_user, person_id) or abort(404)
    page = db.paginate(history_select(person), per_page=PAGE_SIZE, error_out=False)
    lines = history_lines(page.items)
    return render_template("lrs/activity.html", person=person, page=page, lines=lines)
