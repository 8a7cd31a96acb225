"""Leaderboards and contests as people see them, and their own board preferences."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.clock import utcnow
from lms.database import db
from lms.gamification.boards import catalogue as cat
from lms.gamification.boards import privacy
from lms.gamification.boards.forms import PreferencesForm
from lms.gamification.boards.leaderboards import COMPANY, Scope
from lms.gamification.views import bp
from lms.request_values import query_date


def requested_day() -> date:
    """The day whose period is shown: ?start=YYYY-MM-DD, else today."""
    return query_date("start", default=utcnow().date())


def viewer_scope(person, kind: str) -> Scope:
    """Scopes a learner may pick: the company, their division, or their reporting tree."""
    if kind == "division" and person.division_id:
        return Scope("division", person.division_id)
    if kind == "team" and person.is_manager:
        return Scope("team", member_ids=frozenset(cat.c.team_ids(person) | {person.id}))
    return COMPANY


@bp.get("/leaderboards")
@login_required
def leaderboards():
    staff = privacy.is_staff(current_user)
    day = requested_day()
    shown = cat.resolve(request.args.get("board", "points-week"), day, include_test=staff)
    if shown is None:
        abort(404)
    scope = viewer_scope(current_user, request.args.get("scope", "company"))
    top, own = cat.learner_rows(shown, scope, current_user)
    lower = shown.unit in ("days", "duration")
    return render_template(
        "gamification/boards.html",
        shown=shown,
        boards=cat.list_boards(day, include_test=staff),
        scope=scope,
        can_pick_team=current_user.is_manager,
        top=top,
        own=own,
        bars=cat.bars(top + own, shown.unit, lower_is_better=lower),
        line=cat.chart_line(shown),
        empty=None if top or own else cat.empty_reason(shown, scope),
        format_value=cat.format_value,
    )


@bp.route("/me/leaderboards", methods=["GET", "POST"])
@login_required
def preferences():
    preference = privacy.get_preference(current_user.id)
    form = PreferencesForm(
        show_name=preference.show_name if preference else False,
        on_public_boards=preference.on_public_boards if preference else True,
    )
    if form.validate_on_submit():
        privacy.save_preference(
            current_user,
            show_name=form.show_name.data,
            on_public_boards=form.on_public_boards.data,
            now=utcnow(),
        )
        db.session.commit()
        flash("Your leaderboard preferences are saved.", "success")
        return redirect(url_for("gamification.preferences"))
    return render_template("gamification/preferences.html", form=form)
