"""The coaching board, a person's coaching page, signing off (form, then confirmation),
withdrawing, delegating, and asking for onboarding completion."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.forms import ConfirmForm
from lms.auth.services import get_user_by_email
from lms.clock import today, utcnow
from lms.coaching import board, gate, history, onboarding, queries, rules, services
from lms.coaching.forms import DelegateForm, SeveralForm, SignOffForm, WithdrawForm
from lms.coaching.models import CoachDelegation, CoachingSignOff
from lms.courses.models import Skill
from lms.crm.evidence import recent_use
from lms.database import db
from lms.errors import DomainError, FieldError
from lms.localisation import day_text

bp = Blueprint("coaching", __name__, url_prefix="/coaching")
STEP_WORDS = {"steps": rules.STEPS, "how": rules.HOW}  # what the sign-off pages name


def _coachee_or_404(person_id: int):
    return history.get_coachee_for(current_user, person_id) or abort(404)


def _required_skill_or_404(learner, slug: str) -> Skill:
    """A skill the learner's job role requires (the only ones they are coached in)."""
    skill = db.session.scalar(select(Skill).where(Skill.slug == slug)) or abort(404)
    required = queries.required_skills([learner.job_role_id])[learner.job_role_id]
    return skill if skill in required else abort(404)


def _to_person(person_id: int):
    return redirect(url_for("coaching.show_person", person_id=person_id))


@bp.get("")
@login_required
def show_board():
    if not queries.is_coach(current_user):
        abort(403)
    shown = request.args.get("show")
    on_board = board.get_board(current_user, shown=shown, now=utcnow())
    return render_template(
        "coaching/board.html",
        board=on_board,
        filters=board.FILTERS,
        steps=rules.STEPS,
        groups=board.ready_groups(on_board),
        overdue=queries.overdue_course_counts([row.person.id for row in on_board.rows], today()),
        confirm=ConfirmForm(),
    )


@bp.get("/people/<int:person_id>")
@login_required
def show_person(person_id):
    person = _coachee_or_404(person_id)
    return render_template(
        "coaching/person.html",
        overdue=queries.overdue_courses(person, today())
        if queries.coaches(current_user, person)
        else [],
        page=history.get_coaching_page(current_user, person, now=utcnow()),
        own=person.id == current_user.id,
        **STEP_WORDS,
        withdraw_form=WithdrawForm(formdata=None),
        delegate_form=DelegateForm(formdata=None),
        confirm=ConfirmForm(),
    )


@bp.route("/people/<int:person_id>/skills/<skill_slug>/steps/<int:step>", methods=["GET", "POST"])
@login_required
def sign_off(person_id, skill_slug, step):
    """GET: the short form. POST: checked, then a confirmation page; POST with
    confirmed=yes: signed. Every rule is checked again by the service on the final post."""
    learner = _coachee_or_404(person_id)
    skill = _required_skill_or_404(learner, skill_slug)
    if step not in rules.STEPS:
        abort(404)
    form = SignOffForm()
    if request.method == "GET":
        form.back.data = request.args.get("back", "person")
    elif form.validate_on_submit():
        try:
            if form.confirmed.data == "yes":
                return _sign(form, learner, skill, step)
            services.check_sign_off_step(
                current_user, learner, skill, step, **_details(form), now=utcnow()
            )
        except DomainError as exc:
            _show_refusal(form, exc)
        else:
            return _render_sign_off("coaching/confirm.html", form, learner, skill, step)
    return _render_sign_off("coaching/sign_off.html", form, learner, skill, step)


def _show_refusal(form, exc: DomainError) -> None:
    """A refusal where it belongs: on its field, or flashed when it is the whole request's."""
    if isinstance(exc, FieldError):
        getattr(form, exc.field).errors.append(str(exc))
    else:
        flash(str(exc), "error")


def _details(form: SignOffForm) -> dict:
    return {
        "how": form.how.data or None,
        "note": form.note.data or "",
        "override_reason": form.override_reason.data or None,
    }


def _sign(form: SignOffForm, learner, skill, step):
    now = utcnow()
    services.sign_off_step(current_user, learner, skill, step, **_details(form), now=now)
    db.session.commit()
    said = f"{rules.step_label(step).capitalize()} of {skill.title} is signed off."
    flash(said + _onboarding_news([learner], now), "success")
    if form.back.data == "board" and queries.is_coach(current_user):
        return redirect(url_for("coaching.show_board"))
    return _to_person(learner.id)


def _onboarding_news(learners: list, since) -> str:
    """ " Onboarding is now complete for Leo Learner." when the sign-off just completed it."""
    done = onboarding.completed_since(learners, since)
    return f" Onboarding is now complete for {', '.join(p.name for p in done)}." if done else ""


def _render_sign_off(template: str, form: SignOffForm, learner, skill, step):
    live = {s.step for s in queries.list_live_sign_offs(learner, skill)}
    facts = history.viewer_facts(current_user, learner, [skill.id], now=utcnow())
    signer = history.signer_view(current_user, learner, skill, live, facts)
    if template == "coaching/sign_off.html":
        form.confirmed.data = ""  # back on the form: the confirmation comes again
    return render_template(
        template,
        form=form,
        learner=learner,
        skill=skill,
        step=step,
        **STEP_WORDS,
        signer=signer,
        next_step=rules.next_step(live),
        show_form=(signer.can_sign or signer.can_override) and rules.next_step(live) == step,
        practice=facts.practice.get(skill.id),
        crm_use=recent_use(learner, tuple(skill.crm_objects), now=utcnow())
        if step == rules.LAST_STEP
        else None,
        learner_trained=skill.id in queries.trained_skill_ids(learner),
        teaching_course=facts.courses.get(skill.id),
    )


@bp.route("/skills/<skill_slug>/steps/<int:step>/several", methods=["GET", "POST"])
@login_required
def sign_off_several(skill_slug, step):
    """One step for several of the coach's learners: GET the form (the coach's learners
    ready for this step, all ticked); POST: each checked, then a confirmation listing who
    will be signed and who cannot be, and why; POST with confirmed=yes: all signed, or none
    when one is refused by then."""
    if not queries.is_coach(current_user):
        abort(403)
    skill = db.session.scalar(select(Skill).where(Skill.slug == skill_slug))
    if skill is None or step not in rules.STEPS:
        abort(404)
    ready = _ready_for(skill, step)
    form = SeveralForm()
    form.people.choices = [(person.id, person.name) for person in ready]
    if request.method == "GET":
        form.people.data = [person.id for person in ready]
    elif form.validate_on_submit():
        chosen = [person for person in ready if person.id in set(form.people.data)]
        try:
            if form.confirmed.data == "yes":
                return _sign_several(form, chosen, skill, step)
            signable, refused = services.check_several(
                current_user, chosen, skill, step, **_several_details(form), now=utcnow()
            )
        except DomainError as exc:
            _show_refusal(form, exc)
        else:
            return render_template(
                "coaching/several_confirm.html",
                form=form,
                skill=skill,
                step=step,
                **STEP_WORDS,
                signable=signable,
                refused=refused,
            )
    return render_template(
        "coaching/several.html", form=form, skill=skill, step=step, steps=rules.STEPS
    )


def _ready_for(skill: Skill, step: int) -> list:
    """The coach's learners ready for their sign-off of this step of this skill."""
    on_board = board.get_board(current_user, shown="ready", now=utcnow())
    groups = board.ready_groups(on_board, least=1)
    return next((g.people for g in groups if g.skill.id == skill.id and g.step == step), [])


def _several_details(form: SeveralForm) -> dict:
    return {"how": form.how.data or None, "note": form.note.data or ""}


def _sign_several(form: SeveralForm, chosen: list, skill: Skill, step: int):
    now = utcnow()
    try:
        signed = services.sign_off_several(
            current_user, chosen, skill, step, **_several_details(form), now=now
        )
    except DomainError:
        db.session.rollback()  # those signed before the refusal are not signed either
        raise
    db.session.commit()
    names = ", ".join(sign_off.learner.name for sign_off in signed)
    label = rules.step_label(step).capitalize()
    said = f"{label} of {skill.title} is signed off for {len(signed)}: {names}."
    flash(said + _onboarding_news([sign_off.learner for sign_off in signed], now), "success")
    return redirect(url_for("coaching.show_board"))


@bp.post("/people/<int:person_id>/nudge")
@login_required
def nudge(person_id):
    """Remind a report of their overdue courses (the board's and the person page's button)."""
    learner = _coachee_or_404(person_id)
    if ConfirmForm().validate_on_submit():
        try:
            count = services.nudge(current_user, learner, now=utcnow())
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            courses = "course" if count == 1 else "courses"
            flash(f"{learner.name} is reminded of {count} overdue {courses}.", "success")
    if request.form.get("back") == "board":
        return redirect(url_for("coaching.show_board"))
    return _to_person(learner.id)


@bp.post("/sign-offs/<int:sign_off_id>/withdraw")
@login_required
def withdraw(sign_off_id):
    sign_off = db.get_or_404(CoachingSignOff, sign_off_id)
    _coachee_or_404(sign_off.learner_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash("Say why the sign-off is withdrawn.", "error")
        return _to_person(sign_off.learner_id)
    try:
        withdrawn = services.withdraw_sign_off(
            current_user, sign_off, reason=form.reason.data, now=utcnow()
        )
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Withdrawn: {len(withdrawn)} sign-off(s) of {sign_off.skill.title}.", "success")
    return _to_person(sign_off.learner_id)


@bp.post("/people/<int:person_id>/coaches")
@login_required
def delegate(person_id):
    learner = _coachee_or_404(person_id)
    form = DelegateForm()
    coach = get_user_by_email(form.email.data or "") if form.validate_on_submit() else None
    if coach is None:
        flash("Give the e-mail of someone in Uptake.", "error")
        return _to_person(learner.id)
    try:
        services.delegate_coach(current_user, learner, coach, now=utcnow())
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{coach.name} may now coach {learner.name}.", "success")
    return _to_person(learner.id)


@bp.post("/delegations/<int:delegation_id>/revoke")
@login_required
def revoke(delegation_id):
    delegation = db.get_or_404(CoachDelegation, delegation_id)
    _coachee_or_404(delegation.learner_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_delegation(current_user, delegation, now=utcnow())
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{delegation.coach.name} no longer coaches {delegation.learner.name}.", "success")
    return _to_person(delegation.learner_id)


@bp.post("/people/<int:person_id>/onboarding/complete")
@login_required
def complete_onboarding(person_id):
    """Ask for completion: the gate answers, listing exactly what is missing."""
    person = _coachee_or_404(person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        completion = gate.complete_onboarding(person, now=utcnow())
    except rules.OnboardingIncomplete as exc:  # an answer, not an error
        whose = "Your" if person.id == current_user.id else f"{person.name}'s"
        flash(
            f"{whose} onboarding is not complete yet. Still to do: {'; '.join(exc.missing)}.",
            "info",
        )
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("Onboarding complete since %(day)s.", day=day_text(completion.completed_at)),
            "success",
        )
    return _to_person(person.id)
