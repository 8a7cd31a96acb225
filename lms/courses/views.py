"""The learner's plan, the catalogue, the course player, the team page, course assignment."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms.auth import rules as access_rules
from lms.auth import services as people
from lms.auth.access import allowed_if
from lms.auth.champions import can_see_supported
from lms.auth.forms import ConfirmForm
from lms.auth.models import Division
from lms.clock import today, utcnow
from lms.courses import enrolment, moments, plan, progress, rules, where_next
from lms.courses.forms import AssignForm
from lms.courses.models import Course, QuizAttempt
from lms.courses.models import laid_out as layout_of
from lms.courses.next_step import BROWSE, SEE_COACHING, NextStep
from lms.courses.packages import views as package_pages
from lms.database import db
from lms.errors import DomainError, FieldError
from lms.gamification.ruleset import current_ruleset
from lms.gamification.standing import get_standing
from lms.practice import services as practice

bp = Blueprint("courses", __name__)


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(
        select(Course).where(Course.slug == slug, Course.retired_at.is_(None))
    )
    return course or abort(404)


@bp.get("/")
@login_required
def my_plan():
    return _plan_page(current_user)


@bp.get("/people/<int:person_id>/plan")
@login_required
def person_plan(person_id):
    return _plan_page(people.get_person_for(current_user, person_id) or abort(404))


def _plan_page(person):
    """A person's plan and standing, as the viewer may see them: the champions whose
    supported people the viewer may open are linked."""
    the_plan = plan.get_plan(person, today())
    next_step = where_next.plan_next_step(the_plan, today())
    return render_template(
        "courses/plan.html",
        plan=the_plan,
        next_step=next_step,
        next_step_link=_next_step_link(next_step, person),
        progress_words=where_next.plan_progress_words(the_plan),
        groups=where_next.plan_groups(the_plan),
        standing=get_standing(person, current_ruleset()),
        own=person.id == current_user.id,
        champion_pages={c.id for c in the_plan.champions if can_see_supported(current_user, c)},
    )


def _next_step_link(step: NextStep, person) -> str | None:
    """Where the next step's button goes: the lesson to open, the practice task, the quiz,
    the coaching page, the catalogue."""
    if step.lesson is not None:
        return url_for("courses.show_lesson", slug=step.course.slug, lesson_slug=step.lesson.slug)
    if step.task is not None:
        return url_for("practice.show_task", slug=step.task.course_slug, task_slug=step.task.slug)
    if step.action == rules.TAKE_QUIZ:
        return url_for("courses.quiz", slug=step.course.slug)
    if step.course is not None:
        return url_for("courses.show_course", slug=step.course.slug)
    if step.action == SEE_COACHING:
        return url_for("coaching.show_person", person_id=person.id)
    return url_for("courses.catalogue") if step.action == BROWSE else None


@bp.get("/courses")
@login_required
def catalogue():
    kind = request.args.get("kind") if request.args.get("kind") in rules.KINDS else None
    return render_template(
        "courses/catalogue.html",
        courses=plan.list_catalogue(current_user, kind),
        kind=kind,
        kinds=rules.KIND_LABELS,
        can_assign=access_rules.can_edit_people(current_user.roles),
    )


@bp.get("/courses/<slug>")
@login_required
def show_course(slug):
    course = _course_or_404(slug)
    enrollment = progress.get_enrollment(current_user, course)
    if enrollment is None and not progress.can_take(current_user, course):
        abort(404)
    if course.package is not None:
        return package_pages.course_page(course, enrollment)
    lessons = progress.visible_lessons(course, current_user)
    done = progress.done_lesson_ids(enrollment) if enrollment else set()
    tasks = practice.live_tasks([course.id])
    remaining = progress.lessons_remaining(enrollment) if enrollment else lessons
    return render_template(
        "courses/course.html",
        course=course,
        enrollment=enrollment,
        lessons=lessons,
        done=done,
        progress_pct=rules.percent(len(done & {lesson.id for lesson in lessons}), len(lessons)),
        action=rules.course_action(
            enrollment.started_at is not None, enrollment.completed_at is not None, len(remaining)
        )
        if enrollment
        else rules.START,
        quiz_open=enrollment is not None and not remaining,
        passed=enrollment is not None and progress.has_passed(enrollment),
        kind_label=rules.KIND_LABELS[course.kind],
        practice_tasks=tasks,
        practice_attempts=practice.attempts_of(current_user, tasks) if enrollment else {},
        form=ConfirmForm(),
    )


@bp.post("/courses/<slug>/start")
@login_required
def start_course(slug):
    course = _course_or_404(slug)
    try:
        enrollment = progress.enroll_self(current_user, course, now=utcnow())
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("courses.show_course", slug=slug))
    lesson = progress.resume_lesson(enrollment)
    db.session.commit()
    if course.package is not None:  # its units are launched from the course page
        return redirect(url_for("courses.show_course", slug=slug))
    if lesson is None:
        return redirect(url_for("courses.quiz", slug=slug))
    return redirect(url_for("courses.show_lesson", slug=slug, lesson_slug=lesson.slug))


def _lesson_context(slug: str, lesson_slug: str):
    course = _course_or_404(slug)
    enrollment = progress.get_enrollment(current_user, course) or abort(404)
    lessons = progress.visible_lessons(course, current_user)
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == lesson_slug), None)
    if index is None:
        abort(404)
    return course, enrollment, lessons, index


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def show_lesson(slug, lesson_slug):
    course, enrollment, lessons, index = _lesson_context(slug, lesson_slug)
    progress.open_lesson(enrollment, lessons[index], now=utcnow())
    done = progress.done_lesson_ids(enrollment)
    page = render_template(
        "courses/lesson.html",
        course=course,
        lesson=lessons[index],
        lessons=lessons,
        position=index + 1,
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        is_done=lessons[index].id in done,
        done=done,
        progress_pct=rules.percent(len(done & {lesson.id for lesson in lessons}), len(lessons)),
        form=ConfirmForm(),
    )
    db.session.commit()  # after rendering, so nothing is reloaded from an expired session
    return page


@bp.post("/courses/<slug>/lessons/<lesson_slug>/done")
@login_required
def complete_lesson(slug, lesson_slug):
    course, enrollment, lessons, index = _lesson_context(slug, lesson_slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    progress.complete_lesson(enrollment, lessons[index], now=utcnow())
    db.session.commit()
    if index + 1 < len(lessons):
        return redirect(
            url_for("courses.show_lesson", slug=slug, lesson_slug=lessons[index + 1].slug)
        )
    return redirect(url_for("courses.quiz", slug=slug))


@bp.route("/courses/<slug>/quiz", methods=["GET", "POST"])
@login_required
def quiz(slug):
    course = _course_or_404(slug)
    enrollment = progress.get_enrollment(current_user, course) or abort(404)
    answers = {key[2:]: request.form.getlist(key) for key in request.form if key.startswith("q-")}
    if request.method == "POST":
        try:
            attempt = progress.submit_quiz(enrollment, answers, now=utcnow())
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            return redirect(url_for("courses.quiz_attempt", slug=slug, number=attempt.number))
    remaining, passed = progress.lessons_remaining(enrollment), progress.has_passed(enrollment)
    laid_out, now = [], utcnow()
    opens_at = progress.next_attempt_at(enrollment)
    waiting = progress.waiting_message(opens_at) if opens_at and now < opens_at else None
    if not remaining and not passed and waiting is None:
        sitting = progress.open_sitting(enrollment, now=now)
        laid_out = layout_of(sitting.shown, progress.current_questions(course))
    page = render_template(
        "courses/quiz.html",
        course=course,
        laid_out=laid_out,
        waiting=waiting,
        remaining=remaining,
        passed=passed,
        attempts=enrollment.attempts,
        answers=answers,
        refresher_at_stake=progress.refresher_at_stake(enrollment) if laid_out else None,
    )
    db.session.commit()  # the sitting, once laid out, stays as shown
    return page


@bp.get("/courses/<slug>/quiz/attempts/<int:number>")
@login_required
def quiz_attempt(slug, number):
    course = _course_or_404(slug)
    enrollment = progress.get_enrollment(current_user, course) or abort(404)
    attempt = db.session.scalar(
        select(QuizAttempt).where(
            QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.number == number
        )
    ) or abort(404)
    following = (
        where_next.next_course_after(current_user, course, today()) if attempt.passed else None
    )
    return render_template(
        "courses/attempt.html",
        earned=moments.earned_by(attempt, current_ruleset()) if attempt.passed else None,
        following=following,
        following_link=_next_step_link(following, current_user) if following else None,
        course=course,
        attempt=attempt,
        laid_out=attempt.as_shown(),
        full_review=progress.shows_full_review(enrollment),
        read_again=progress.read_again(attempt),
        score_pct=round(attempt.score * 100),
        pass_pct=round(course.pass_mark * 100),
        completed=enrollment.completed_at is not None,
        remedial=progress.get_enrollment(current_user, course.remedial_course)
        if course.remedial_course
        else None,
    )


@bp.get("/team")
@login_required
def team():
    tree = people.list_reports_tree(current_user)
    if not tree:
        abort(403)
    return render_template("courses/team.html", lines=plan.team_lines(tree, today()))


@bp.route("/courses/<slug>/assign", methods=["GET", "POST"])
@allowed_if(access_rules.can_edit_people)
def assign(slug):
    course = _course_or_404(slug)
    form = AssignForm()
    form.division.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(d.id), d.name) for d in people.list_divisions()
    ]
    if form.validate_on_submit():
        division = db.get_or_404(Division, int(form.division.data)) if form.division.data else None
        try:
            done = enrolment.assign_course_to(
                course,
                email=form.email.data,
                division=division,
                due_on=form.due_on.data,
                now=utcnow(),
            )
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for("courses.catalogue"))
    return render_template("courses/assign.html", course=course, form=form)
