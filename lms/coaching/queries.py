"""Reading coaching facts from the database: live steps, delegations, proficiency, required
skills. Queries take ids in bulk, so a page is a fixed number of queries however many people
or skills it shows."""

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from lms.auth.models import User
from lms.coaching.models import CoachDelegation, CoachingSignOff
from lms.courses.models import (
    Course,
    CurriculumSkill,
    Enrollment,
    JobRoleSettings,
    Skill,
    course_skills,
)
from lms.crm.models import CrmRecord
from lms.database import db


def lock_person(person: User) -> None:
    """Hold the person's row until commit, so coaching writes and the onboarding gate for one
    person run one at a time (PostgreSQL; SQLite serialises writers anyway). FOR NO KEY
    UPDATE still lets other rows refer to the person."""
    db.session.execute(
        select(User.id).where(User.id == person.id).with_for_update(key_share=True)
    ).all()


def lock_people(ids: list[int]) -> None:
    """Lock several people, always in id order, so two bulk evaluations cannot deadlock."""
    for start in range(0, len(ids), 500):
        chunk = sorted(ids)[start : start + 500]
        db.session.execute(
            select(User.id)
            .where(User.id.in_(chunk))
            .order_by(User.id)
            .with_for_update(key_share=True)
        ).all()


def list_live_sign_offs(learner: User, skill: Skill) -> list[CoachingSignOff]:
    return list(
        db.session.scalars(
            select(CoachingSignOff)
            .where(
                CoachingSignOff.learner_id == learner.id,
                CoachingSignOff.skill_id == skill.id,
                CoachingSignOff.withdrawn_at.is_(None),
            )
            .order_by(CoachingSignOff.step)
        )
    )


def list_sign_offs(learner: User) -> list[CoachingSignOff]:
    """Every sign-off of the learner, withdrawn ones too, in the order they were made."""
    return list(
        db.session.scalars(
            select(CoachingSignOff)
            .where(CoachingSignOff.learner_id == learner.id)
            .order_by(CoachingSignOff.signed_at, CoachingSignOff.id)
        )
    )


def list_live_steps(learner_ids: list[int]) -> dict[tuple[int, int], list[CoachingSignOff]]:
    """Live sign-offs by (learner id, skill id), in step order."""
    found: dict[tuple[int, int], list[CoachingSignOff]] = defaultdict(list)
    for start in range(0, len(learner_ids), 500):
        for sign_off in db.session.scalars(
            select(CoachingSignOff)
            .where(
                CoachingSignOff.learner_id.in_(learner_ids[start : start + 500]),
                CoachingSignOff.withdrawn_at.is_(None),
            )
            .order_by(CoachingSignOff.step)
        ):
            found[(sign_off.learner_id, sign_off.skill_id)].append(sign_off)
    return found


def list_delegations(learner: User) -> list[CoachDelegation]:
    return list(
        db.session.scalars(
            select(CoachDelegation)
            .where(CoachDelegation.learner_id == learner.id)
            .order_by(CoachDelegation.delegated_at, CoachDelegation.id)
        )
    )


def delegate_ids(learner: User) -> frozenset[int]:
    """The active coaches delegated for this learner (a deactivated coach coaches nobody)."""
    return frozenset(
        db.session.scalars(
            select(CoachDelegation.coach_id)
            .join(User, User.id == CoachDelegation.coach_id)
            .where(
                CoachDelegation.learner_id == learner.id,
                CoachDelegation.revoked_at.is_(None),
                User.active.is_(True),
            )
        )
    )


def coaches(coach: User, learner: User) -> bool:
    """Whether `coach` coaches `learner`: their manager, or a coach delegated for them."""
    return learner.manager_id == coach.id or learner.id in delegated_learner_ids(coach)


def delegated_learner_ids(coach: User) -> frozenset[int]:
    """The learners this person is a live delegated coach for."""
    return frozenset(
        db.session.scalars(
            select(CoachDelegation.learner_id).where(
                CoachDelegation.coach_id == coach.id, CoachDelegation.revoked_at.is_(None)
            )
        )
    )


def is_delegated_coach(person: User) -> bool:
    """Whether someone is delegated to this person for coaching."""
    return (
        db.session.scalar(
            select(CoachDelegation.id)
            .where(CoachDelegation.coach_id == person.id, CoachDelegation.revoked_at.is_(None))
            .limit(1)
        )
        is not None
    )


def is_coach(person: User) -> bool:
    """Whether anyone is theirs to coach: they have reports, or are a delegated coach."""
    return person.is_manager or is_delegated_coach(person)


def list_coachees(coach: User) -> list[User]:
    """The active people this person coaches: direct reports and those delegated to them."""
    delegated = select(CoachDelegation.learner_id).where(
        CoachDelegation.coach_id == coach.id, CoachDelegation.revoked_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.id != coach.id,
                or_(User.manager_id == coach.id, User.id.in_(delegated)),
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def trained_skill_ids(person: User) -> set[int]:
    """Skills the person was trained in: they completed a course teaching it (ever: a
    course later withdrawn or retired still taught them)."""
    return set(
        db.session.scalars(
            select(course_skills.c.skill_id)
            .join(Enrollment, Enrollment.course_id == course_skills.c.course_id)
            .where(Enrollment.user_id == person.id, Enrollment.completed_at.is_not(None))
            .distinct()
        )
    )


def proficient_skill_ids(person: User, *, now: datetime) -> set[int]:
    """Skills the person can coach: trained in them, or showing them in their own use of
    the live CRM as content/skills.yaml asks (proficient_from_use)."""
    return trained_skill_ids(person) | used_skill_ids(person, now=now)


def used_skill_ids(person: User, *, now: datetime) -> set[int]:
    """Skills whose CRM records the person created or last changed, in the live CRM, at
    least `proficient_records` of within `proficient_days`: a count in the index of records
    by who changed them, per skill that has such a rule."""
    used = set()
    for skill in db.session.scalars(select(Skill).where(Skill.proficient_records.is_not(None))):
        if not skill.crm_objects:
            continue
        count = db.session.scalar(
            select(func.count(CrmRecord.id)).where(
                CrmRecord.changed_by_id == person.id,
                CrmRecord.object.in_(skill.crm_objects),
                CrmRecord.changed_at >= now - timedelta(days=skill.proficient_days),
            )
        )
        if count >= skill.proficient_records:
            used.add(skill.id)
    return used


def teaching_courses(skill_ids) -> dict[int, Course]:
    """The course to point someone to for each skill: a current course that teaches it, a
    regular one before a remedial one."""
    found: dict[int, Course] = {}
    for skill_id, course in db.session.execute(
        select(course_skills.c.skill_id, Course)
        .join(Course, Course.id == course_skills.c.course_id)
        .where(course_skills.c.skill_id.in_(set(skill_ids)), Course.retired_at.is_(None))
        .order_by(Course.kind == "remedial", Course.title)
    ):
        found.setdefault(skill_id, course)
    return found


def required_skills(job_role_ids) -> dict[int, list[Skill]]:
    """The skills each job role must be coached in, in curriculum order."""
    by_role: dict[int, list[Skill]] = defaultdict(list)
    for role_id, skill in db.session.execute(
        select(CurriculumSkill.job_role_id, Skill)
        .join(Skill, Skill.id == CurriculumSkill.skill_id)
        .where(CurriculumSkill.job_role_id.in_(set(job_role_ids)))
        .order_by(CurriculumSkill.job_role_id, CurriculumSkill.position)
    ):
        by_role[role_id].append(skill)
    return by_role


def coaching_targets(job_role_ids) -> dict[int, int]:
    """The coaching target in days per job role (content sets it per curriculum)."""
    return dict(
        db.session.execute(
            select(JobRoleSettings.job_role_id, JobRoleSettings.coaching_target_days).where(
                JobRoleSettings.job_role_id.in_(set(job_role_ids))
            )
        ).all()
    )


def training_done_at(learner_ids: list[int]) -> dict[tuple[int, int], datetime]:
    """When each learner first completed a course teaching each skill, by (learner, skill)."""
    rows = db.session.execute(
        select(Enrollment.user_id, course_skills.c.skill_id, func.min(Enrollment.completed_at))
        .join(course_skills, course_skills.c.course_id == Enrollment.course_id)
        .where(Enrollment.user_id.in_(learner_ids), Enrollment.completed_at.is_not(None))
        .group_by(Enrollment.user_id, course_skills.c.skill_id)
    )
    return {(user_id, skill_id): done for user_id, skill_id, done in rows}


def required_courses_not_done(person_ids: list[int]) -> dict[int, list[str]]:
    """Titles of each person's live required courses that are not completed."""
    found: dict[int, list[str]] = defaultdict(list)
    for user_id, title in db.session.execute(
        select(Enrollment.user_id, Course.title)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            and_(
                Enrollment.user_id.in_(person_ids),
                Enrollment.withdrawn_at.is_(None),
                Enrollment.required.is_(True),
                Enrollment.completed_at.is_(None),
            )
        )
        .order_by(Enrollment.due_on.is_(None), Enrollment.due_on, Course.title)
    ):
        found[user_id].append(title)
    return found


def _overdue(today):
    """Required courses past their due date and not done."""
    return (
        Enrollment.required.is_(True),
        Enrollment.withdrawn_at.is_(None),
        Enrollment.completed_at.is_(None),
        Enrollment.due_on < today,
    )


def overdue_courses(learner: User, today) -> list[tuple[str, object]]:
    """The learner's overdue courses: (title, due_on)."""
    query = (
        select(Course.title, Enrollment.due_on)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == learner.id, *_overdue(today))
    )
    return [(title, due_on) for title, due_on in db.session.execute(query)]


def overdue_course_counts(learner_ids, today) -> dict[int, int]:
    """How many overdue courses each of these learners has (those with none are absent)."""
    if not learner_ids:
        return {}
    query = (
        select(Enrollment.user_id, func.count())
        .where(Enrollment.user_id.in_(list(learner_ids)), *_overdue(today))
        .group_by(Enrollment.user_id)
    )
    return dict(db.session.execute(query).all())
