"""Factories for course tests: courses come from the shipped content, loaded once per session."""

import json

import pytest
from sqlalchemy import select

from lms.courses.models import Course, CurriculumItem, Enrollment
from lms.courses.progress import current_questions, open_sitting, visible_lessons
from lms.database import db
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.conftest import T0


@pytest.fixture
def enrollment_of(app):
    def find(person, course: Course) -> Enrollment | None:
        return db.session.scalar(
            select(Enrollment).where(
                Enrollment.user_id == person.id, Enrollment.course_id == course.id
            )
        )

    return find


@pytest.fixture
def curriculum(app):
    """The course slugs a job role requires, in order, with their due days."""

    def of(job_role) -> list[tuple[str, int]]:
        items = db.session.scalars(
            select(CurriculumItem)
            .where(CurriculumItem.job_role_id == job_role.id)
            .order_by(CurriculumItem.position)
        )
        return [(item.course.slug, item.due_days) for item in items]

    return of


def answers_for(course: Course, *, right: bool) -> dict[str, list[str]]:
    """A full set of answers, all right or all wrong."""
    answers = {}
    for question in current_questions(course):
        keys = [choice.key for choice in question.choices if choice.correct == right]
        answers[question.key] = keys if right else keys[:1]
    return answers


def shown_keys(enrollment) -> list[str]:
    """The questions the learner's open attempt shows (drawn from the pool), in order."""
    return [item["question"] for item in open_sitting(enrollment, now=T0).shown]


def lessons_of(course: Course, person):
    return visible_lessons(course, person)


def registered_on(person, course: Course) -> list[dict]:
    """The `registered` statements recorded about the person on the course."""
    rows = db.session.scalars(
        select(Statement).where(
            Statement.user_id == person.id, Statement.verb_id == v.VERB_REGISTERED
        )
    )
    documents = [json.loads(row.document) for row in rows]
    return [d for d in documents if d["object"]["id"].endswith(f"/courses/{course.slug}")]
