"""The adoption measures, per ISO week and per division (or for one team): licensed people,
active users, the adoption rate, onboarding completions and coaching steps reached; and the
onboarding funnel as it stands. Reads the weekly counts (aggregates.py), never the
statements, so a year of a large company is a few hundred thousand index entries."""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, literal_column, select

from lms.adoption import rules as r
from lms.adoption.models import AdoptionWeek
from lms.auth.models import Division, User
from lms.coaching.models import CoachingSignOff, OnboardingCompletion
from lms.coaching.rules import STEPS
from lms.courses.models import Enrollment
from lms.database import db

COMPANY = "All divisions"
NO_DIVISION = "No division"


@dataclass(frozen=True)
class WeekRow:
    """One week of one group. `steps[i]` is how many people had reached coaching step i+1
    (a live sign-off at that step, in any skill) by the week's end."""

    week: date
    licensed: int
    active: int
    onboarded: int
    steps: tuple[int, ...]

    @property
    def rate(self) -> float | None:
        return r.adoption_rate(self.active, self.licensed)


@dataclass(frozen=True)
class Funnel:
    """People at each stage, widest first: (label, count)."""

    stages: tuple[tuple[str, int], ...]


def get_weekly(weeks: list[date], person_ids: list[int] | None = None) -> dict[str, list[WeekRow]]:
    """Each division's weeks (people without one under NO_DIVISION) and the whole scope's
    under COMPANY; `person_ids` narrows everything to a team. A person counts in the
    division they are in now."""
    people = _roster(person_ids)
    names = _division_names()
    hires = _sorted_by_group(people, lambda row: (row.division_id, row.hire_date))
    active = _active_counts(weeks, person_ids)
    onboarded = _sorted_by_group(people, None, _completions(person_ids))
    reached = _steps_reached(people, person_ids)
    groups = sorted(hires, key=lambda g: names.get(g, NO_DIVISION))
    table = {
        names.get(group, NO_DIVISION): [
            WeekRow(
                week,
                bisect_right(hires[group], r.week_end(week)),
                active.get((week, group), 0),
                bisect_right(onboarded.get(group, []), r.week_end(week)),
                tuple(bisect_right(reached[group, step], r.week_end(week)) for step in STEPS),
            )
            for week in weeks
        ]
        for group in groups
    }
    return {COMPANY: _total(weeks, list(table.values())), **table}


def _roster(person_ids):
    """Active people (deactivated ones leave the roster) in the scope."""
    query = select(User.id, User.division_id, User.hire_date).where(User.active.is_(True))
    if person_ids is not None:
        query = query.where(User.id.in_(person_ids))
    return db.session.execute(query).all()


def _division_names() -> dict[int, str]:
    return dict(db.session.execute(select(Division.id, Division.name)).all())


def _sorted_by_group(people, key, dated=None) -> dict[int | None, list[date]]:
    """Dates per division, sorted for bisecting: hire dates (key), or the `dated` dates
    {person_id: date} of the people on the roster."""
    found: dict[int | None, list[date]] = defaultdict(list)
    for row in people:
        if dated is None:
            group, day = key(row)
            found[group].append(day)
        elif row.id in dated:
            found[row.division_id].append(dated[row.id])
    return {group: sorted(days) for group, days in found.items()}


def _plus_days(column, days: int):
    if db.session.get_bind().dialect.name == "postgresql":
        return column + literal_column(str(days))
    return func.date(column, f"+{days} days")


def _active_counts(weeks: list[date], person_ids) -> dict[tuple[date, int | None], int]:
    """Licensed people with at least one CRM action, per (week, division)."""
    week = AdoptionWeek.week_start
    query = (
        select(week, User.division_id, func.count())
        .join(User, User.id == AdoptionWeek.user_id)
        .where(
            week.between(weeks[0], weeks[-1]),
            AdoptionWeek.inputs + AdoptionWeek.outputs > 0,
            User.active.is_(True),
            User.hire_date <= _plus_days(week, 6),
        )
        .group_by(week, User.division_id)
    )
    if person_ids is not None:
        query = query.where(AdoptionWeek.user_id.in_(person_ids))
    return {(w, division): count for w, division, count in db.session.execute(query)}


def _completions(person_ids) -> dict[int, date]:
    query = select(OnboardingCompletion.person_id, OnboardingCompletion.completed_at).where(
        OnboardingCompletion.reopened_at.is_(None)
    )
    if person_ids is not None:
        query = query.where(OnboardingCompletion.person_id.in_(person_ids))
    return {person: moment.date() for person, moment in db.session.execute(query)}


def _steps_reached(people, person_ids) -> dict[tuple, list[date]]:
    """When each person first reached each step (a live sign-off), sorted per division."""
    query = (
        select(
            CoachingSignOff.learner_id, CoachingSignOff.step, func.min(CoachingSignOff.signed_at)
        )
        .where(CoachingSignOff.withdrawn_at.is_(None))
        .group_by(CoachingSignOff.learner_id, CoachingSignOff.step)
    )
    if person_ids is not None:
        query = query.where(CoachingSignOff.learner_id.in_(person_ids))
    division_of = {row.id: row.division_id for row in people}
    found: dict[tuple, list[date]] = defaultdict(list)
    for learner, step, first in db.session.execute(query):
        if learner in division_of:
            found[division_of[learner], step].append(first.date())
    return defaultdict(list, {key: sorted(days) for key, days in found.items()})


def _total(weeks: list[date], groups: list[list[WeekRow]]) -> list[WeekRow]:
    return [
        WeekRow(
            week,
            sum(rows[n].licensed for rows in groups),
            sum(rows[n].active for rows in groups),
            sum(rows[n].onboarded for rows in groups),
            tuple(sum(rows[n].steps[i] for rows in groups) for i in range(len(STEPS))),
        )
        for n, week in enumerate(weeks)
    ]


def get_onboarding_funnel(person_ids: list[int] | None, latest: WeekRow) -> Funnel:
    """Licensed now → started any training → finished every required course → onboarded."""
    people = select(User.id).where(User.active.is_(True))
    if person_ids is not None:
        people = people.where(User.id.in_(person_ids))
    started = select(func.count()).where(
        User.id.in_(people),
        exists().where(Enrollment.user_id == User.id, Enrollment.started_at.is_not(None)),
    )
    open_required = and_(
        Enrollment.user_id == User.id,
        Enrollment.required.is_(True),
        Enrollment.withdrawn_at.is_(None),
        Enrollment.completed_at.is_(None),
    )
    trained = select(func.count()).where(User.id.in_(people), ~exists().where(open_required))
    return Funnel(
        (
            ("Licensed", latest.licensed),
            ("Started training", db.session.scalar(started.select_from(User))),
            ("Required training done", db.session.scalar(trained.select_from(User))),
            ("Onboarding complete", latest.onboarded),
        )
    )


def get_coaching_funnel(latest: WeekRow) -> Funnel:
    """Licensed now, then the people who have reached each coaching step."""
    stages = [("Licensed", latest.licensed)]
    reached = zip(STEPS, latest.steps, strict=True)
    stages += [(f"Step {step} reached", count) for step, count in reached]
    return Funnel(tuple(stages))


def weeks_ending(today: date, count: int) -> list[date]:
    return r.last_weeks(today, count)


def quarter_weeks(first: date, last: date) -> list[date]:
    """The weeks that end within a quarter (a week straddling its start counts in it)."""
    week, weeks = r.week_of(first), []
    while r.week_end(week) <= last:
        weeks.append(week)
        week += timedelta(weeks=1)
    return weeks
