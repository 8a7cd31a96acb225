"""A person's coaching: the page with every sign-off ever made (withdrawn ones too), what
the viewer may do next, delegated coaches, onboarding; and the short summary on My plan."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from lms.auth import rules as access_rules
from lms.auth.models import User
from lms.auth.services import get_person_for
from lms.coaching import board, onboarding, queries, rules, services
from lms.coaching.models import CoachDelegation, CoachingSignOff, OnboardingCompletion
from lms.courses.models import Course, Skill
from lms.database import db
from lms.practice.services import SkillPractice, practice_by_skill


@dataclass(frozen=True)
class SignerView:
    """What the viewer may do about the next step of one skill for one learner."""

    can_sign: bool
    can_override: bool  # an admin who may sign only by overriding, with a reason
    problems: list[str]  # why the viewer may not sign plainly (what an override bypasses)
    course_to_take: Course | None  # set when the viewer coaches but cannot do the skill


@dataclass(frozen=True)
class SkillLine:
    cell: board.Cell
    signer: SignerView
    history: list[CoachingSignOff]  # every sign-off of this skill, in the order made


@dataclass(frozen=True)
class DelegationLine:
    delegation: CoachDelegation
    can_revoke: bool


@dataclass(frozen=True)
class CoachingPage:
    person: User
    skills: list[SkillLine]
    earlier: list[CoachingSignOff]  # sign-offs in skills the person's role no longer requires
    withdrawable: set[int]  # ids of the sign-offs the viewer may withdraw
    delegations: list[DelegationLine]
    can_delegate: bool
    onboarding: onboarding.OnboardingStatus
    completions: list[OnboardingCompletion]


@dataclass(frozen=True)
class SkillProgress:
    """One required skill on the learner's plan: the step reached and the notes so far."""

    skill: Skill
    reached: int
    next_label: str | None
    steps: list[CoachingSignOff]  # the live sign-offs, in step order

    @property
    def progress_pct(self) -> int:
        return self.reached * 100 // rules.LAST_STEP


def get_coachee_for(viewer: User, person_id: int) -> User | None:
    """The person if the viewer may see their coaching: whoever may see the person (they
    themselves, their managers, HR, admins), and their delegated coaches. None: 404."""
    person = get_person_for(viewer, person_id)
    if person is None:
        person = db.session.get(User, person_id)
        if person is None or person.id not in queries.delegated_learner_ids(viewer):
            return None
    return person


@dataclass(frozen=True)
class ViewerFacts:
    """What decides, for every skill of one learner, what the viewer may sign."""

    delegate_ids: frozenset[int]  # the learner's delegated coaches
    proficient_skill_ids: set[int]  # skills the viewer was trained in, or shows in CRM use
    courses: dict[int, Course]  # a course that teaches each skill
    practice: dict[int, SkillPractice]  # the learner's practice, by skill (where there is any)


def viewer_facts(viewer: User, learner: User, skill_ids, *, now: datetime) -> ViewerFacts:
    practice = practice_by_skill([learner.id])
    return ViewerFacts(
        queries.delegate_ids(learner),
        queries.proficient_skill_ids(viewer, now=now),
        queries.teaching_courses(skill_ids),
        {skill_id: found for (_, skill_id), found in practice.items()},
    )


def signer_view(
    viewer: User, learner: User, skill: Skill, live_steps, facts: ViewerFacts
) -> SignerView:
    """Whether the viewer may sign the next step plainly, or only as an admin override; a
    coach who cannot do the skill yet is pointed to a course that teaches it."""
    if not learner.active or viewer.id == learner.id or rules.next_step(live_steps) is None:
        return SignerView(False, False, [], None)
    practice = facts.practice.get(skill.id)
    case = services.build_case(
        viewer,
        learner,
        skill,
        delegate_ids=facts.delegate_ids,
        is_proficient=skill.id in facts.proficient_skill_ids,
        is_required=True,
        signed_steps=live_steps,
        practice_to_pass=tuple(t.title for t in practice.still_to_pass) if practice else (),
    )
    problems = rules.overridable_problems(case, rules.next_step(live_steps))
    is_admin = access_rules.ROLE_ADMIN in viewer.roles
    coaches = rules.authority(case) is not None or is_admin
    return SignerView(
        can_sign=not problems,
        can_override=bool(problems) and is_admin,
        problems=[str(problem) for problem in problems],
        course_to_take=facts.courses.get(skill.id)
        if coaches and not case.signer_is_proficient
        else None,
    )


def get_coaching_page(viewer: User, person: User, *, now: datetime) -> CoachingPage:
    """The person's page as the viewer sees it. A fixed number of queries."""
    cells = board.progress_cells([person], board.coach_facts(viewer, now=now), now)[person.id]
    sign_offs = queries.list_sign_offs(person)
    by_skill: dict[int, list[CoachingSignOff]] = defaultdict(list)
    for sign_off in sign_offs:
        by_skill[sign_off.skill_id].append(sign_off)
    facts = viewer_facts(viewer, person, cells.keys(), now=now)
    lines = []
    for skill_id, cell in cells.items():
        live = {s.step for s in by_skill[skill_id] if s.is_live}
        view = signer_view(viewer, person, cell.skill, live, facts)
        lines.append(SkillLine(cell, view, by_skill[skill_id]))
    return CoachingPage(
        person=person,
        skills=lines,
        earlier=[s for s in sign_offs if s.skill_id not in cells],
        withdrawable={
            s.id
            for s in sign_offs
            if rules.can_withdraw(viewer.id, viewer.roles, s.coach_id, s.is_live)
        },
        delegations=_delegation_lines(viewer, person),
        can_delegate=person.active
        and rules.may_delegate(viewer.id, viewer.roles, person.manager_id),
        onboarding=onboarding.get_onboarding_status(person),
        completions=onboarding.list_completions(person),
    )


def _delegation_lines(viewer: User, person: User) -> list[DelegationLine]:
    return [
        DelegationLine(
            delegation,
            delegation.revoked_at is None
            and rules.may_revoke(
                viewer.id, viewer.roles, person.manager_id, delegation.delegated_by_id
            ),
        )
        for delegation in queries.list_delegations(person)
    ]


def list_skill_progress(person: User) -> list[SkillProgress]:
    """The skills the person's role requires, each with the steps signed and their notes."""
    live = queries.list_live_steps([person.id])
    lines = []
    for skill in queries.required_skills([person.job_role_id])[person.job_role_id]:
        steps = live.get((person.id, skill.id), [])
        following = rules.next_step({s.step for s in steps})
        lines.append(
            SkillProgress(
                skill,
                rules.step_reached({s.step for s in steps}),
                rules.step_label(following) if following else None,
                steps,
            )
        )
    return lines
