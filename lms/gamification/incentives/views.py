"""HR's incentive pages: boards and contests for any period and division, winners, reward
grants, CSV export, the audit of manual points and revocations, burst flags. HR and
admins only (403 for everyone else)."""

from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth.access import allowed_if
from lms.auth.models import Division, User
from lms.auth.services import list_divisions
from lms.clock import utcnow
from lms.database import db
from lms.gamification.boards import catalogue as cat
from lms.gamification.boards import contests
from lms.gamification.boards.leaderboards import COMPANY, Scope
from lms.gamification.boards.privacy import rows_for
from lms.gamification.boards.views import requested_day
from lms.gamification.incentives import audit, bursts, fast_passes, rewards
from lms.gamification.incentives.flags import list_period_flags
from lms.gamification.incentives.forms import ContestForm, RewardForm
from lms.gamification.models import Contest
from lms.gamification.ruleset import current_ruleset
from lms.gamification.views import bp
from lms.request_values import query_int
from lms.spreadsheets import csv_download

hr_only = allowed_if(lambda roles: "hr" in roles or "admin" in roles)
SHOWN_ROWS = 100


def _board_or_404():
    shown = cat.resolve(request.view_args["key"], requested_day(), include_test=True)
    if shown is None:
        abort(404)
    division_id = query_int("division")
    if division_id is not None:
        db.get_or_404(Division, division_id)
        return shown, Scope("division", division_id)
    return shown, COMPANY


@bp.get("/incentives")
@hr_only
def incentives():
    day = requested_day()
    boards = cat.list_boards(day, include_test=True)
    winners = {b.key: rows_for(cat.standings(b, COMPANY, limit=1), current_user) for b in boards}
    flag_day = day - timedelta(days=1) if "start" not in request.args else day
    day_start = datetime.combine(flag_day, time())
    pace = fast_passes.reading_pace(current_ruleset())
    return render_template(
        "gamification/incentives.html",
        boards=boards,
        winners=winners,
        day=day,
        flags=list_period_flags(day_start, day_start + timedelta(days=1), pace),
        flag_day=flag_day,
        format_value=cat.format_value,
        rules=bursts.RULES,
    )


@bp.get("/incentives/boards/<key>")
@hr_only
def incentive_board(key):
    shown, scope = _board_or_404()
    rows = rows_for(cat.standings(shown, scope, limit=SHOWN_ROWS), current_user)
    divisions = list_divisions()
    by_division = {}
    if scope.kind == "company":
        for division in divisions:
            top = cat.standings(shown, Scope("division", division.id), limit=1)
            by_division[division.name] = rows_for(top, current_user)
    grant_key = cat.grant_key(shown, scope)
    start, end = shown.span(now=utcnow())
    pace = fast_passes.reading_pace(current_ruleset())
    flags = list_period_flags(start, end, pace, {row.user_id for row in rows})
    return render_template(
        "gamification/incentive_board.html",
        shown=shown,
        scope=scope,
        rows=rows,
        divisions=divisions,
        by_division=by_division,
        grant=rewards.get_grant(grant_key, shown.start),
        form=RewardForm(user_id=rows[0].user_id if rows else None, prize=_prize(shown)),
        bars=cat.bars(rows[:20], shown.unit, lower_is_better=shown.unit in ("days", "duration")),
        format_value=cat.format_value,
        flags=flags,
        winner_flags=flags.of(rows[0].user_id if rows else None),
        rules=bursts.RULES,
    )


def _prize(shown) -> str:
    return shown.contest.prize if shown.contest else ""


@bp.post("/incentives/boards/<key>/grant")
@hr_only
def grant_reward(key):
    shown, scope = _board_or_404()
    form = RewardForm()
    back = url_for(
        "gamification.incentive_board",
        key=key,
        start=shown.start.isoformat(),
        division=scope.division_id,
    )
    ranked = {s.user_id for s in cat.standings(shown, scope, limit=SHOWN_ROWS)}
    if not form.validate_on_submit() or form.user_id.data not in ranked:
        errors = [e for field in form for e in field.errors] or [
            "Winner: choose someone on the board."
        ]
        flash(" ".join(errors), "error")
        return redirect(back)
    person = db.get_or_404(User, form.user_id.data)
    try:
        rewards.grant_reward(
            cat.grant_key(shown, scope),
            shown.start,
            person,
            prize=form.prize.data,
            note=form.note.data or "",
            by=current_user,
            now=utcnow(),
            contest=shown.contest,
        )
    except rewards.AlreadyGranted as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{form.prize.data} granted to {person.name}.", "success")
    return redirect(back)


@bp.get("/incentives/boards/<key>.csv")
@hr_only
def export_board(key):
    shown, scope = _board_or_404()
    rows = rows_for(cat.standings(shown, scope), current_user)
    lines = [["rank", "name", "division", "value", "shown_as"]]
    lines += [
        [row.rank, row.name, row.division, row.value, cat.format_value(shown.unit, row.value)]
        for row in rows
    ]
    suffix = f"-division-{scope.division_id}" if scope.division_id else ""
    return csv_download(lines, f"{key}-{shown.start.isoformat()}{suffix}.csv")


@bp.route("/incentives/contests/new", methods=["GET", "POST"])
@bp.route("/incentives/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@hr_only
def edit_contest(contest_id=None):
    contest = db.get_or_404(Contest, contest_id) if contest_id else None
    form = ContestForm(obj=contest)
    none = SelectChoice(0, "—")
    form.division_id.choices = [none, *(SelectChoice(d.id, d.name) for d in list_divisions())]
    managers = audit.list_managers()
    form.team_manager_id.choices = [none, *(SelectChoice(m.id, m.name) for m in managers)]
    if form.validate_on_submit():
        try:
            saved = contests.save_contest(contest, form.values(), by=current_user, now=utcnow())
        except contests.ContestInvalid as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Contest “{saved.title}” saved.", "success")
            return redirect(url_for("gamification.incentive_board", key=f"contest-{saved.slug}"))
    return render_template("gamification/contest_form.html", form=form, contest=contest)


@bp.get("/incentives/audit")
@hr_only
def incentive_audit():
    return render_template(
        "gamification/incentive_audit.html",
        manual=audit.list_manual_entries(),
        revocations=audit.list_revocations(),
    )
