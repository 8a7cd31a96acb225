"""Whether a person meets a badge's criterion, asked of the store: the courses and steps
completed, the statements of a week, the weekly data-quality tallies, the first onboarding
completions. Each answer is the evidence in words ("" when the criterion is not met);
`busy_weeks` and `weekly_quality` read what a whole batch needs at once."""

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.coaching.queries import required_skills
from lms.courses.models import Course, Skill
from lms.courses.rollout import get_go_live
from lms.database import db
from lms.gamification.badges import rules as b
from lms.gamification.facts import client_sources, facts_of
from lms.gamification.models import QualityTally
from lms.gamification.rules import Facts, week_start
from lms.value_lists import among
from lms.xapi.models import Statement
from lms.xapi.validation.formats import counted_at


def busy_weeks(looks) -> dict[tuple, str]:
    """The weekly looks (statements_in_week) of a batch judged at once: look -> the evidence
    in words, "" when the week falls short. Per badge and week, one count for everyone in
    the batch over a wider window than the criterion's (a person below it is surely short),
    then one read of the statements of those above it, each counted at the moment it counts
    at (xapi.formats.counted_at: its timestamp, never later than it was stored) — the same
    moment points use. Most batches read no statements."""
    groups: dict[tuple, set[int]] = {}
    for (user_id, key, monday), (_, _, badge) in looks.items():
        if badge.criterion.kind == b.STATEMENTS_IN_WEEK:
            groups.setdefault((key, badge, monday), set()).add(user_id)
    judged = {}
    for (key, badge, monday), user_ids in groups.items():
        start, c = datetime.combine(monday, datetime.min.time()), badge.criterion
        window = _week_window(start, c.match)
        query = (
            select(Statement.user_id, func.count())
            .where(among(Statement.user_id, user_ids), *window)
            .group_by(Statement.user_id)
        )
        near = {user_id for user_id, count in db.session.execute(query) if count >= c.count}
        counts = _week_counts(near, start, c, window) if near else {}
        for user_id in user_ids:
            count = counts.get(user_id, 0)
            met = f"{count} in the week of {start.date():%d %b %Y}" if count >= c.count else ""
            judged[user_id, key, monday] = met
    return judged


def _week_counts(user_ids: set[int], start: datetime, c: b.Criterion, window) -> dict[int, int]:
    """Each person's statements matching the criterion that count in the week from `start`."""
    end = start + timedelta(days=7)
    query = select(
        Statement.user_id, Statement.document, Statement.client_id, Statement.stored
    ).where(among(Statement.user_id, user_ids), *window)
    rows = db.session.execute(query).all()
    sources = client_sources(row.client_id for row in rows)
    counts: dict[int, int] = {}
    for row in rows:
        seen = facts_of(json.loads(row.document), row.client_id, row.stored, sources)
        if start <= seen.when < end and c.match.matches(seen):
            counts[row.user_id] = counts.get(row.user_id, 0) + 1
    return counts


# The ids of statements stored since a moment begin at the first stored at it; this much
# earlier, so that two transactions storing at that very moment cannot put one out of reach.
STORED_ORDER_MARGIN = timedelta(minutes=1)


def _week_window(start: datetime, match) -> list:
    """Statements that may count in the week from `start` (see xapi.formats.counted_at), of the
    criterion's verbs. Only statements stored since `start` can count, and ids follow the
    order statements were stored in: the people's statements are read from the first id
    stored then on, not from their first statement ever (which grew with their history)."""
    end = start + timedelta(days=7)
    earlier = aliased(Statement)
    first_since = (
        select(earlier.id)
        .where(earlier.stored >= start - STORED_ORDER_MARGIN)
        .order_by(earlier.stored, earlier.id)
        .limit(1)
        .scalar_subquery()
    )
    conditions = [
        Statement.voided.is_(False),
        Statement.timestamp >= start,
        Statement.stored >= start,
        or_(Statement.timestamp < end, Statement.stored < end),
        Statement.id >= func.coalesce(first_since, 0),
    ]
    if match.verbs:
        # Compared as an expression, not the column: SQLite would otherwise walk the verb's
        # index (every statement with that verb) instead of the people's (user_id, id).
        conditions.append(Statement.verb_id.concat("").in_(match.verbs))
    return conditions


def qualifies(
    user_id: int,
    badge: b.BadgeSpec,
    facts: Facts,
    iris: b.Iris,
    tallies=None,
    weeks: dict[tuple, str] | None = None,
) -> str:
    """Why the person meets the badge's criterion now, in words; "" when they do not.
    `tallies` may hold their weekly quality tallies, read for a whole batch (`weekly_quality`),
    and `weeks` their weekly counts, judged for a whole batch (`busy_weeks`). The person is
    loaded only for the criteria that read more than their statements."""
    c = badge.criterion
    match c.kind:
        case b.COURSES_COMPLETED:
            wanted = [iris.course[slug] for slug in c.courses]
            done = _completed(user_id, wanted)
            return "Completed " + _titles(Course, c.courses) if done == set(wanted) else ""
        case b.ONBOARDING_COMPLETED:
            return "Completed onboarding" if _completed(user_id, [iris.onboarding]) else ""
        case b.COACHING_FINISHED:
            return _coaching_finished(db.session.get(User, user_id), c, iris)
        case b.STATEMENTS_IN_WEEK:
            look = (user_id, badge.key, b.occasion(badge, facts))
            if weeks is None or look not in weeks:
                weeks = busy_weeks({look: (None, facts, badge)})
            return weeks[look]
        case b.QUALITY_STREAK:
            if tallies is None:
                tallies = _weekly_quality_of({user_id}, _streak_span(c, facts.when))
            return _quality_streak(user_id, c, facts.when.date(), tallies)
        case b.EARLY_ADOPTER:
            return _early_adopter(db.session.get(User, user_id), c, iris)
    return ""


def _completed(user_id: int, iris: list[str]) -> set[str]:
    query = select(Statement.activity_id).where(
        Statement.user_id == user_id,
        Statement.verb_id == b.VERB_COMPLETED,
        among(Statement.activity_id, iris),
        Statement.voided.is_(False),
    )
    return set(db.session.scalars(query))


def _titles(model, slugs) -> str:
    """The titles people know courses and skills by, in the order content names them."""
    query = select(model.slug, model.title).where(model.slug.in_(slugs))
    titles = dict(db.session.execute(query).all())
    return ", ".join(titles.get(slug, slug) for slug in slugs)


def _coaching_finished(person: User, c: b.Criterion, iris: b.Iris) -> str:
    """Step 4 signed off (and not withdrawn) for every named skill, or for every skill the
    person's role requires; a role that requires none earns nothing."""
    if c.skills is None:
        required = required_skills([person.job_role_id]).get(person.job_role_id, [])
        skills = [s.slug for s in required]
    else:
        skills = list(c.skills)
    if not skills or any(slug not in iris.skill_step4 for slug in skills):
        return ""
    wanted = [iris.skill_step4[slug] for slug in skills]
    if _completed(person.id, wanted) != set(wanted):
        return ""
    return "Step 4 signed off for " + _titles(Skill, skills)


def _streak_span(c: b.Criterion, moment: datetime) -> list[date]:
    """The weeks a run of `weeks` weeks through the week of `moment` can cover."""
    this_week = week_start(moment.date())
    return [this_week + timedelta(weeks=n) for n in range(1 - c.weeks, c.weeks)]


def weekly_quality(looks) -> dict[tuple[int, date], tuple[int, int]]:
    """The weekly quality tallies every quality-streak look of the batch needs, at once."""
    users, weeks = set(), set()
    for (user_id, _, _), (_, facts, badge) in looks.items():
        if badge.criterion.kind == b.QUALITY_STREAK:
            users.add(user_id)
            weeks.update(_streak_span(badge.criterion, facts.when))
    return _weekly_quality_of(users, weeks) if users else {}


def _weekly_quality_of(user_ids, weeks) -> dict[tuple[int, date], tuple[int, int]]:
    """(person, Monday) -> (score sum, samples)."""
    query = select(
        QualityTally.user_id,
        QualityTally.period_start,
        QualityTally.score_sum,
        QualityTally.samples,
    ).where(
        among(QualityTally.user_id, user_ids),
        QualityTally.period == "week",
        among(QualityTally.period_start, weeks),
    )
    return {(u, start): (total, n) for u, start, total, n in db.session.execute(query)}


def _quality_streak(user_id: int, c: b.Criterion, day: date, tallies) -> str:
    """`weeks` consecutive weeks, one of them the week of `day`, each with a weekly average
    at or above the threshold. Any run through this week counts: a score reported late for
    an earlier week can complete a streak that ends later."""
    span = _streak_span(c, datetime.combine(day, datetime.min.time()))
    good = set()
    for start in span:
        total, samples = tallies.get((user_id, start), (0, 0))
        if samples > 0 and total >= c.threshold * 10_000 * samples:
            good.add(start)
    run = 0
    for start in span:
        run = run + 1 if start in good else 0
        if run >= c.weeks:
            return f"Weekly data quality of {c.threshold:.0%} or better for {c.weeks} weeks"
    return ""


def _early_adopter(person: User, c: b.Criterion, iris: b.Iris) -> str:
    """Judged by the person's first onboarding completion (a reopened and completed again
    onboarding does not move it): among the first N people to complete onboarding, in
    stored order; or within D days of their hire date; or of go-live (completing before
    go-live is within it)."""
    first = _first_onboarding(person.id, iris)
    if first is None:
        return ""
    first_pk, completed_at = first
    if c.first is not None:
        before = db.session.scalar(
            select(func.count(func.distinct(Statement.user_id))).where(
                Statement.verb_id == b.VERB_COMPLETED,
                Statement.activity_id == iris.onboarding,
                Statement.voided.is_(False),
                Statement.id < first_pk,
                Statement.user_id != person.id,
            )
        )
        return f"Number {before + 1} to complete onboarding" if before < c.first else ""
    if c.days_after_hire is not None:
        if person.hire_date is None:
            return ""
        days = (completed_at.date() - person.hire_date).days
        return f"Onboarded {days} days after joining" if days <= c.days_after_hire else ""
    go_live = get_go_live()
    if go_live is None:
        return ""
    days = (completed_at.date() - go_live).days
    return f"Onboarded {days} days after go-live" if days <= c.days_after_go_live else ""


def _first_onboarding(user_id: int, iris: b.Iris) -> tuple[int, datetime] | None:
    """(pk, moment it counts at) of the person's first standing onboarding completion."""
    row = db.session.execute(
        select(Statement.id, Statement.timestamp, Statement.stored)
        .where(
            Statement.user_id == user_id,
            Statement.verb_id == b.VERB_COMPLETED,
            Statement.activity_id == iris.onboarding,
            Statement.voided.is_(False),
        )
        .order_by(Statement.id)
        .limit(1)
    ).first()
    return None if row is None else (row.id, counted_at(row.timestamp, row.stored))
