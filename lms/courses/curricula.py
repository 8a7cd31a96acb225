"""Each person's curriculum: the courses their job role requires, assigned when they join,
change role, or the content changes. Never commits: the caller does."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select

from lms.auth.models import User
from lms.courses import rules
from lms.courses.models import Course, CurriculumItem, Enrollment
from lms.database import db

CHUNK = 500  # keeps IN (...) lists within every database's parameter limit


def assign_curricula(people: Iterable[User], *, now: datetime) -> None:
    """Give each person every course their job role requires, due from their hire date.

    Never duplicates: a course already assigned keeps its enrolment (and its progress), and
    follows the curriculum's current due date while unfinished. Curriculum courses of an
    earlier role that are not started and no longer required are withdrawn; started or
    finished ones stay, as history, but no longer count as required."""
    people = [person for person in people if person.active]
    if not people:
        return
    items_by_role = _curriculum_items()
    enrolments = _enrolments_of([person.id for person in people])
    new_rows: list[dict] = []
    for person in people:
        new_rows += _assign_one(
            person, items_by_role[person.job_role_id], enrolments[person.id], now
        )
    if new_rows:
        # One bulk insert: an import of thousands of people adds tens of thousands of rows.
        db.session.execute(insert(Enrollment), new_rows)


def assign_all_curricula(*, now: datetime) -> None:
    """Re-apply every role's curriculum to everyone active (after content changes)."""
    assign_curricula(db.session.scalars(select(User).where(User.active.is_(True))).all(), now=now)


def _assign_one(
    person: User, items, enrolments: dict[int, Enrollment], now: datetime
) -> list[dict]:
    """Update the person's existing enrolments in place; return the rows to insert."""
    required, new_rows = set(), []
    for item in items:
        required.add(item.course_id)
        due_on = rules.due_date(person.hire_date, item.due_days)
        enrolment = enrolments.get(item.course_id)
        if enrolment is None:
            new_rows.append(
                {
                    "user_id": person.id,
                    "course_id": item.course_id,
                    "source": "curriculum",
                    "required": True,
                    "registration": str(uuid.uuid4()),
                    "assigned_at": now,
                    "due_on": due_on,
                }
            )
            continue
        enrolment.withdrawn_at = None
        enrolment.required = True
        if enrolment.completed_at is None:
            enrolment.due_on = due_on
    for course_id, enrolment in enrolments.items():
        if enrolment.source == "curriculum" and course_id not in required:
            _release(enrolment, now)
    return new_rows


def _release(enrolment: Enrollment, now: datetime) -> None:
    """A course the person's role no longer requires: withdrawn if untouched, else kept as
    history without counting towards onboarding."""
    enrolment.required = False
    if enrolment.started_at is None and enrolment.completed_at is None:
        enrolment.withdrawn_at = enrolment.withdrawn_at or now


def _curriculum_items() -> dict[int, list[CurriculumItem]]:
    items = db.session.scalars(
        select(CurriculumItem)
        .join(Course, Course.id == CurriculumItem.course_id)
        .where(Course.retired_at.is_(None))
        .order_by(CurriculumItem.job_role_id, CurriculumItem.position)
    )
    by_role: dict[int, list[CurriculumItem]] = defaultdict(list)
    for item in items:
        by_role[item.job_role_id].append(item)
    return by_role


def _enrolments_of(user_ids: list[int]) -> dict[int, dict[int, Enrollment]]:
    found: dict[int, dict[int, Enrollment]] = defaultdict(dict)
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        for enrolment in db.session.scalars(
            select(Enrollment).where(Enrollment.user_id.in_(chunk))
        ):
            found[enrolment.user_id][enrolment.course_id] = enrolment
    return found
