"""Factories for coaching tests: a team with a proficient manager, and helpers that complete
courses and sign steps without going through the pages."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.coaching.models import CoachingSignOff, OnboardingCompletion
from lms.coaching.services import sign_off_step
from lms.courses import progress
from lms.courses.curricula import assign_curricula
from lms.courses.enrolment import assign_course
from lms.courses.models import Course, Enrollment, Skill, course_skills
from lms.database import db
from lms.practice.services import open_task, skill_practice
from tests.conftest import T0

SALES_SKILLS = [
    "handle-leads",
    "manage-opportunities",
    "create-quotes",
    "submit-orders",
    "update-contact-information",
    "run-pipeline-reports",
]


def skill(slug: str) -> Skill:
    return db.session.scalar(select(Skill).where(Skill.slug == slug))


def make_proficient(person, *, now=T0) -> None:
    """The person completes every course that teaches a skill, so they can coach any."""
    teaching = db.session.scalars(
        select(Course).where(Course.id.in_(select(course_skills.c.course_id)))
    )
    for course in teaching:
        enrollment = assign_course(person, course, now=now, due_on=None, source="self")
        enrollment.completed_at = now
        enrollment.required = enrollment.source == "curriculum"  # extra courses are optional


def complete_required_courses(person, *, now=T0) -> None:
    """Every live required course done, directly (no events: the gate is not re-run)."""
    for enrollment in db.session.scalars(
        select(Enrollment).where(
            Enrollment.user_id == person.id,
            Enrollment.required.is_(True),
            Enrollment.withdrawn_at.is_(None),
        )
    ):
        enrollment.completed_at = enrollment.completed_at or now
    db.session.flush()


def pass_practice(learner, slug: str, *, now=T0) -> None:
    """The learner passed every practice task of the skill in their courses."""
    for task in skill_practice(learner, skill(slug)).still_to_pass:
        attempt = open_task(learner, task, now=now)
        attempt.passed_at = now
    db.session.flush()


def sign(coach, learner, slug: str, steps=(1, 2, 3, 4), *, now=T0, practised=True, **extra):
    """Sign the given steps of one skill, a day apart, with what each step needs — and,
    unless `practised` is False, the learner's practice passed before step 3."""
    records = []
    for offset, step in enumerate(steps):
        if step == 3 and practised:
            pass_practice(learner, slug, now=now)
        details = {"how": "one_to_one"} if step == 1 else {}
        details["note"] = f"Step {step} went well." if step == 4 else ""
        records.append(
            sign_off_step(
                coach,
                learner,
                skill(slug),
                step,
                now=now + timedelta(days=offset),
                **(details | extra),
            )
        )
    return records


def live_sign_offs(learner, slug: str | None = None) -> list[CoachingSignOff]:
    query = select(CoachingSignOff).where(
        CoachingSignOff.learner_id == learner.id, CoachingSignOff.withdrawn_at.is_(None)
    )
    if slug:
        query = query.where(CoachingSignOff.skill_id == skill(slug).id)
    return list(db.session.scalars(query.order_by(CoachingSignOff.step)))


def completions(person) -> list[OnboardingCompletion]:
    return list(
        db.session.scalars(
            select(OnboardingCompletion)
            .where(OnboardingCompletion.person_id == person.id)
            .order_by(OnboardingCompletion.id)
        )
    )


@pytest.fixture
def login(client, login):
    """Log in, leaving whoever was logged in before."""

    def switch(user):
        client.post("/logout")
        return login(user)

    return switch


def text(response) -> str:
    return response.get_data(as_text=True)


def finish_course(person, course, when):
    progress.get_enrollment(person, course).completed_at = when
    db.session.commit()


@pytest.fixture
def team(make_user):
    """manager (proficient) manages learner and peer; coach is a proficient sales rep who can
    be delegated; other_manager manages stranger in another team; hr and admin coach nobody.
    Everyone has their curriculum."""
    manager = make_user(name="Mara Manager", job_role="sales_manager")
    people = SimpleNamespace(
        manager=manager,
        learner=make_user(name="Leo Learner", manager=manager),
        peer=make_user(name="Pat Peer", manager=manager),
        coach=make_user(name="Cora Champion"),
        hr=make_user(name="Hilda HR", job_role="hr_partner", roles={"hr"}),
        admin=make_user(name="Ada Admin", job_role="crm_administrator", roles={"admin"}),
        other_manager=make_user(name="Otto Other", job_role="sales_manager"),
    )
    people.stranger = make_user(name="Sam Stranger", manager=people.other_manager)
    assign_curricula(vars(people).values(), now=T0)
    for person in (people.manager, people.coach, people.other_manager):
        make_proficient(person)
    db.session.commit()  # to the test's savepoint, so a view's rollback keeps them
    return people
