"""A person's points and level (/me/points), the level-up notice, and HR's manual points
(/people/<id>/points)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.auth import rules as access
from lms.auth.access import allowed_if
from lms.auth.models import User
from lms.clock import utcnow
from lms.database import db
from lms.errors import FieldError
from lms.gamification.points import levels
from lms.gamification.points.forms import AdjustPointsForm, DismissForm
from lms.gamification.points.history import ledger_select, level_progress, points_lines
from lms.gamification.points.ledger import add_manual_entry
from lms.gamification.ruleset import current_ruleset
from lms.gamification.views import bp
from lms.request_values import paginate

PAGE_SIZE = 50


@bp.get("/me/points")
@login_required
def my_points():
    ruleset = current_ruleset()
    page = paginate(ledger_select(current_user.id), per_page=PAGE_SIZE)
    return render_template(
        "gamification/points.html",
        progress=level_progress(current_user.id, ruleset.levels),
        lines=points_lines(page.items, ruleset.rules),
        page=page,
        notice=level_up_notice(current_user.id),
    )


def level_up_notice(user_id: int) -> dict | None:
    """What My plan (and /me/points) shows until dismissed: the highest level newly
    reached, with its title, and a form to dismiss it. None when there is nothing new."""
    unseen = levels.unseen_level_up(user_id)
    if unseen is None:
        return None
    titles = {level.number: level.title for level in current_ruleset().levels}
    title = titles.get(unseen.level, f"Level {unseen.level}")
    return {"level": unseen.level, "title": title, "form": DismissForm()}


@bp.post("/me/level-up/dismiss")
@login_required
def dismiss_level_up():
    if not DismissForm().validate_on_submit():
        abort(400)
    levels.dismiss_level_ups(current_user.id, utcnow())
    db.session.commit()
    return redirect(access.safe_next(request.form.get("next")) or url_for("gamification.my_points"))


@bp.route("/people/<int:person_id>/points", methods=["GET", "POST"])
@allowed_if(access.can_list_people)
def adjust_points(person_id):
    person = db.get_or_404(User, person_id)
    form = AdjustPointsForm()
    if form.validate_on_submit() and _adjust(person, form):
        flash(f"{form.points.data:+d} points recorded for {person.name}.", "success")
        return redirect(url_for("gamification.adjust_points", person_id=person.id))
    ruleset = current_ruleset()
    page = paginate(ledger_select(person.id), per_page=PAGE_SIZE)
    return render_template(
        "gamification/points_adjust.html",
        person=person,
        form=form,
        progress=level_progress(person.id, ruleset.levels),
        lines=points_lines(page.items, ruleset.rules),
        page=page,
    )


def _adjust(person: User, form: AdjustPointsForm) -> bool:
    now = utcnow()
    try:
        add_manual_entry(
            person, form.points.data, form.reason.data, granted_by=current_user, now=now
        )
    except FieldError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors.append(str(exc))
        return False
    levels.record_level_ups({person.id}, current_ruleset().levels, now)
    db.session.commit()
    return True
