"""A person's notifications (read, mark read, mute) and, for admins, the record of every
message sent: to whom, when, and what became of its e-mail."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth.access import allowed_if
from lms.auth.forms import ConfirmForm
from lms.clock import utcnow
from lms.communications import rules, services
from lms.communications.forms import MuteForm, SentFilterForm
from lms.database import db
from lms.request_values import paginate

bp = Blueprint("communications", __name__)

PAGE_SIZE = 30


def _can_see_record(roles) -> bool:
    return "admin" in roles


@bp.get("/notifications")
@login_required
def list_notifications():
    page = paginate(services.list_notifications(current_user), per_page=PAGE_SIZE)
    mute_form = MuteForm(formdata=None, mute_non_essential=services.is_muted(current_user.id))
    return render_template(
        "communications/notifications.html",
        page=page,
        unread=services.count_unread(current_user),
        mute_form=mute_form,
        confirm=ConfirmForm(),
        labels=rules.KIND_LABELS,
    )


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    notification = services.get_own_notification(current_user, notification_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.mark_read(notification, now=utcnow())
    db.session.commit()
    if request.form.get("open") and notification.link:
        return redirect(notification.link)  # always a path inside Uptake (rules.is_safe_link)
    return redirect(url_for("communications.list_notifications"))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = services.mark_all_read(current_user, now=utcnow())
    db.session.commit()
    flash(f"{count} notification{'s' if count != 1 else ''} marked read.", "success")
    return redirect(url_for("communications.list_notifications"))


@bp.post("/notifications/settings")
@login_required
def save_settings():
    form = MuteForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_muted(current_user, form.mute_non_essential.data, now=utcnow())
    db.session.commit()
    flash(
        "Non-essential messages are muted."
        if form.mute_non_essential.data
        else "You receive every message again.",
        "success",
    )
    return redirect(url_for("communications.list_notifications"))


@bp.get("/notifications/sent")
@allowed_if(_can_see_record)
def sent_record():
    form = SentFilterForm(request.args)
    form.kind.choices = [SelectChoice("", "All")] + [
        SelectChoice(kind, rules.label_of(kind)) for kind in services.list_kinds()
    ]
    # Bad filters are shown with their field's error, and nothing is filtered by them.
    filters = _filters(form) if not request.args or form.validate() else services.SentFilters()
    page = paginate(services.search_sent(filters), per_page=PAGE_SIZE)
    return render_template(
        "communications/sent.html",
        form=form,
        page=page,
        args={key: value for key, value in request.args.items() if key != "page"},
        label_of=rules.label_of,
    )


def _filters(form: SentFilterForm) -> services.SentFilters:
    return services.SentFilters(
        query=(form.q.data or "").strip(),
        kind=form.kind.data or "",
        mail=form.mail.data or "",
        since=form.since.data,
        until=form.until.data,
    )
