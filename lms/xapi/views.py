"""The LRS's pages for people: admins' pages for LRS clients (list them, create one with its
secret shown once, revoke one) and a person's activity history. The forwarding admin page adds
its routes to this blueprint too (lms.xapi.forwarding.views). Kept apart from the /xapi/
protocol blueprint because these forms carry CSRF tokens."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from lms.auth import rules
from lms.auth.access import allowed_if, never_cached
from lms.auth.services import get_person_for
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError
from lms.request_values import paginate
from lms.xapi import clients
from lms.xapi.forms import LrsClientForm, RevokeClientForm
from lms.xapi.models import LrsClient
from lms.xapi.store.history import history_lines, history_select

bp = Blueprint("lrs", __name__)

HISTORY_PAGE_SIZE = 50


@bp.get("/people/<int:person_id>/activity")
@login_required
def person_activity(person_id):
    person = get_person_for(current_user, person_id) or abort(404)
    page = paginate(history_select(person), per_page=HISTORY_PAGE_SIZE)
    lines = history_lines(page.items)
    return render_template("lrs/activity.html", person=person, page=page, lines=lines)


@bp.get("/lrs/clients")
@allowed_if(rules.can_edit_people)
def list_clients():
    """Every client, live and revoked, oldest first."""
    return render_template(
        "lrs/clients.html", clients=clients.list_clients(), endpoint=_lrs_endpoint()
    )


@bp.route("/lrs/clients/new", methods=["GET", "POST"])
@allowed_if(rules.can_edit_people)
def new_client():
    """Create a client; the page that answers is the only place its secret is ever shown."""
    form = LrsClientForm()
    if form.validate_on_submit():
        try:
            client, secret = clients.create_client(
                form.name.data, set(form.scopes.data), now=utcnow(), actor=current_user
            )
        except DomainError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            return never_cached(
                render_template(
                    "lrs/clients_created.html",
                    client=client,
                    secret=secret,
                    endpoint=_lrs_endpoint(),
                )
            )
    return render_template("lrs/clients_form.html", form=form)


@bp.get("/lrs/clients/<int:client_id>/revoke")
@allowed_if(rules.can_edit_people)
def confirm_revoke(client_id):
    """Revoking asks first: it cannot be undone."""
    client = db.get_or_404(LrsClient, client_id)
    return render_template("lrs/clients_revoke.html", client=client, form=RevokeClientForm())


@bp.post("/lrs/clients/<int:client_id>/revoke")
@allowed_if(rules.can_edit_people)
def revoke_client(client_id):
    """Revoke a client: from now on its requests get 401."""
    client = db.get_or_404(LrsClient, client_id)
    if RevokeClientForm().validate_on_submit():
        clients.revoke_client(client, now=utcnow(), actor=current_user)
        db.session.commit()
        flash(f"{client.name} ({client.key}) is revoked: the LRS refuses its requests.", "success")
    return redirect(url_for("lrs.list_clients"))


def _lrs_endpoint() -> str:
    """Where clients send their requests."""
    return current_app.config["BASE_URL"] + "/xapi/"
