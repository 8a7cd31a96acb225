"""Reporting a problem or suggestion, "My feedback", and the admins' inbox and triage.
Nobody but the reporter and admins sees a report: anyone else gets 404."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.auth.access import allowed_if
from lms.clock import utcnow
from lms.database import db
from lms.errors import FieldError
from lms.feedback import rules, services
from lms.feedback.forms import FeedbackForm, TriageForm
from lms.request_values import paginate

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _labels() -> dict:
    return {"categories": rules.CATEGORIES, "areas": rules.AREAS, "statuses": rules.STATUSES}


@bp.get("")
@login_required
def my_feedback():
    return render_template(
        "feedback/mine.html", items=services.list_own_feedback(current_user), **_labels()
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_feedback():
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            item = services.submit_feedback(
                current_user,
                category=form.category.data,
                area=form.area.data,
                description=form.description.data,
                now=utcnow(),
            )
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash("Thank you. You will see the answer here and in your notifications.", "success")
            return redirect(url_for("feedback.show_feedback", feedback_id=item.id))
    return render_template("feedback/new.html", form=form), 400 if form.errors else 200


@bp.get("/<int:feedback_id>")
@login_required
def show_feedback(feedback_id):
    item = services.get_feedback_for(current_user, feedback_id) or abort(404)
    can_triage = rules.can_triage(current_user.roles)
    form = TriageForm(formdata=None, obj=item) if can_triage else None
    return render_template(
        "feedback/show.html", item=item, form=form, can_triage=can_triage, **_labels()
    )


@bp.post("/<int:feedback_id>/triage")
@login_required
def triage(feedback_id):
    item = services.get_feedback_for(current_user, feedback_id) or abort(404)
    if not rules.can_triage(current_user.roles):
        abort(403)
    form = TriageForm()
    if form.validate_on_submit():
        try:
            changed = services.triage(
                current_user, item, status=form.status.data, answer=form.answer.data, now=utcnow()
            )
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash("Saved; the reporter is notified." if changed else "Nothing changed.", "success")
            return redirect(url_for("feedback.show_feedback", feedback_id=item.id))
    html = render_template("feedback/show.html", item=item, form=form, can_triage=True, **_labels())
    return html, 400


@bp.get("/inbox")
@allowed_if(rules.can_triage)
def inbox():
    filters = {key: request.args.get(key, "") for key in ("status", "category", "area")}
    page = paginate(services.search_feedback(**filters), per_page=50)
    return render_template(
        "feedback/inbox.html",
        page=page,
        filters=filters,
        counts=services.count_by_status(),
        **_labels(),
    )
