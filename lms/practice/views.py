"""A practice task's page: the task, starting it, and checking the work in the training CRM."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.forms import ConfirmForm
from lms.clock import utcnow
from lms.courses import progress
from lms.courses.models import Course
from lms.crm.training import training_connection
from lms.database import db
from lms.errors import DomainError
from lms.practice import services
from lms.practice.models import PracticeTask

bp = Blueprint("practice", __name__)


def _task_or_404(slug: str, task_slug: str) -> PracticeTask:
    """A live task of a live course the person is enrolled on; 404 for anyone else."""
    task = db.session.scalar(
        select(PracticeTask)
        .join(Course, Course.id == PracticeTask.course_id)
        .where(Course.slug == slug, Course.retired_at.is_(None))
        .where(PracticeTask.slug == task_slug, PracticeTask.retired_at.is_(None))
    )
    if task is None or progress.get_enrollment(current_user, task.course) is None:
        abort(404)
    return task


@bp.get("/courses/<slug>/practice/<task_slug>")
@login_required
def show_task(slug, task_slug):
    task = _task_or_404(slug, task_slug)
    connection = training_connection()
    return render_template(
        "practice/task.html",
        task=task,
        attempt=services.attempts_of(current_user, [task]).get(task.id),
        training_url=connection.base_url if connection else None,
        form=ConfirmForm(),
    )


@bp.post("/courses/<slug>/practice/<task_slug>/start")
@login_required
def start_task(slug, task_slug):
    task = _task_or_404(slug, task_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.open_task(current_user, task, now=utcnow())
    db.session.commit()
    return redirect(url_for("practice.show_task", slug=slug, task_slug=task_slug))


@bp.post("/courses/<slug>/practice/<task_slug>/check")
@login_required
def check_task(slug, task_slug):
    task = _task_or_404(slug, task_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        verdict = services.check_work(current_user, task, now=utcnow())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("practice.show_task", slug=slug, task_slug=task_slug))
    db.session.commit()
    if verdict.passed:
        flash(f"Passed: {verdict.record_name or 'your record'} meets every check.", "success")
    else:
        flash("Not yet: " + "; ".join(verdict.missing) + ".", "error")
    return redirect(url_for("practice.show_task", slug=slug, task_slug=task_slug))
