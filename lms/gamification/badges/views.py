"""Badges: each badge's page, a person's badges, the hosted Open Badges 2.0 Issuer,
BadgeClass and Assertion, baked images, revocation.

The hosted documents and the badge images are public (a verifier outside the company must
read them, with no log-in); the pages, the baked PNG and revocation are not."""

import json

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.auth.services import get_person_for
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError, FieldError
from lms.gamification.badges import openbadges as ob
from lms.gamification.badges import queries as q
from lms.gamification.badges.awards import revoke_badge
from lms.gamification.badges.forms import RevokeBadgeForm
from lms.gamification.badges.rules import can_download, can_revoke
from lms.gamification.views import bp

IMAGE_MAX_AGE = 3600  # an image changes only when content changes the badge's colour or icon


@bp.record_once
def _warn_without_an_issuer_email(state) -> None:
    """At start-up: Open Badges 2.0 validators require the issuer's e-mail."""
    if not state.app.config.get("BADGE_ISSUER_EMAIL"):
        state.app.logger.warning(
            "BADGE_ISSUER_EMAIL is not set: the Open Badges issuer profile gives the first "
            "active admin's e-mail instead (and none, failing validation, while there is no admin)."
        )


def _json_ld(document: dict, status: int = 200):
    response = jsonify(document)
    response.status_code = status
    response.mimetype = ob.JSON_LD
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run in browsers too
    return response


def _not_found():
    return _json_ld({"error": "No such badge document."}, 404)


@bp.get("/badges/issuer.json")
def issuer():
    return _json_ld(ob.issuer_profile(q.get_issuer()))


@bp.get("/badges/<key>/class.json")
def badge_class(key):
    badge = q.get_badge(key)
    return _json_ld(ob.badge_class(badge, q.base_url())) if badge else _not_found()


@bp.get("/badges/assertions/<uuid>.json")
def assertion(uuid):
    """A revoked assertion answers 410 Gone, as OB 2.0 hosted verification expects, without
    its reason (that stays on the signed-in badge pages)."""
    award = q.get_award(uuid)
    if award is None:
        return _not_found()
    if award.revoked_at is not None:
        return _json_ld(ob.revoked(award.uuid, q.base_url()), 410)
    return _json_ld(q.assertion_of(award))


@bp.get("/badges/<key>/image.png")
def badge_image(key):
    badge = q.get_badge(key) or abort(404)
    return _png(q.badge_image(badge), max_age=IMAGE_MAX_AGE, public=True)


def _png(data: bytes, *, max_age: int, public: bool, filename: str | None = None):
    response = current_app.response_class(data, mimetype="image/png")
    response.cache_control.max_age = max_age
    response.cache_control.public = public
    response.cache_control.private = not public
    response.add_etag()
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response.make_conditional(request)


@bp.get("/badges")
@login_required
def list_badges():
    rows = q.badge_rows(current_user, current_user)
    return render_template("gamification/badges.html", rows=rows)


@bp.get("/badges/<key>")
@login_required
def show_badge(key):
    badge = q.get_badge(key) or abort(404)
    return render_template("gamification/badge.html", row=q.badge_row(current_user, badge))


@bp.get("/people/<int:person_id>/badges")
@login_required
def person_badges(person_id):
    person = get_person_for(current_user, person_id) or abort(404)
    rows = [row for row in q.badge_rows(current_user, person) if row.award is not None]
    return render_template(
        "gamification/badge_person.html",
        person=person,
        rows=rows,
        own=person.id == current_user.id,
    )


@bp.get("/badges/awards/<uuid>/baked.png")
@login_required
def download_badge(uuid):
    """The holder, HR and admins download it; others who may see the person get 403,
    the rest 404. A revoked badge is gone (410)."""
    award = q.get_award(uuid) or abort(404)
    get_person_for(current_user, award.user_id) or abort(404)
    if not can_download(current_user.id, current_user.roles, award.user_id):
        abort(403)
    badge = q.get_badge(award.badge_key) or abort(404)
    if award.revoked_at is not None:
        return _gone(award)
    baked = q.baked_badge(badge, json.dumps(q.assertion_of(award)))
    return _png(baked, max_age=0, public=False, filename=f"{badge.key}.png")


def _gone(award):
    message = f"This badge was revoked: {award.revocation_reason}"
    return render_template("errors/error.html", code=410, message=message), 410


@bp.route("/badges/awards/<uuid>/revoke", methods=["GET", "POST"])
@login_required
def revoke_award(uuid):
    """GET: the reason. POST: checked, then a confirmation page; POST with confirmed=yes:
    revoked. The service checks the role and the reason again on the final post."""
    award = q.get_award(uuid) or abort(404)
    person = get_person_for(current_user, award.user_id) or abort(404)
    if not can_revoke(current_user.roles):
        abort(403)
    badge = q.get_badge(award.badge_key)
    form = RevokeBadgeForm()
    if request.method == "POST" and form.validate_on_submit():
        if form.confirmed.data != "yes":
            return _render_revoke("gamification/badge_revoke_confirm.html", form, award, badge)
        try:
            revoke_badge(award, form.reason.data, revoked_by=current_user, now=utcnow())
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                f"{badge.name if badge else award.badge_key} revoked for {person.name}.", "success"
            )
            return redirect(url_for("gamification.person_badges", person_id=person.id))
    form.confirmed.data = ""
    return _render_revoke("gamification/badge_revoke.html", form, award, badge)


def _render_revoke(template: str, form, award, badge):
    return render_template(template, form=form, award=award, badge=badge, person=award.user)
