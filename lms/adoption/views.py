"""The adoption dashboard (HR and admins), a manager's team view, the target (admins), and
the quarterly governance summary; every table also as CSV."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from lms.adoption import dashboard, governance
from lms.adoption.content import current_adoption
from lms.adoption.forms import TargetForm
from lms.adoption.rules import SIGNAL_MEANINGS, SIGNAL_TITLES, quarter_of
from lms.adoption.target import get_target_percent, set_target_percent
from lms.auth import rules as access_rules
from lms.auth.access import allowed_if
from lms.auth.models import User
from lms.auth.services import list_reports_tree
from lms.clock import today, utcnow
from lms.database import db
from lms.errors import FieldError
from lms.request_values import query_int, query_quarter
from lms.spreadsheets import csv_download

bp = Blueprint("adoption", __name__, url_prefix="/adoption")
MAX_WEEKS = 104


@bp.app_template_filter("adoption_pct")
def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


@bp.context_processor
def _titles():
    return {"titles": SIGNAL_TITLES, "meanings": SIGNAL_MEANINGS}


def _weeks() -> int | None:
    weeks = query_int("weeks", low=0, high=10_000)
    return None if weeks is None else max(2, min(MAX_WEEKS, weeks))


def _dashboard(person_ids=None) -> dashboard.Dashboard:
    return dashboard.get_dashboard(
        today(), current_adoption(), get_target_percent(), person_ids=person_ids, weeks=_weeks()
    )


def _team_or_404(manager_id: int) -> tuple[User, list[int]]:
    """A manager whose team the viewer may see (their own, one below them, or any for HR
    and admins), and the people in it; 404 for anyone else."""
    manager = db.get_or_404(User, manager_id)
    chain = manager.manager_chain_ids()
    if not access_rules.can_view_person(current_user.id, current_user.roles, manager.id, chain):
        abort(404)
    tree = list_reports_tree(manager)
    if not tree:
        abort(404)
    return manager, [person.id for person, _depth in tree]


@bp.get("")
@allowed_if(access_rules.can_list_people)
def show_dashboard():
    return render_template(
        "adoption/dashboard.html",
        board=_dashboard(),
        can_set_target=access_rules.can_edit_people(current_user.roles),
        csv_endpoint="adoption.dashboard_csv",
        csv_args={},
    )


@bp.get("/<any(weekly, onboarding, coaching, signals):table>.csv")
@allowed_if(access_rules.can_list_people)
def dashboard_csv(table):
    return _csv(dashboard.csv_rows(_dashboard(), table), f"adoption-{table}-{today()}.csv")


@bp.get("/team")
@login_required
def my_team():
    if not current_user.is_manager:
        abort(403)
    return redirect(url_for("adoption.show_team", manager_id=current_user.id))


@bp.get("/team/<int:manager_id>")
@login_required
def show_team(manager_id):
    manager, people = _team_or_404(manager_id)
    return render_template(
        "adoption/team.html",
        manager=manager,
        board=_dashboard(people),
        csv_endpoint="adoption.team_csv",
        csv_args={"manager_id": manager.id},
    )


@bp.get("/team/<int:manager_id>/<any(weekly, onboarding, coaching, signals):table>.csv")
@login_required
def team_csv(manager_id, table):
    manager, people = _team_or_404(manager_id)
    rows = dashboard.csv_rows(_dashboard(people), table, people)
    return _csv(rows, f"team-{manager.id}-{table}-{today()}.csv")


@bp.route("/target", methods=["GET", "POST"])
@allowed_if(access_rules.can_edit_people)
def edit_target():
    form = TargetForm(data={"target_percent": get_target_percent()})
    if form.validate_on_submit():
        try:
            set_target_percent(form.target_percent.data, by=current_user, now=utcnow())
        except FieldError as exc:
            form.target_percent.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"The adoption target is now {form.target_percent.data}%.", "success")
            return redirect(url_for("adoption.show_dashboard"))
    return render_template("adoption/target.html", form=form)


@bp.get("/governance")
@allowed_if(access_rules.can_list_people)
def governance_summary():
    return render_template("adoption/governance.html", summary=_summary(), download=False)


@bp.get("/governance/download")
@allowed_if(access_rules.can_list_people)
def governance_download():
    summary = _summary()
    html = render_template("adoption/governance.html", summary=summary, download=True)
    name = f"uptake-governance-{summary.label}.html"
    return Response(
        html,
        mimetype="text/html",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _summary() -> governance.Summary:
    quarter = quarter_of(query_quarter("quarter", default=today()))
    return governance.get_summary(quarter, today(), current_adoption(), get_target_percent())


def _csv(rows: list[list], name: str) -> Response:
    return csv_download(rows, name)
