"""A learner's side of package courses: the course page with its units, launching a unit,
the SCORM player and its commits, the cmi5 fetch URL, and the packages' files."""

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from lms.auth.forms import ConfirmForm
from lms.clock import utcnow
from lms.courses import progress, rules
from lms.courses.models import Course
from lms.courses.packages import launching, tracking
from lms.courses.packages.models import (
    STANDARD_LABELS,
    LaunchSession,
    PackageUnit,
    UnitProgress,
)
from lms.database import db
from lms.errors import DomainError

bp = Blueprint("packages", __name__)

FILES_KEY = re.compile(r"[0-9a-f]{64}")


def course_page(course: Course, enrollment):
    """The course page of a package course: its units in order, each with the learner's
    standing and a launch button (called by courses.show_course)."""
    package = course.package
    units = [unit for unit in package.units if unit.retired_at is None]
    standing = _standing(enrollment)
    satisfied = sum(1 for unit in units if _done(standing.get(unit.id)))
    return render_template(
        "packages/course.html",
        course=course,
        enrollment=enrollment,
        units=units,
        standing=standing,
        satisfied=satisfied,
        progress_pct=rules.percent(satisfied, len(units)),
        standard=STANDARD_LABELS[package.standard],
        kind_label=rules.KIND_LABELS[course.kind],
        form=ConfirmForm(),
    )


def _standing(enrollment) -> dict[int, UnitProgress]:
    if enrollment is None:
        return {}
    rows = db.session.scalars(
        db.select(UnitProgress).where(UnitProgress.enrollment_id == enrollment.id)
    )
    return {row.unit_id: row for row in rows}


def _done(row: UnitProgress | None) -> bool:
    return row is not None and row.satisfied_at is not None


@bp.post("/courses/<slug>/units/<int:unit_id>/launch")
@login_required
def launch(slug, unit_id):
    course, unit = _course_and_unit(slug, unit_id)
    now = utcnow()
    try:
        enrollment = progress.enroll_self(current_user, course, now=now)
        started = launching.launch_unit(
            enrollment, unit, now=now, return_url=_absolute(url_for(".course", slug=slug))
        )
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("courses.show_course", slug=slug))
    db.session.commit()
    return redirect(started.url)


@bp.get("/courses/<slug>/units")
@login_required
def course(slug):
    """Where a unit's returnURL leads: the course page."""
    return redirect(url_for("courses.show_course", slug=slug))


def _course_and_unit(slug: str, unit_id: int) -> tuple[Course, PackageUnit]:
    course = db.first_or_404(db.select(Course).where(Course.slug == slug))
    unit = db.get_or_404(PackageUnit, unit_id)
    if course.package is None or unit.package_id != course.package.id:
        abort(404)
    return course, unit


def _absolute(path: str) -> str:
    return current_app.config["BASE_URL"] + path


# SCORM ----------------------------------------------------------------------------------------


@bp.get("/courses/<slug>/units/<int:unit_id>/play/<session_id>")
@login_required
def play(slug, unit_id, session_id):
    session = _own_session(slug, unit_id, session_id)
    unit = session.progress.unit
    if unit.package.standard not in tracking.SCORM_VERSIONS:
        abort(404)  # a cmi5 AU is launched at its own address, not in the player
    return render_template(
        "packages/player.html",
        course=unit.package.course,
        unit=unit,
        sco_url=f"/packages/{unit.package.files_key}/{unit.url}",
        settings={
            "version": tracking.SCORM_VERSIONS[unit.package.standard],
            "commitUrl": url_for(".commit", slug=slug, unit_id=unit_id, session_id=session_id),
            "csrfToken": generate_csrf(),
            "initialData": tracking.scorm_player_settings(session),
            "studentId": str(current_user.employee_id or f"uptake-{current_user.id}"),
            "studentName": current_user.name,
            "exitUrl": url_for("courses.show_course", slug=slug),
            "words": {
                "saved": gettext("Saved."),
                "back": gettext("Back to your course"),
                "notSaved": gettext(
                    "Your progress could not be saved. Try again, or go back to your course."
                ),
            },
        },
    )


@bp.post("/courses/<slug>/units/<int:unit_id>/play/<session_id>/commit")
@login_required
def commit(slug, unit_id, session_id):
    """The SCORM runtime's commit: the data model as JSON (CSRF token in X-CSRFToken)."""
    session = _own_session(slug, unit_id, session_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(result=False, errorCode=101, error="The body must be a JSON object."), 400
    try:
        finishing = request.args.get("terminate") == "true"
        tracking.commit_scorm(session, data, now=utcnow(), finishing=finishing)
    except DomainError as exc:
        db.session.rollback()
        return jsonify(result=False, errorCode=101, error=str(exc)), 400
    db.session.commit()
    return jsonify(result=True, errorCode=0)


def _own_session(slug: str, unit_id: int, session_id: str) -> LaunchSession:
    """The learner's own session on this unit, else 404."""
    _course_and_unit(slug, unit_id)
    session = launching.find_session(session_id) or abort(404)
    mine = session.progress.enrollment.user_id == current_user.id
    if not mine or session.progress.unit_id != unit_id:
        abort(404)
    return session


# cmi5 fetch URL and package files -----------------------------------------------------------


@bp.post("/cmi5/fetch/<token>")
def fetch(token):
    """The single-use fetch URL (cmi5 8.2): always 200 and JSON, the token once and an
    error code after. The AU calls it from its own origin, so CORS allows any."""
    answer = launching.fetch_auth_token(token, now=utcnow())
    db.session.commit()
    response = jsonify(answer.body)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/packages/<files_key>/<path:path>")
def package_file(files_key, path):
    """A package's files. Public: an AU launched in another browser context (a kiosk, a test
    runner) has no session; the 64-hex-digit key is the archive's SHA-256."""
    if not FILES_KEY.fullmatch(files_key):
        abort(404)
    directory = Path(current_app.config["PACKAGE_DIR"]) / files_key
    response = send_from_directory(directory, path)
    response.headers.update(PACKAGE_FILE_HEADERS)
    return response


# A package's pages are e-learning content, not Uptake's pages: their own inline scripts and
# styles run (Uptake's policy forbids them), and Uptake's own player may frame them (a SCO
# finds the SCORM API in its parent window), but no other site may.
PACKAGE_FILE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Allow-Origin": "*",
}
