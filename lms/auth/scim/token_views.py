"""Admins' pages for SCIM tokens: list them, create one (shown once, with a copy button),
revoke one. Apart from the /scim/v2/ blueprint because these forms carry CSRF tokens."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from lms.auth import rules
from lms.auth.access import allowed_if, never_cached
from lms.auth.scim import tokens
from lms.auth.scim.forms import RevokeTokenForm, ScimTokenForm
from lms.auth.scim.models import ScimToken
from lms.clock import utcnow
from lms.database import db
from lms.errors import FieldError

bp = Blueprint("scim_tokens", __name__, url_prefix="/provisioning")


@bp.get("/tokens")
@allowed_if(rules.can_edit_people)
def list_tokens():
    """Every token, live and revoked, oldest first."""
    return render_template(
        "scim_tokens/tokens.html", tokens=tokens.list_tokens(), endpoint=_endpoint()
    )


@bp.route("/tokens/new", methods=["GET", "POST"])
@allowed_if(rules.can_edit_people)
def new_token():
    """Create a token; the page that answers is the only place it is ever shown."""
    form = ScimTokenForm()
    if form.validate_on_submit():
        try:
            token, text = tokens.create_token(form.name.data, now=utcnow(), actor=current_user)
        except FieldError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            return never_cached(
                render_template(
                    "scim_tokens/created.html", token=token, text=text, endpoint=_endpoint()
                )
            )
    return render_template("scim_tokens/new.html", form=form)


@bp.get("/tokens/<int:token_id>/revoke")
@allowed_if(rules.can_edit_people)
def confirm_revoke(token_id):
    """Revoking asks first: it cannot be undone."""
    token = db.get_or_404(ScimToken, token_id)
    return render_template("scim_tokens/revoke.html", token=token, form=RevokeTokenForm())


@bp.post("/tokens/<int:token_id>/revoke")
@allowed_if(rules.can_edit_people)
def revoke_token(token_id):
    """Revoke a token: from now on its requests get 401."""
    token = db.get_or_404(ScimToken, token_id)
    if RevokeTokenForm().validate_on_submit():
        tokens.revoke_token(token, now=utcnow(), actor=current_user)
        db.session.commit()
        flash(f"{token.name} is revoked: SCIM refuses its requests.", "success")
    return redirect(url_for("scim_tokens.list_tokens"))


def _endpoint() -> str:
    """The SCIM base URL an identity provider is given."""
    return current_app.config["BASE_URL"] + "/scim/v2"
