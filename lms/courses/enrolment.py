"""Putting people on a course: an admin's assignment (one person or a whole division), or a
refresher (a remedial course). Never commits: the caller does. (Curricula are assigned in
curricula.py.)"""

from datetime import date, datetime

from sqlalchemy import select

from lms import events
from lms.auth.models import Division, User
from lms.coaching.onboarding import live_completions
from lms.courses import rules
from lms.courses.models import Course, Enrollment
from lms.database import db
from lms.errors import FieldError


def assign_course(
    person: User,
    course: Course,
    *,
    now: datetime,
    due_on: date | None,
    source: str = "admin",
    reason: str | None = None,
    required: bool = True,
) -> Enrollment:
    """Put one person on one course. Assigning again never duplicates: it reopens a
    withdrawn enrolment and moves the due date, keeping any progress."""
    enrolment = _enrolment_of(person, course)
    if enrolment is None:
        enrolment = Enrollment(
            user=person,
            course=course,
            source=source,
            assigned_at=now,
            due_on=due_on,
            reason=reason,
            required=required,
        )
        db.session.add(enrolment)
    else:
        enrolment.withdrawn_at = None
        enrolment.required = required
        if enrolment.completed_at is None and due_on is not None:
            enrolment.due_on = due_on
        if reason:
            enrolment.reason = reason
    db.session.flush()
    return enrolment


def assign_refresher(
    person: User,
    course: Course,
    *,
    reason: str,
    due_on: date,
    now: datetime,
    failed_course: Course | None = None,
) -> Enrollment | None:
    """Put a person on a refresher, whatever asked for it (failed quizzes: `failed_course`;
    an adoption signal), once: someone on it already, or who finished it, is not assigned
    again (None). It counts towards onboarding only while onboarding is not complete
    (`rules.refresher_counts_towards_onboarding`), so it never reopens a completed one.
    Records that the person is registered on it, with the reason."""
    if _is_on(person, course):
        return None
    onboarded = person.id in live_completions([person.id])
    enrolment = assign_course(
        person,
        course,
        now=now,
        due_on=due_on,
        source="remedial",
        reason=reason,
        required=rules.refresher_counts_towards_onboarding(onboarded),
    )
    events.publish(
        events.RemedialAssigned(enrollment=enrolment, failed_course=failed_course, now=now)
    )
    return enrolment


def assign_course_to_division(
    division: Division, course: Course, *, now: datetime, due_on: date | None
) -> int:
    """Assign a course to everyone active in a division; returns how many people."""
    people = db.session.scalars(
        select(User).where(User.division_id == division.id, User.active.is_(True))
    ).all()
    _assign_by_admin(people, course, now=now, due_on=due_on)
    return len(people)


def assign_course_to(
    course: Course,
    *,
    email: str | None,
    division: Division | None,
    due_on: date | None,
    now: datetime,
) -> str:
    """Assign a course to one person (by e-mail) or to a whole division; returns what was done,
    in words. FieldError names the form field when the person is unknown."""
    if division is not None:
        count = assign_course_to_division(division, course, now=now, due_on=due_on)
        return f"{course.title} is assigned to {count} people in {division.name}."
    person = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if person is None:
        raise FieldError("email", "Nobody in Uptake has this e-mail.")
    _assign_by_admin([person], course, now=now, due_on=due_on)
    return f"{course.title} is assigned to {person.name}."


def _assign_by_admin(people, course: Course, *, now: datetime, due_on: date | None) -> None:
    """An admin's assignment: each person is put on the course (or their due date moves);
    those it newly registers (not on the course before) are recorded as registered."""
    registered = []
    for person in people:
        was_on = _is_on(person, course)
        enrolment = assign_course(person, course, now=now, due_on=due_on)
        if not was_on:
            registered.append(enrolment)
    events.publish(
        events.CoursesAssigned(
            people=tuple(people), course=course, registered=tuple(registered), now=now
        )
    )


def _enrolment_of(person: User, course: Course) -> Enrollment | None:
    """The person's enrolment on the course, withdrawn or not (there is at most one)."""
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.course_id == course.id)
    )


def _is_on(person: User, course: Course) -> bool:
    """Whether the person is on the course (done or not), as opposed to never or withdrawn."""
    enrolment = _enrolment_of(person, course)
    return enrolment is not None and enrolment.withdrawn_at is None
