"""HR's incentive pages: boards and contests for any period and division, winners, reward
grants, CSV export, the audit of manual points and revocations, burst flags. HR and
admins only (403 for everyone else)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth.access import allowed_if
from lms.auth.models import Division, User
from lms.auth.services import list_divisions
from lms.clock import utcnow
from lms.database import db
from lms.errors import FieldError
from lms.gamification.boards import catalogue as cat
from lms.gamification.boards import contests
from lms.gamification.boards import rules as board_rules
from lms.gamification.boards.leaderboards import COMPANY, Scope
from lms.gamification.boards.privacy import BoardRow, rows_for
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
    leaders = {b.key: rows_for(cat.standings(b, COMPANY, limit=1), current_user) for b in boards}
    flag_day = day - timedelta(days=1) if "start" not in request.args else day
    day_start = datetime.combine(flag_day, time())
    pace = fast_passes.reading_pace(current_ruleset())
    return render_template(
        "gamification/incentives.html",
        boards=boards,
        winners=leaders,
        below_bar={b.key: _below_bar(b, leaders[b.key]) for b in boards},
        day=day,
        flags=list_period_flags(day_start, day_start + timedelta(days=1), pace),
        flag_day=flag_day,
        format_value=cat.format_value,
        rules=bursts.RULES,
    )


def _below_bar(shown, rows) -> str | None:
    """Why the top row does not win (under the data-quality bar), or None."""
    return cat.below_bar(shown, rows[0].value) if rows else None


@dataclass(frozen=True)
class DivisionTop:
    name: str
    row: BoardRow | None
    note: str | None  # why there is no winner: nobody on the board, or the best is below the bar


def _division_tops(shown, divisions) -> list[DivisionTop]:
    tops = []
    for division in divisions:
        scope = Scope("division", division.id)
        top = rows_for(cat.standings(shown, scope, limit=1), current_user)
        note = _below_bar(shown, top) if top else cat.empty_reason(shown, scope)
        tops.append(DivisionTop(division.name, top[0] if top else None, note))
    return tops


@bp.get("/incentives/boards/<key>")
@hr_only
def incentive_board(key):
    shown, scope = _board_or_404()
    rows = rows_for(cat.standings(shown, scope, limit=SHOWN_ROWS), current_user)
    divisions = list_divisions()
    start, end = shown.span(now=utcnow())
    pace = fast_passes.reading_pace(current_ruleset())
    flags = list_period_flags(start, end, pace, {row.user_id for row in rows})
    return render_template(
        "gamification/incentive_board.html",
        shown=shown,
        scope=scope,
        rows=rows,
        divisions=divisions,
        by_division=_division_tops(shown, divisions) if scope.kind == "company" else [],
        grant=rewards.get_grant(cat.grant_key(shown, scope), shown.start),
        below_bar=_below_bar(shown, rows),
        empty=None if rows else cat.empty_reason(shown, scope),
        form=RewardForm(user_id=rows[0].user_id if rows else None, prize=_prize(shown)),
        bars=cat.bars(rows[:20], shown.unit, lower_is_better=shown.unit in ("days", "duration")),
        line=cat.chart_line(shown),
        format_value=cat.format_value,
        flags=flags,
        winner_flags=flags.of(rows[0].user_id if rows else None),
        rules=bursts.RULES,
    )


def _prize(shown) -> str:
    return shown.contest.prize if shown.contest else ""


def _board_url(shown, scope) -> str:
    return url_for(
        "gamification.incentive_board",
        key=shown.key,
        start=shown.start.isoformat(),
        division=scope.division_id,
    )


@bp.post("/incentives/boards/<key>/grant")
@hr_only
def grant_reward(key):
    """Checked, then a page to confirm that names the board, the period and the person;
    posted again with confirmed=yes, granted. The service refuses a period that has not
    ended unless grant_early is ticked: the confirmation page again, with the field's error,
    and nothing written."""
    shown, scope = _board_or_404()
    form = RewardForm()
    standing = _standing_of(shown, scope, form.user_id.data)
    problem = _grant_problem(form, shown, standing)
    if problem:
        flash(problem, "error")
        return redirect(_board_url(shown, scope))
    person = db.get_or_404(User, standing.user_id)
    if form.confirmed.data != "yes":
        return _confirm_page(shown, scope, form, person, standing)
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
            early=form.grant_early.data,
        )
    except FieldError as exc:
        form[exc.field].errors.append(str(exc))
        return _confirm_page(shown, scope, form, person, standing), 400
    except rewards.AlreadyGranted as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{form.prize.data} granted to {person.name}.", "success")
    return redirect(_board_url(shown, scope))


def _standing_of(shown, scope, user_id):
    ranked = cat.standings(shown, scope, limit=SHOWN_ROWS)
    return next((s for s in ranked if s.user_id == user_id), None)


def _grant_problem(form: RewardForm, shown, standing) -> str | None:
    """What is wrong with the grant asked for, naming the field; None when nothing is."""
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        return " ".join(errors or ["Winner: choose someone on the board."])
    if standing is None:
        return "Winner: choose someone on the board."
    below = cat.below_bar(shown, standing.value)
    return f"Winner: {below}, and nobody wins this board below it." if below else None


def _confirm_page(shown, scope, form: RewardForm, person: User, standing):
    now = utcnow()
    return render_template(
        "gamification/grant_confirm.html",
        shown=shown,
        scope=scope,
        board=cat.describe(shown, scope),
        period=board_rules.period_words(shown.period, shown.start),
        status=board_rules.period_status(shown.period, shown.start, now),
        ended=board_rules.has_ended(shown.period, shown.start, now),
        person=person,
        standing=standing,
        value=cat.format_value(shown.unit, standing.value),
        form=form,
        back=_board_url(shown, scope),
    )


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
