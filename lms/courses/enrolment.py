"""Putting people on a course: an admin's assignment (one person or a whole division), or a
remedial course. Never commits: the caller does. (Curricula are assigned in curricula.py.)"""

from datetime import date, datetime

from sqlalchemy import select

from lms import events
from lms.auth.models import Division, User
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
) -> Enrollment:
    """Put one person on one course. Assigning again never duplicates: it reopens a
    withdrawn enrolment and moves the due date, keeping any progress."""
    enrolment = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.course_id == course.id)
    )
    if enrolment is None:
        enrolment = Enrollment(
            user=person, course=course, source=source, assigned_at=now, due_on=due_on, reason=reason
        )
        db.session.add(enrolment)
    else:
        enrolment.withdrawn_at = None
        enrolment.required = True
        if enrolment.completed_at is None and due_on is not None:
            enrolment.due_on = due_on
        if reason:
            enrolment.reason = reason
    db.session.flush()
    return enrolment


def assign_course_to_division(
    division: Division, course: Course, *, now: datetime, due_on: date | None
) -> int:
    """Assign a course to everyone active in a division; returns how many people."""
    people = db.session.scalars(
        select(User).where(User.division_id == division.id, User.active.is_(True))
    ).all()
    for person in people:
        assign_course(person, course, now=now, due_on=due_on)
    events.publish(events.CoursesAssigned(people=tuple(people), course=course, now=now))
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
    assign_course(person, course, now=now, due_on=due_on)
    events.publish(events.CoursesAssigned(people=(person,), course=course, now=now))
    return f"{course.title} is assigned to {person.name}."
