"""Weekly measures on synthetic histories with known answers: the counts kept in step with
the statements (edge weeks, voiding, late-linked people, rebuild) and the measures."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms import events
from lms.adoption import aggregates, measures
from lms.adoption.models import AdoptionWeek
from lms.auth.services import get_or_create_division
from lms.coaching.models import CoachingSignOff, OnboardingCompletion
from lms.courses.models import Skill
from lms.database import db
from tests.adoption.conftest import (
    CREATE,
    REPORT_RUN,
    SCORED,
    UPDATE,
    VIEWED,
    crm_statement,
    voiding,
)

WEEK = date(2026, 10, 5)  # a Monday
NEXT = WEEK + timedelta(weeks=1)
LATER = datetime(2026, 11, 2, 9, 0)  # when the statements are stored


def kept(person) -> dict[date, tuple[int, int, int]]:
    rows = db.session.scalars(select(AdoptionWeek).where(AdoptionWeek.user_id == person.id))
    return {row.week_start: (row.inputs, row.outputs, row.reports) for row in rows}


def test_sunday_235959_counts_in_its_week_and_monday_0000_in_the_next(make_user, post):
    person = make_user()
    post(
        [
            crm_statement(person, at=datetime(2026, 10, 11, 23, 59, 59)),
            crm_statement(person, at=datetime(2026, 10, 12, 0, 0, 0)),
        ],
        now=LATER,
    )
    assert kept(person) == {WEEK: (1, 0, 0), NEXT: (1, 0, 0)}


def test_inputs_outputs_and_report_requests_are_told_apart(make_user, post):
    person = make_user()
    at = datetime(2026, 10, 6, 10)
    post(
        [
            crm_statement(person, UPDATE, at=at),
            crm_statement(person, CREATE, "leads/4", at=at),
            crm_statement(person, VIEWED, "contacts/9", at=at),
            crm_statement(person, REPORT_RUN, "report/pipeline", at=at),
            crm_statement(person, SCORED, "data-quality/weekly", at=at, score=0.5),
        ],
        now=LATER,
    )
    assert kept(person) == {WEEK: (2, 2, 1)}  # the data-quality score is not an action


def test_uptakes_own_statements_do_not_count(make_user, post):
    person = make_user()
    post([crm_statement(person, at=datetime(2026, 10, 6))], now=LATER, client_id=None)
    assert kept(person) == {}


def test_voiding_takes_the_statement_back_and_rebuild_agrees(make_user, post):
    person = make_user()
    first = crm_statement(person, at=datetime(2026, 10, 6))
    post([first, crm_statement(person, at=datetime(2026, 10, 7))], now=LATER)
    post([voiding(first["id"], at=LATER)], now=LATER)
    assert kept(person) == {WEEK: (1, 0, 0)}
    assert aggregates.rebuild() == []
    assert kept(person) == {WEEK: (1, 0, 0)}


def test_a_statement_voided_in_its_own_batch_never_counts(make_user, post):
    person = make_user()
    statement = crm_statement(person, at=datetime(2026, 10, 6))
    post([statement, voiding(statement["id"], at=LATER)], now=LATER)
    assert kept(person).get(WEEK, (0, 0, 0)) == (0, 0, 0)
    assert aggregates.rebuild() == []


def test_statements_before_the_person_was_known_count_once_they_join(make_user, post):
    post([crm_statement(_Someone("late@example.com"), at=datetime(2026, 10, 6))], now=LATER)
    person = make_user(email="late@example.com")
    events.publish(events.PeopleJoined(people=(person,), now=LATER))
    assert kept(person) == {WEEK: (1, 0, 0)}
    assert aggregates.rebuild() == []


def test_rebuild_reports_and_corrects_a_difference(make_user, post):
    person = make_user()
    post([crm_statement(person, at=datetime(2026, 10, 6))], now=LATER)
    db.session.get(AdoptionWeek, (person.id, WEEK)).inputs = 7
    db.session.flush()
    [difference] = aggregates.rebuild()
    assert "kept (7, 0, 0), statements say (1, 0, 0)" in difference
    assert kept(person) == {WEEK: (1, 0, 0)}


def test_licensed_active_and_rate_per_week_and_division(make_user, post):
    north = [make_user(division="North", hire_date=date(2026, 9, 1)) for _ in range(4)]
    hired_sunday = make_user(division="North", hire_date=date(2026, 10, 11))
    hired_monday = make_user(division="North", hire_date=date(2026, 10, 12))
    south = make_user(division="South", hire_date=date(2026, 9, 1))
    make_user(division="South", hire_date=date(2026, 9, 1), active=False)
    at = datetime(2026, 10, 7, 9)
    post(
        [crm_statement(p, at=at) for p in (north[0], north[1], hired_sunday, hired_monday, south)]
        + [crm_statement(north[0], at=at + timedelta(weeks=1))],
        now=LATER,
    )
    table = measures.get_weekly([WEEK, NEXT])
    north_week, north_next = table["North"]
    assert (north_week.licensed, north_week.active) == (5, 3)  # hired Monday 12th: not yet
    assert north_week.rate == 0.6
    assert (north_next.licensed, north_next.active) == (6, 1)
    assert [(row.licensed, row.active) for row in table["South"]] == [(1, 1), (1, 0)]
    company = table[measures.COMPANY]
    assert [(row.licensed, row.active) for row in company] == [(6, 4), (7, 1)]


def test_a_team_sees_only_its_people(make_user, post):
    manager = make_user()
    report = make_user(manager=manager)
    outsider = make_user()
    post([crm_statement(p, at=datetime(2026, 10, 6)) for p in (report, outsider)], now=LATER)
    table = measures.get_weekly([WEEK], person_ids=[report.id])
    assert [(row.licensed, row.active) for row in table[measures.COMPANY]] == [(1, 1)]


def test_onboarding_and_coaching_steps_by_week_end(make_user):
    coach = make_user()
    people = [make_user(manager=coach) for _ in range(3)]
    skill = db.session.scalars(select(Skill)).first()
    sunday_night = datetime(2026, 10, 11, 23, 59, 59)
    db.session.add_all(
        [
            OnboardingCompletion(person_id=people[0].id, completed_at=sunday_night),
            OnboardingCompletion(person_id=people[1].id, completed_at=datetime(2026, 10, 12)),
            OnboardingCompletion(
                person_id=people[2].id, completed_at=datetime(2026, 10, 6), reopened_at=LATER
            ),
        ]
        + [
            CoachingSignOff(
                learner=people[0], skill=skill, step=step, coach=coach, signed_at=sunday_night
            )
            for step in (1, 2)
        ]
        + [
            CoachingSignOff(
                learner=people[1],
                skill=skill,
                step=1,
                coach=coach,
                signed_at=datetime(2026, 10, 6),
                withdrawn_at=datetime(2026, 10, 7),
            )
        ]
    )
    db.session.flush()
    ids = [p.id for p in people]
    this_week, next_week = measures.get_weekly([WEEK, NEXT], person_ids=ids)[measures.COMPANY]
    assert this_week.onboarded == 1 and next_week.onboarded == 2  # the reopened one is not
    assert this_week.steps == (1, 1, 0, 0)  # the withdrawn sign-off does not count
    funnel = measures.get_coaching_funnel(next_week)
    assert funnel.stages == (
        ("Licensed", 3),
        ("Step 1 reached", 1),
        ("Step 2 reached", 1),
        ("Step 3 reached", 0),
        ("Step 4 reached", 0),
    )


def test_quarter_weeks_are_those_ending_in_it():
    weeks = measures.quarter_weeks(date(2026, 10, 1), date(2026, 12, 31))
    assert weeks[0] == date(2026, 9, 28)  # ends Sunday 4 October
    assert weeks[-1] == date(2026, 12, 21)  # the week of the 28th ends in January
    assert len(weeks) == 13


class _Someone:
    def __init__(self, email):
        self.email = email


def test_someone_who_moved_counts_in_their_division_now_before_and_after_refiling(make_user, post):
    person = make_user(division="North", hire_date=date(2026, 9, 1))
    post([crm_statement(person, at=datetime(2026, 10, 6))], now=LATER)
    person.division = get_or_create_division("South")
    db.session.flush()
    table = measures.get_weekly([WEEK])
    assert [(row.licensed, row.active) for row in table["South"]] == [(1, 1)]
    assert "North" not in table or table["North"][0].active == 0
    post([crm_statement(person, at=datetime(2026, 10, 13))], now=LATER)  # refiles
    assert db.session.get(AdoptionWeek, (person.id, WEEK)).division_id == person.division_id
    assert measures.get_weekly([WEEK])["South"][0].active == 1


def test_a_deactivated_person_leaves_the_roster_and_the_active_users(make_user, post):
    staying = make_user(hire_date=date(2026, 9, 1))
    leaving = make_user(hire_date=date(2026, 9, 1))
    post([crm_statement(p, at=datetime(2026, 10, 6)) for p in (staying, leaving)], now=LATER)
    leaving.active = False
    db.session.flush()
    [row] = measures.get_weekly([WEEK])[measures.COMPANY]
    assert (row.licensed, row.active) == (1, 1)


def test_voiding_the_same_statement_twice_takes_it_back_once(make_user, post):
    person = make_user()
    first = crm_statement(person, at=datetime(2026, 10, 6))
    post([first, crm_statement(person, at=datetime(2026, 10, 7))], now=LATER)
    post([voiding(first["id"], at=LATER)], now=LATER)
    post([voiding(first["id"], at=LATER), voiding(first["id"], at=LATER)], now=LATER)
    assert kept(person) == {WEEK: (1, 0, 0)}
    assert aggregates.rebuild() == []
