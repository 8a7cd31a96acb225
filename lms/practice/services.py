"""Doing a practice task: opening it (what is done in the training CRM from then on counts),
checking the work there, and what coaching asks of it. Services: they flush, never commit."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.models import User
from lms.courses.models import Enrollment, Skill
from lms.crm import training
from lms.crm.connectors.base import Connector, ConnectorError
from lms.database import db
from lms.errors import DomainError
from lms.practice import rules
from lms.practice.models import PracticeAttempt, PracticeTask

NO_TRAINING_CRM = (
    "No training CRM is connected yet, so your work cannot be checked. Ask an administrator "
    "to connect the training CRM (a connection with purpose “training”)."
)


def live_tasks(course_ids) -> list[PracticeTask]:
    """The tasks of these courses content still has, in course and file order."""
    query = (
        select(PracticeTask)
        .where(PracticeTask.course_id.in_(list(course_ids)), PracticeTask.retired_at.is_(None))
        .order_by(PracticeTask.course_id, PracticeTask.position)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class PracticeLine:
    task: PracticeTask
    attempt: PracticeAttempt | None

    @property
    def passed(self) -> bool:
        return self.attempt is not None and self.attempt.passed_at is not None


def practice_lines(person: User, course_ids) -> list[PracticeLine]:
    """The person's practice tasks in these courses (theirs), each with their attempt: one
    query, however many courses."""
    mine = (PracticeAttempt.task_id == PracticeTask.id) & (PracticeAttempt.user_id == person.id)
    query = (
        select(PracticeTask, PracticeAttempt)
        .outerjoin(PracticeAttempt, mine)
        .where(PracticeTask.course_id.in_(list(course_ids)), PracticeTask.retired_at.is_(None))
        .order_by(PracticeTask.course_id, PracticeTask.position)
    )
    return [PracticeLine(task, attempt) for task, attempt in db.session.execute(query)]


def attempts_of(person: User, tasks: list[PracticeTask]) -> dict[int, PracticeAttempt]:
    """Task id -> the person's attempt, for the tasks they opened."""
    if not tasks:
        return {}
    query = select(PracticeAttempt).where(
        PracticeAttempt.user_id == person.id,
        PracticeAttempt.task_id.in_([task.id for task in tasks]),
    )
    return {attempt.task_id: attempt for attempt in db.session.scalars(query)}


def open_task(person: User, task: PracticeTask, *, now: datetime) -> PracticeAttempt:
    """The person's attempt at the task, opened now the first time: a check counts what
    they do in the training CRM from that moment."""
    attempt = attempts_of(person, [task]).get(task.id)
    if attempt is not None:
        return attempt
    try:
        with db.session.begin_nested():  # two starts at once: the second finds the first
            attempt = PracticeAttempt(task=task, user=person, opened_at=now)
            db.session.add(attempt)
    except IntegrityError:
        attempt = attempts_of(person, [task])[task.id]
    return attempt


def check_work(
    person: User, task: PracticeTask, *, now: datetime, connector: Connector | None = None
) -> rules.Verdict:
    """Run the task's check in the training CRM and record it: a first pass is recorded as
    a statement (PracticeTaskPassed); a check that does not pass counts towards the hints.
    Raises DomainError when there is no training CRM or it cannot be read (nothing is
    recorded then: the learner's work was not judged)."""
    if task.retired_at is not None:
        raise DomainError("This practice task is no longer part of the course.")
    attempt = open_task(person, task, now=now)
    # One check of an attempt at a time: two at once would both record the first pass.
    lock = select(PracticeAttempt.id).where(PracticeAttempt.id == attempt.id).with_for_update()
    db.session.execute(lock)
    db.session.refresh(attempt)
    connection = training.training_connection()
    if connection is None:
        raise DomainError(NO_TRAINING_CRM)
    try:
        records = training.records_since(
            connection, person, task.check.object, attempt.opened_at, now=now, connector=connector
        )
    except ConnectorError as error:
        raise DomainError(f"The training CRM could not be read: {error.message}") from None
    if not training.person_known(connection, person):
        verdict = rules.Verdict(False, None, (unknown_in_training_crm(person),))
    else:
        verdict = rules.judge(task.check, records)
    record_verdict(attempt, verdict, now=now)
    return verdict


def unknown_in_training_crm(person: User) -> str:
    return (
        f"the training CRM has no user with your e-mail address ({person.email}): "
        "ask an administrator to add you there"
    )


def record_verdict(attempt: PracticeAttempt, verdict: rules.Verdict, *, now: datetime) -> None:
    """Count a check and keep what it found; the first pass is recorded as a statement."""
    attempt.checks += 1
    attempt.last_checked_at = now
    attempt.last_missing = list(verdict.missing)
    attempt.last_record = (verdict.record_name or "")[:200] or None
    if verdict.passed and attempt.passed_at is None:
        attempt.passed_at = now
        db.session.flush()
        events.publish(events.PracticeTaskPassed(attempt=attempt, now=now))
    elif not verdict.passed:
        attempt.failed_checks += 1
    db.session.flush()


@dataclass(frozen=True)
class SkillPractice:
    """A learner's practice in one skill: the tasks their courses give for it, and those
    passed. `required` is False when their courses have none (practice is then the
    coach's word alone)."""

    tasks: tuple[PracticeTask, ...]
    passed: tuple[PracticeTask, ...]

    @property
    def required(self) -> bool:
        return bool(self.tasks)

    @property
    def done(self) -> bool:
        return len(self.passed) == len(self.tasks)

    @property
    def still_to_pass(self) -> tuple[PracticeTask, ...]:
        return tuple(task for task in self.tasks if task not in self.passed)


def practice_by_skill(learner_ids) -> dict[tuple[int, int], SkillPractice]:
    """(learner id, skill id) -> their practice in the skill: the live tasks of the courses
    they are enrolled on, and those passed. Two queries however many learners."""
    ids = list(learner_ids)
    if not ids:
        return {}
    query = (
        select(Enrollment.user_id, PracticeTask)
        .join(PracticeTask, PracticeTask.course_id == Enrollment.course_id)
        .where(Enrollment.user_id.in_(ids), Enrollment.withdrawn_at.is_(None))
        .where(PracticeTask.retired_at.is_(None))
        .order_by(PracticeTask.course_id, PracticeTask.position)
    )
    rows = db.session.execute(query).all()
    passed = set(
        db.session.execute(
            select(PracticeAttempt.user_id, PracticeAttempt.task_id).where(
                PracticeAttempt.user_id.in_(ids), PracticeAttempt.passed_at.is_not(None)
            )
        ).all()
    )
    tasks: dict[tuple[int, int], list[PracticeTask]] = {}
    for user_id, task in rows:
        tasks.setdefault((user_id, task.skill_id), []).append(task)
    return {
        key: SkillPractice(
            tuple(found), tuple(task for task in found if (key[0], task.id) in passed)
        )
        for key, found in tasks.items()
    }


def skill_practice(learner: User, skill: Skill) -> SkillPractice:
    """The learner's practice in one skill (see practice_by_skill)."""
    return practice_by_skill([learner.id]).get((learner.id, skill.id), SkillPractice((), ()))
