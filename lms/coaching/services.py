"""Signing coaching steps off, withdrawing sign-offs, delegating coaches. Never commits: the
caller does. Each write first locks the learner's row, so two requests about one learner run
one after the other and each sees what the other did."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.coaching import queries, rules
from lms.coaching.models import CoachDelegation, CoachingSignOff
from lms.communications import services as communications
from lms.courses.models import CurriculumSkill, Skill
from lms.database import db
from lms.errors import DomainError, FieldError, NotAllowed
from lms.practice.services import skill_practice


def build_case(
    signer: User,
    learner: User,
    skill: Skill,
    *,
    delegate_ids: frozenset[int],
    is_proficient: bool,
    is_required: bool,
    signed_steps,
    practice_to_pass: tuple[str, ...] = (),
) -> rules.SignOffCase:
    return rules.SignOffCase(
        signer_id=signer.id,
        signer_roles=frozenset(signer.roles),
        learner_id=learner.id,
        learner_name=learner.name,
        learner_active=learner.active,
        manager_id=learner.manager_id,
        delegate_ids=delegate_ids,
        signer_is_proficient=is_proficient,
        skill_title=skill.title,
        skill_required=is_required,
        signed_steps=frozenset(signed_steps),
        practice_to_pass=practice_to_pass,
    )


def sign_off_case(signer: User, learner: User, skill: Skill, *, now: datetime) -> rules.SignOffCase:
    """The facts the sign-off rule needs, read fresh from the database."""
    return build_case(
        signer,
        learner,
        skill,
        delegate_ids=queries.delegate_ids(learner),
        is_proficient=skill.id in queries.proficient_skill_ids(signer, now=now),
        is_required=db.session.get(CurriculumSkill, (learner.job_role_id, skill.id)) is not None,
        signed_steps=[s.step for s in queries.list_live_sign_offs(learner, skill)],
        practice_to_pass=tuple(t.title for t in skill_practice(learner, skill).still_to_pass),
    )


def check_sign_off_step(
    coach: User,
    learner: User,
    skill: Skill,
    step: int,
    *,
    how: str | None = None,
    note: str = "",
    override_reason: str | None = None,
    now: datetime,
) -> bool:
    """Raise the reason this sign-off would be refused, writing nothing; whether it would be
    an admin override. (The confirmation page asks this before the real sign-off.)"""
    case = sign_off_case(coach, learner, skill, now=now)
    return rules.check_sign_off(case, step, how=how, note=note, override_reason=override_reason)


def sign_off_step(
    coach: User,
    learner: User,
    skill: Skill,
    step: int,
    *,
    how: str | None = None,
    note: str = "",
    override_reason: str | None = None,
    now: datetime,
) -> CoachingSignOff:
    """Sign off one coaching step. Steps go in order, nobody signs their own, the signer is
    the learner's manager or a delegated coach who can do the skill (or an admin overriding
    with a reason). Two people signing the same step at once produce one sign-off: the
    second is told it is already signed."""
    queries.lock_person(learner)
    override = check_sign_off_step(
        coach, learner, skill, step, how=how, note=note, override_reason=override_reason, now=now
    )
    record = CoachingSignOff(
        learner=learner,
        skill=skill,
        step=step,
        coach=coach,
        signed_at=now,
        how=how or None,
        note=note.strip(),
        override_reason=override_reason.strip() if override else None,
    )
    _insert_once(record, rules.AlreadySigned(f"This step of {skill.title} is already signed."))
    events.publish(events.CoachingStepSignedOff(sign_off=record, now=now))
    return record


def check_several(
    coach: User, learners: list[User], skill: Skill, step: int, *, how, note: str, now: datetime
) -> tuple[list[User], list[tuple[User, str]]]:
    """Who of these learners the coach may sign this step for now, and who not with the
    reason, writing nothing. A problem with the form itself (step 1 without how, step 4
    without a note) is every learner's: it is raised as the FieldError it is. No override:
    an administrator overrides one person at a time, with that person's reason."""
    ready, refused = [], []
    for learner in learners:
        try:
            if check_sign_off_step(coach, learner, skill, step, how=how, note=note, now=now):
                raise NotAllowed("An override is signed one person at a time, with a reason.")
        except FieldError:
            raise
        except DomainError as exc:
            refused.append((learner, str(exc)))
        else:
            ready.append(learner)
    return ready, refused


def sign_off_several(
    coach: User, learners: list[User], skill: Skill, step: int, *, how, note: str, now: datetime
) -> list[CoachingSignOff]:
    """The same step signed for several learners at once, each by `sign_off_step` and its
    every rule, all or none: a refusal names its learner, and the caller rolls back."""
    signed = []
    for learner in sorted(learners, key=lambda person: person.id):  # locks in one order
        try:
            signed.append(sign_off_step(coach, learner, skill, step, how=how, note=note, now=now))
        except FieldError:
            raise
        except DomainError as exc:
            raise DomainError(f"{learner.name}: {exc} Nobody was signed off.") from exc
    return signed


def _insert_once(row, error: DomainError) -> None:
    """Insert a row a partial unique index guards; raise `error` if a live twin exists. The
    savepoint keeps the caller's transaction usable after the database refuses it."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise error from None


def withdraw_sign_off(
    actor: User, sign_off: CoachingSignOff, *, reason: str, now: datetime
) -> list[CoachingSignOff]:
    """Withdraw a sign-off: by its signer or HR, with a reason. Every later live step of the
    same skill falls back with it (they built on it). Nothing is deleted; returns the
    sign-offs withdrawn, the named one first."""
    queries.lock_person(sign_off.learner)
    db.session.refresh(sign_off)  # another request may have withdrawn it a moment ago
    rules.check_withdrawal(
        actor_id=actor.id,
        actor_roles=actor.roles,
        signer_id=sign_off.coach_id,
        is_live=sign_off.is_live,
        reason=reason,
    )
    live = queries.list_live_sign_offs(sign_off.learner, sign_off.skill)
    falling = set(rules.steps_falling_back(sign_off.step, [s.step for s in live]))
    later = [s for s in live if s.step in falling]
    _withdraw(sign_off, actor, reason.strip(), now)
    for fallen in later:
        _withdraw(fallen, actor, rules.fall_back_reason(sign_off.step, reason.strip()), now)
        fallen.fell_back_with = sign_off
    db.session.flush()
    events.publish(events.CoachingSignOffWithdrawn(sign_off=sign_off, fallen=tuple(later), now=now))
    return [sign_off, *later]


def _withdraw(sign_off: CoachingSignOff, actor: User, reason: str, now: datetime) -> None:
    sign_off.withdrawn_at = now
    sign_off.withdrawn_by = actor
    sign_off.withdrawal_reason = reason


def delegate_coach(actor: User, learner: User, coach: User, *, now: datetime) -> CoachDelegation:
    """Name a coach for one learner: the learner's manager, HR or an admin may. The coach
    may then sign the learner's steps, in skills they can do themselves. The audit log
    records it."""
    queries.lock_person(learner)
    live = db.session.scalars(
        select(CoachDelegation.coach_id).where(
            CoachDelegation.learner_id == learner.id, CoachDelegation.revoked_at.is_(None)
        )
    )
    rules.check_delegation(
        actor_id=actor.id,
        actor_roles=actor.roles,
        learner_id=learner.id,
        learner_active=learner.active,
        manager_id=learner.manager_id,
        coach_id=coach.id,
        coach_active=coach.active,
        coach_ids=frozenset(live),
    )
    delegation = CoachDelegation(learner=learner, coach=coach, delegated_by=actor, delegated_at=now)
    _insert_once(delegation, DomainError(f"{coach.name} is already a coach for {learner.name}."))
    summary = f"{coach.name} may now coach {learner.name}."
    audit.record_about(
        learner,
        audit.COACH_DELEGATED,
        summary,
        actor=actor,
        now=now,
        details={"coach": coach.email},
    )
    return delegation


def revoke_delegation(actor: User, delegation: CoachDelegation, *, now: datetime) -> None:
    """End a delegation: whoever delegated, the learner's manager, HR or an admin may. The
    steps the coach signed stay signed. The audit log records it."""
    if delegation.revoked_at is not None:
        raise DomainError("This delegation has already been revoked.")
    manager_id = delegation.learner.manager_id
    if not rules.may_revoke(actor.id, actor.roles, manager_id, delegation.delegated_by_id):
        raise NotAllowed("Only the learner's manager, HR or an administrator can revoke this.")
    delegation.revoked_at = now
    delegation.revoked_by = actor
    db.session.flush()
    learner, coach = delegation.learner, delegation.coach
    audit.record_about(
        learner,
        audit.COACH_DELEGATION_REVOKED,
        f"{coach.name} no longer coaches {learner.name}.",
        actor=actor,
        now=now,
        details={"coach": coach.email},
    )


def nudge(coach: User, learner: User, *, now: datetime) -> int:
    """Remind a report of their overdue courses: an in-app notification (and an e-mail where
    mail is on and they have not muted reminders) naming each course, at most once a day
    from each coach. Their manager or a delegated coach may; returns how many courses."""
    if not queries.coaches(coach, learner):
        raise NotAllowed(f"Only {learner.name}'s manager or coach reminds them.")
    overdue = queries.overdue_courses(learner, now.date())
    if not overdue:
        raise DomainError(f"Nothing of {learner.name}'s is overdue: there is nothing to remind.")
    title, body = rules.nudge_words(coach.name, overdue, now.date())
    sent = communications.notify(
        learner,
        key=f"nudge:{coach.id}:{now.date().isoformat()}",
        title=title,
        body=body,
        now=now,
        link="/",
    )
    if sent is None:
        raise DomainError(f"You reminded {learner.name} today already.")
    return len(overdue)
