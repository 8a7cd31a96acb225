"""Coaching rules: the four steps, who may sign, withdrawals, waiting times and the
onboarding gate. Pure: plain values in, answers out.

Who may sign a step for a learner: their manager, or a coach delegated for that learner (by
the manager, HR or an admin) — and only a coach who can do the skill themselves: who has
completed a course that teaches it, or whose own use of the live CRM shows it (as
content/skills.yaml sets, per skill). Nobody signs their own steps, and steps go in order. Step 3
(practice) rests on evidence: where the learner's courses give practice tasks for the skill,
it is signed once they have passed them in the training CRM.

An admin override, given with a written reason, bypasses exactly three checks: that the signer
is the learner's manager or a delegated coach, that the signer completed a course teaching
the skill, and that the learner passed the skill's practice tasks (step 3). It never bypasses
step order, self-sign-off, a deactivated learner, a skill the learner's role does not require,
step 1's "how" or step 4's written note. A reason is refused when nothing needs overriding, so
every recorded override bypassed something.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lms.auth.rules import ROLE_ADMIN, ROLE_HR
from lms.errors import DomainError, FieldError, NotAllowed

STEPS = {1: "Demonstrate", 2: "Assist", 3: "Practice", 4: "Monitor and feedback"}
FIRST_STEP, PRACTICE_STEP, LAST_STEP = 1, 3, 4
HOW = {"one_to_one": "One-to-one", "team_session": "Team session", "recording": "Recording"}
MANAGER, DELEGATE = "manager", "delegated coach"


class StepOutOfOrder(DomainError):
    pass


class AlreadySigned(DomainError):
    pass


class NotProficient(NotAllowed):
    pass


class PracticeNotPassed(NotAllowed):
    pass


class OnboardingIncomplete(DomainError):
    """The gate does not hold; `missing` lists exactly what stands in the way."""

    def __init__(self, name: str, missing: list[str]):
        super().__init__(f"Onboarding for {name} is not complete. Missing: " + "; ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class SignOffCase:
    """Everything the sign-off rule looks at, as plain values."""

    signer_id: int
    signer_roles: frozenset[str]
    learner_id: int
    learner_name: str
    learner_active: bool
    manager_id: int | None
    delegate_ids: frozenset[int]  # active coaches delegated for this learner
    signer_is_proficient: bool
    skill_title: str
    skill_required: bool  # the learner's job role requires coaching in this skill
    signed_steps: frozenset[int]  # the live (not withdrawn) steps already signed
    # The titles of the skill's practice tasks (in the learner's courses) not passed yet.
    practice_to_pass: tuple[str, ...] = ()


def step_label(step: int) -> str:
    return f"step {step} ({STEPS[step]})"


def next_step(signed_steps) -> int | None:
    """The first step not yet signed; None once all four are. Live steps are always 1..n,
    because a withdrawal takes every later step with it."""
    for step in STEPS:
        if step not in signed_steps:
            return step
    return None


def step_reached(signed_steps) -> int:
    """How many steps are signed, counted in order (0 to 4)."""
    following = next_step(signed_steps)
    return LAST_STEP if following is None else following - 1


def authority(case: SignOffCase) -> str | None:
    """Why the signer may coach this learner: as their manager, or as a delegated coach."""
    if case.signer_id == case.manager_id:
        return MANAGER
    if case.signer_id in case.delegate_ids:
        return DELEGATE
    return None


def is_proficient(completed_course_ids, teaching_course_ids) -> bool:
    """A coach can do a skill once they have completed a course that teaches it."""
    return bool(set(completed_course_ids) & set(teaching_course_ids))


def signer_problems(case: SignOffCase) -> list[NotAllowed]:
    """What keeps the signer from coaching this skill for this learner — exactly the checks an
    admin override may bypass."""
    problems: list[NotAllowed] = []
    if authority(case) is None:
        problems.append(
            NotAllowed(
                f"Only {case.learner_name}'s manager or a coach delegated for them "
                "can sign their coaching steps."
            )
        )
    if not case.signer_is_proficient:
        problems.append(
            NotProficient(
                f"You have not completed a course that teaches “{case.skill_title}”, nor does "
                "your own CRM use show it yet; a coach signs only a skill they can do themselves."
            )
        )
    return problems


def practice_problem(case: SignOffCase, step: int) -> PracticeNotPassed | None:
    """Step 3 waits for the learner's practice tasks in the skill, where there are any."""
    if step != PRACTICE_STEP or not case.practice_to_pass:
        return None
    tasks = "; ".join(f"“{title}”" for title in case.practice_to_pass)
    return PracticeNotPassed(
        f"{case.learner_name} has not passed the practice for “{case.skill_title}” yet "
        f"({tasks}): the practice step is signed once the training CRM shows it done."
    )


def overridable_problems(case: SignOffCase, step: int) -> list[NotAllowed]:
    """Everything that keeps this step from being signed plainly that an admin may override
    with a reason: the signer's authority and proficiency, and the learner's practice."""
    practice = practice_problem(case, step)
    return [*signer_problems(case), *([practice] if practice else [])]


def check_sign_off(
    case: SignOffCase, step: int, *, how: str | None, note: str, override_reason: str | None
) -> bool:
    """Raise the first reason this sign-off is refused; return whether it is an override.
    See the module docstring for what an override may bypass."""
    _check_step(case, step)
    override = _check_override(case, step, (override_reason or "").strip())
    _check_details(step, how, note)
    return override


def _check_step(case: SignOffCase, step: int) -> None:
    if step not in STEPS:
        raise DomainError(f"There is no coaching step {step}; the steps are 1 to 4.")
    if case.signer_id == case.learner_id:
        raise NotAllowed("Nobody signs off their own coaching steps.")
    if not case.learner_active:
        raise NotAllowed(f"{case.learner_name} is deactivated: their coaching is closed.")
    if not case.skill_required:
        raise NotAllowed(f"{case.learner_name}'s job role does not require “{case.skill_title}”.")
    if step in case.signed_steps:
        raise AlreadySigned(f"{step_label(step).capitalize()} is already signed off.")
    expected = next_step(case.signed_steps)
    if step != expected:
        raise StepOutOfOrder(
            f"Steps are signed in order: {step_label(expected)} comes before step {step}."
        )


def _check_override(case: SignOffCase, step: int, reason: str) -> bool:
    problems = overridable_problems(case, step)
    is_admin = ROLE_ADMIN in case.signer_roles
    if reason and not is_admin:
        raise NotAllowed("Only an administrator can override.")
    if not problems:
        if reason:
            raise DomainError("Nothing here needs an override: sign off without a reason.")
        return False
    if not is_admin:
        raise problems[0]
    if not reason:
        raise FieldError(
            "override_reason",
            f"{problems[0]} As an administrator you may override this with a written reason.",
        )
    return True


def _check_details(step: int, how: str | None, note: str) -> None:
    """Step 1 records how the skill was shown; step 4 needs a written note."""
    if step == FIRST_STEP and how not in HOW:
        raise FieldError("how", "Say how the skill was demonstrated.")
    if step != FIRST_STEP and how:
        raise FieldError("how", "How the skill was shown is recorded for step 1 only.")
    if step == LAST_STEP and not note.strip():
        raise FieldError("note", "Step 4 needs a written note: what you saw and the feedback.")


# Withdrawals ----------------------------------------------------------------------------------


def check_withdrawal(
    *, actor_id: int, actor_roles, signer_id: int, is_live: bool, reason: str
) -> None:
    """A sign-off is withdrawn by the person who signed it, or by HR, with a reason."""
    if not is_live:
        raise DomainError("This sign-off is already withdrawn.")
    if actor_id != signer_id and ROLE_HR not in actor_roles:
        raise NotAllowed("Only the person who signed a step, or HR, can withdraw it.")
    if not reason.strip():
        raise FieldError("reason", "Say why the sign-off is withdrawn.")


def can_withdraw(actor_id: int, actor_roles, signer_id: int, is_live: bool) -> bool:
    return is_live and (actor_id == signer_id or ROLE_HR in actor_roles)


def steps_falling_back(step: int, live_steps) -> list[int]:
    """Withdrawing a step takes every later live step with it: they built on it."""
    return sorted(later for later in live_steps if later > step)


def fall_back_reason(step: int, reason: str) -> str:
    return f"Fell back with the withdrawal of {step_label(step)}: {reason}"


# Delegation -----------------------------------------------------------------------------------


def may_delegate(actor_id: int, actor_roles, manager_id: int | None) -> bool:
    """The learner's manager, HR or an admin name delegated coaches."""
    return actor_id == manager_id or bool(set(actor_roles) & {ROLE_HR, ROLE_ADMIN})


def check_delegation(
    *,
    actor_id: int,
    actor_roles,
    learner_id: int,
    learner_active: bool,
    manager_id: int | None,
    coach_id: int,
    coach_active: bool,
    coach_ids: frozenset[int],
) -> None:
    """Delegate a coach for one learner. Nobody coaches themselves or delegates themselves;
    the coach is active and not already the learner's manager or coach."""
    if not may_delegate(actor_id, actor_roles, manager_id):
        raise NotAllowed("Only the learner's manager, HR or an administrator can delegate.")
    if not learner_active:
        raise NotAllowed("This person is deactivated: their coaching is closed.")
    if coach_id == learner_id:
        raise FieldError("email", "Nobody coaches themselves.")
    if coach_id == manager_id:
        raise FieldError("email", "Their manager coaches them already.")
    if coach_id == actor_id:
        raise FieldError("email", "You cannot delegate coaching to yourself.")
    if not coach_active:
        raise FieldError("email", "That person is deactivated.")
    if coach_id in coach_ids:
        raise FieldError("email", "That person is already a coach for them.")


def may_revoke(actor_id: int, actor_roles, manager_id: int | None, delegated_by_id: int) -> bool:
    """Whoever delegated, the learner's manager, HR or an admin may revoke a delegation."""
    return actor_id == delegated_by_id or may_delegate(actor_id, actor_roles, manager_id)


# Waiting and overdue ------------------------------------------------------------------------


def waiting_since(
    step: int | None, previous_signed_at: datetime | None, training_done_at: datetime | None
) -> datetime | None:
    """When the next step started waiting. Step 1 waits from the moment the learner completed
    a course that teaches the skill (coaching builds on the training); each later step waits
    from the sign-off of the step before. None when nothing is waiting."""
    if step is None:
        return None
    return training_done_at if step == FIRST_STEP else previous_signed_at


def days_waiting(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max((now - since).days, 0)


def is_overdue(since: datetime | None, now: datetime, target_days: int | None) -> bool:
    """A step is overdue when it has waited longer than the role's coaching target."""
    return since is not None and target_days is not None and now - since > timedelta(target_days)


# The onboarding gate --------------------------------------------------------------------------


def onboarding_missing(
    courses_not_done: list[str], skills_reached: list[tuple[str, int]]
) -> list[str]:
    """What stands between a person and complete onboarding: each required course not done,
    each required skill not signed off at step four. Empty means the gate holds."""
    missing = [f"course not done: {title}" for title in courses_not_done]
    for title, reached in skills_reached:
        if reached < LAST_STEP:
            following = step_label(reached + 1)
            missing.append(f"coaching in {title}: {reached} of 4 steps signed ({following} next)")
    return missing


def gate_change(missing: list[str], is_complete: bool) -> str | None:
    """ "complete" the moment the gate holds and no completion is live; "reopen" when a live
    completion no longer holds (a requirement was added or a step withdrawn); else None."""
    if not missing and not is_complete:
        return "complete"
    if missing and is_complete:
        return "reopen"
    return None


def nudge_words(coach_name: str, overdue: list[tuple[str, date]], today: date) -> tuple[str, str]:
    """A coach's reminder to a report with overdue courses: its title and body, the courses
    named with how long each is overdue, most overdue first."""
    lines = []
    for title, due_on in sorted(overdue, key=lambda item: item[1]):
        days = (today - due_on).days
        lines.append(f"{title}: due {due_on:%d %b %Y}, {days} day{'s' if days != 1 else ''} ago")
    body = "Still to finish:\n" + "\n".join(lines) + "\nYour plan shows where to pick up."
    return f"A reminder from {coach_name}", body
