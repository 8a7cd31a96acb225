"""The coaching board, a person's coaching page, signing off (form, then confirmation),
withdrawing, delegating, and asking for onboarding completion."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.forms import ConfirmForm
from lms.auth.services import get_user_by_email
from lms.clock import utcnow
from lms.coaching import board, gate, history, queries, rules, services
from lms.coaching.forms import DelegateForm, SignOffForm, WithdrawForm
from lms.coaching.models import CoachDelegation, CoachingSignOff
from lms.courses.models import Skill
from lms.crm.evidence import recent_use
from lms.database import db
from lms.errors import DomainError, FieldError

bp = Blueprint("coaching", __name__, url_prefix="/coaching")


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
    return render_template(
        "coaching/board.html",
        board=board.get_board(current_user, shown=shown, now=utcnow()),
        filters=board.FILTERS,
        steps=rules.STEPS,
    )


@bp.get("/people/<int:person_id>")
@login_required
def show_person(person_id):
    person = _coachee_or_404(person_id)
    return render_template(
        "coaching/person.html",
        page=history.get_coaching_page(current_user, person, now=utcnow()),
        own=person.id == current_user.id,
        steps=rules.STEPS,
        how=rules.HOW,
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
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            return _render_sign_off("coaching/confirm.html", form, learner, skill, step)
    return _render_sign_off("coaching/sign_off.html", form, learner, skill, step)


def _details(form: SignOffForm) -> dict:
    return {
        "how": form.how.data or None,
        "note": form.note.data or "",
        "override_reason": form.override_reason.data or None,
    }


def _sign(form: SignOffForm, learner, skill, step):
    services.sign_off_step(current_user, learner, skill, step, **_details(form), now=utcnow())
    db.session.commit()
    flash(f"{rules.step_label(step).capitalize()} of {skill.title} is signed off.", "success")
    if form.back.data == "board" and queries.is_coach(current_user):
        return redirect(url_for("coaching.show_board"))
    return _to_person(learner.id)


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
        steps=rules.STEPS,
        how=rules.HOW,
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
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Onboarding complete since {completion.completed_at.date().isoformat()}.", "success")
    return _to_person(person.id)
