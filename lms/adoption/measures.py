"""The adoption measures, per ISO week and per division (or for one team): licensed people,
active users, the adoption rate, onboarding completions and coaching steps reached; and the
onboarding funnel as it stands. Reads the weekly counts (aggregates.py), never the
statements, so a year of a large company is a few hundred thousand index entries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import DateTime, and_, case, exists, func, select

from lms.adoption import rules as r
from lms.adoption.filing import list_misfiled
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
    division they are in now. Each measure is one grouped query that counts, per division,
    what had happened by each week's end: the database adds up, not Python."""
    names = _division_names()
    licensed = _by_week_end(select(User.division_id), User.hire_date, weeks, person_ids)
    active = _active_counts(weeks, person_ids)
    onboarded = _by_week_end(
        select(User.division_id).join(OnboardingCompletion, _live_completion()),
        OnboardingCompletion.completed_at,
        weeks,
        person_ids,
    )
    reached = _steps_reached(weeks, person_ids)
    none = (0,) * len(weeks)
    groups = sorted(licensed, key=lambda g: names.get(g, NO_DIVISION))
    table = {
        names.get(group, NO_DIVISION): [
            WeekRow(
                week,
                licensed[group][n],
                active.get((week, group), 0),
                onboarded.get(group, none)[n],
                tuple(reached.get((group, step), none)[n] for step in STEPS),
            )
            for n, week in enumerate(weeks)
        ]
        for group in groups
    }
    return {COMPANY: _total(weeks, list(table.values())), **table}


def _division_names() -> dict[int, str]:
    return dict(db.session.execute(select(Division.id, Division.name)).all())


def _ends(column, weeks: list[date]) -> list:
    """Per week, 1 for rows whose `column` (a date or a time) falls before the week ended."""
    is_time = isinstance(column.type, DateTime)
    bounds = [r.week_end(week) + timedelta(days=1) for week in weeks]
    bounds = [datetime.combine(b, time.min) if is_time else b for b in bounds]
    return [func.sum(case((column < bound, 1), else_=0)) for bound in bounds]


def _by_week_end(query, column, weeks, person_ids, *, also=()) -> dict:
    """Active people of the scope counted per division (and `also` columns) by week end."""
    query = query.add_columns(*_ends(column, weeks)).where(User.active.is_(True))
    if person_ids is not None:
        query = query.where(User.id.in_(person_ids))
    query = query.group_by(User.division_id, *also)
    width = 1 + len(also)
    found = {}
    for row in db.session.execute(query):
        key = row[0] if width == 1 else tuple(row[:width])
        found[key] = tuple(int(count or 0) for count in row[width:])
    return found


def _live_completion():
    return and_(
        OnboardingCompletion.person_id == User.id, OnboardingCompletion.reopened_at.is_(None)
    )


def _active_counts(weeks: list[date], person_ids) -> dict[tuple[date, int | None], int]:
    """Licensed people with at least one CRM action, per (week, division)."""
    counts = _company_active(weeks) if person_ids is None else _team_active(weeks, person_ids)
    # Hire dates are left out of the big queries (a per-row date function would double
    # their cost); people hired during the weeks shown, few, come off the weeks before.
    for w, division in _active_before_hire(weeks, person_ids):
        counts[w, division] -= 1
    return counts


def _has_activity():
    return AdoptionWeek.inputs + AdoptionWeek.outputs > 0


def _company_active(weeks: list[date]) -> dict[tuple[date, int | None], int]:
    """From the weekly rows' own index (week, filed division), then corrected for the few
    people whose rows are filed under a division they left, or who were deactivated."""
    week, division = AdoptionWeek.week_start, AdoptionWeek.division_id
    query = (
        select(week, division, func.count())
        .where(week.between(weeks[0], weeks[-1]), _has_activity())
        .group_by(week, division)
    )
    counts = defaultdict(int, {(w, d): n for w, d, n in db.session.execute(query)})
    misfiled = {person: (filed, now, active) for person, filed, now, active in list_misfiled()}
    for start in range(0, len(misfiled), 2_000):
        chunk = list(misfiled)[start : start + 2_000]
        rows = select(AdoptionWeek.user_id, week).where(
            AdoptionWeek.user_id.in_(chunk), week.between(weeks[0], weeks[-1]), _has_activity()
        )
        for person, w in db.session.execute(rows):
            filed, now, active = misfiled[person]
            counts[w, filed] -= 1
            if active:
                counts[w, now] += 1
    return counts


def _team_active(weeks: list[date], person_ids) -> dict[tuple[date, int | None], int]:
    """A team is small: its rows joined with its people."""
    week = AdoptionWeek.week_start
    query = (
        select(week, User.division_id, func.count())
        .join(User, User.id == AdoptionWeek.user_id)
        .where(
            week.between(weeks[0], weeks[-1]),
            _has_activity(),
            User.active.is_(True),
            AdoptionWeek.user_id.in_(person_ids),
        )
        .group_by(week, User.division_id)
    )
    return defaultdict(int, {(w, d): n for w, d, n in db.session.execute(query)})


def _active_before_hire(weeks: list[date], person_ids) -> list[tuple[date, int | None]]:
    """(week, division) of each active week that ended before the person's hire date."""
    late = select(User.id, User.division_id, User.hire_date).where(
        User.active.is_(True), User.hire_date > weeks[0]
    )
    if person_ids is not None:
        late = late.where(User.id.in_(person_ids))
    hired = {person: (division, day) for person, division, day in db.session.execute(late)}
    if not hired:
        return []
    active = select(AdoptionWeek.user_id, AdoptionWeek.week_start).where(
        AdoptionWeek.user_id.in_(hired),
        AdoptionWeek.week_start.between(weeks[0], weeks[-1]),
        _has_activity(),
    )
    return [
        (w, hired[person][0])
        for person, w in db.session.execute(active)
        if not r.is_licensed(True, hired[person][1], w)
    ]


def _steps_reached(weeks: list[date], person_ids) -> dict[tuple, tuple[int, ...]]:
    """People who had reached each step (their first live sign-off at it, in any skill) by
    each week's end, per (division, step)."""
    first = (
        select(
            CoachingSignOff.learner_id.label("learner_id"),
            CoachingSignOff.step.label("step"),
            func.min(CoachingSignOff.signed_at).label("reached_at"),
        )
        .where(CoachingSignOff.withdrawn_at.is_(None))
        .group_by(CoachingSignOff.learner_id, CoachingSignOff.step)
        .subquery()
    )
    query = select(User.division_id, first.c.step).join(first, first.c.learner_id == User.id)
    return _by_week_end(query, first.c.reached_at, weeks, person_ids, also=(first.c.step,))


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
    scope = [User.active.is_(True)]
    if person_ids is not None:
        scope.append(User.id.in_(person_ids))
    started = select(func.count()).where(
        *scope, exists().where(Enrollment.user_id == User.id, Enrollment.started_at.is_not(None))
    )
    open_required = and_(
        Enrollment.user_id == User.id,
        Enrollment.required.is_(True),
        Enrollment.withdrawn_at.is_(None),
        Enrollment.completed_at.is_(None),
    )
    trained = select(func.count()).where(*scope, ~exists().where(open_required))
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
