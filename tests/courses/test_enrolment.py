"""Enrolment by role, on role change, by an admin; never duplicated."""

from datetime import date, timedelta

from sqlalchemy import func, select

from lms.auth.services import (
    PersonDetails,
    create_person,
    get_job_role,
    get_or_create_division,
    update_person,
)
from lms.courses.curricula import assign_curricula
from lms.courses.enrolment import assign_course, assign_course_to, assign_course_to_division
from lms.courses.models import Enrollment
from lms.database import db
from lms.xapi import vocabulary as v
from tests.conftest import T0
from tests.courses.conftest import registered_on


def details(**overrides) -> PersonDetails:
    values = {
        "email": "new.hire@example.com",
        "name": "New Hire",
        "job_role": "sales_rep",
        "division": "North",
        "manager": None,
        "hire_date": date(2026, 10, 1),
        "roles": set(),
    }
    values.update(overrides)
    return PersonDetails(**values)


def live_enrolments(person) -> dict[str, Enrollment]:
    rows = db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == person.id, Enrollment.withdrawn_at.is_(None))
    )
    return {row.course.slug: row for row in rows}


def test_a_new_person_gets_their_roles_curriculum_due_from_hire_date(curriculum):
    person = create_person(details(), now=T0)
    enrolments = live_enrolments(person)
    expected = curriculum(person.job_role)
    assert expected, "the shipped sales_rep curriculum is not empty"
    assert set(enrolments) == {slug for slug, _ in expected}
    for slug, due_days in expected:
        assert enrolments[slug].due_on == date(2026, 10, 1) + timedelta(days=due_days)
        assert enrolments[slug].required and enrolments[slug].source == "curriculum"


def test_assigning_the_curriculum_again_never_duplicates(curriculum):
    person = create_person(details(), now=T0)
    assign_curricula([person], now=T0 + timedelta(days=1))
    assign_curricula([person], now=T0 + timedelta(days=2))
    count = db.session.scalar(select(func.count()).where(Enrollment.user_id == person.id))
    assert count == len(curriculum(person.job_role))


def test_role_change_adds_new_courses_and_withdraws_untouched_old_ones(curriculum, course):
    person = create_person(details(job_role="customer_service_rep"), now=T0)
    service_only = {slug for slug, _ in curriculum(person.job_role)} - {
        slug for slug, _ in curriculum(get_job_role("sales_rep"))
    }
    started_slug = sorted(service_only)[0]
    live_enrolments(person)[started_slug].started_at = T0
    update_person(person, details(job_role="sales_rep"), now=T0 + timedelta(days=3))

    enrolments = live_enrolments(person)
    assert {slug for slug, _ in curriculum(person.job_role)} <= set(enrolments)
    assert started_slug in enrolments and not enrolments[started_slug].required
    for slug in service_only - {started_slug}:
        assert slug not in enrolments


def test_changing_back_reinstates_without_duplicates(curriculum):
    person = create_person(details(job_role="customer_service_rep"), now=T0)
    update_person(person, details(job_role="sales_rep"), now=T0)
    update_person(person, details(job_role="customer_service_rep"), now=T0)
    enrolments = live_enrolments(person)
    assert set(enrolments) >= {slug for slug, _ in curriculum(person.job_role)}
    assert all(enrolments[slug].required for slug, _ in curriculum(person.job_role))
    total = db.session.scalar(select(func.count()).where(Enrollment.user_id == person.id))
    assert total == len(
        {
            e.course_id
            for e in db.session.scalars(select(Enrollment).where(Enrollment.user_id == person.id))
        }
    )


def test_admin_assignment_twice_keeps_one_enrolment_and_moves_the_due_date(make_user, course):
    person = make_user(job_role="marketing")
    extra = course("crm-create-quotes")
    first = assign_course(person, extra, now=T0, due_on=date(2026, 11, 1))
    again = assign_course(person, extra, now=T0, due_on=date(2026, 11, 15))
    assert first.id == again.id
    assert again.due_on == date(2026, 11, 15)


def test_assigning_to_a_division_reaches_its_active_people_only(make_user, course, enrollment_of):
    north = [make_user(division="Assign North") for _ in range(3)]
    leaver = make_user(division="Assign North", active=False)
    elsewhere = make_user(division="Assign South")
    count = assign_course_to_division(
        get_or_create_division("Assign North"), course("computer-basics"), now=T0, due_on=None
    )
    assert count == 3
    assert all(enrollment_of(p, course("computer-basics")) for p in north)
    assert enrollment_of(leaver, course("computer-basics")) is None
    assert enrollment_of(elsewhere, course("computer-basics")) is None


def test_an_admin_assignment_records_registered_once_per_enrolment(make_user, course):
    person, extra = make_user(job_role="marketing"), course("crm-create-quotes")
    assign_course_to(extra, email=person.email, division=None, due_on=None, now=T0)
    assign_course_to(extra, email=person.email, division=None, due_on=date(2026, 12, 1), now=T0)
    [statement] = registered_on(person, extra)
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == person.id))
    assert statement["context"]["registration"] == enrolment.registration
    assert statement["verb"]["id"] == v.VERB_REGISTERED


def test_a_division_assignment_records_registered_for_each_person_it_puts_on(make_user, course):
    already, new = make_user(division="Assign East"), make_user(division="Assign East")
    extra = course("crm-create-quotes")
    assign_course(already, extra, now=T0, due_on=None)  # on the course before the admin acts
    assign_course_to(
        extra, email=None, division=get_or_create_division("Assign East"), due_on=None, now=T0
    )
    assert registered_on(already, extra) == []
    assert len(registered_on(new, extra)) == 1
