"""Contests and the early-adopter board: standings computed from the statements table (and,
for the points metric, from the ledger) for any current or past period — never a stored
score. Also HR's create/edit service and the sync of example contests from content.

Metrics, over statements that match the contest's verb, activity type and activity id
prefix and count (timestamp, never later than stored) inside the period:
  count          matching statements — more ranks first;
  average_score  mean result.score.scaled, with at least `min_samples` scored statements;
  time_to_first  seconds from the period start to the first one — fastest ranks first;
  points         points earned in the period (the tallies that sum the ledger).
Ties go to whoever reached the value first (their last counted statement, or the first one
for time_to_first), then to the lower user id.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import bindparam, func, select

from lms.auth.audit import services as audit
from lms.auth.models import JobRole, User
from lms.courses.rollout import get_go_live
from lms.database import db
from lms.errors import DomainError
from lms.gamification.boards.leaderboards import Scope, Standing
from lms.gamification.models import Contest, PointsTally
from lms.gamification.rules import next_period_start
from lms.xapi import vocabulary
from lms.xapi.models import Statement, StatementActivity
from lms.xapi.validation.formats import counted_at

CONTEST_FIELDS = (
    *("title", "description", "metric", "verb_id", "activity_type", "activity_prefix"),
    *("period", "scope", "division_id", "team_manager_id", "eligible_roles", "min_samples"),
    *("prize", "status", "starts_on"),
)


class ContestInvalid(DomainError):
    """A contest that cannot be saved; the message names the field."""


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def window(period: str, start: date) -> Window:
    return Window(
        datetime.combine(start, time()), datetime.combine(next_period_start(period, start), time())
    )


def list_contests(*, include_test: bool) -> list[Contest]:
    """Contests people may see: test-mode ones only for HR and admins."""
    query = select(Contest).order_by(Contest.status, Contest.title)
    if not include_test:
        query = query.where(Contest.status != "test")
    return list(db.session.scalars(query))


def eligible_ids(contest: Contest, scope: Scope | None = None) -> set[int]:
    """Active people in the contest's scope with an eligible job role."""
    query = select(User.id).where(User.active.is_(True))
    roles = contest.eligible_roles.split()
    if roles:
        query = query.join(JobRole, JobRole.id == User.job_role_id).where(JobRole.slug.in_(roles))
    if contest.scope == "division":
        query = query.where(User.division_id == contest.division_id)
    ids = set(db.session.scalars(query))
    if contest.scope == "team" and contest.team_manager_id:
        ids &= team_ids(db.session.get(User, contest.team_manager_id))
    if scope is not None and scope.kind == "division":
        ids &= set(db.session.scalars(select(User.id).where(User.division_id == scope.division_id)))
    if scope is not None and scope.kind == "team":
        ids &= set(scope.member_ids or ())
    return ids


def team_ids(manager: User | None) -> set[int]:
    from lms.auth.services import list_reports_tree

    return set() if manager is None else {person.id for person, _ in list_reports_tree(manager)}


def contest_standings(contest: Contest, start: date, scope: Scope | None = None) -> list[Standing]:
    """Everyone eligible who has a value in the period, ranked by the module's rule."""
    span = window(contest.period, start)
    people = eligible_ids(contest, scope)
    if contest.metric == "points":
        values = _points(contest.period, start, people)
    else:
        values = _from_statements(contest, span, people)
    return rank(values, ascending=contest.metric == "time_to_first")


def rank(values: dict[int, tuple[float, datetime]], *, ascending: bool) -> list[Standing]:
    """Rank (value, reached_at) per person: best value, then reached first, then lower id."""
    sign = 1 if ascending else -1
    ordered = sorted(values.items(), key=lambda kv: (sign * kv[1][0], kv[1][1], kv[0]))
    return [Standing(n + 1, uid, v, at) for n, (uid, (v, at)) in enumerate(ordered)]


def _points(period: str, start: date, people: set[int]) -> dict:
    """Ledger points earned in the period, read from the tallies that sum the ledger (a
    quarter is its three months), so a contest never sums millions of ledger rows."""
    t = PointsTally
    if period == "week":
        where = (t.period == "week", t.period_start == start)
    else:
        months = [start]
        while period == "quarter" and len(months) < 3:
            months.append(next_period_start("month", months[-1]))
        where = (t.period == "month", t.period_start.in_(months))
    query = (
        select(t.user_id, func.sum(t.points), func.max(t.reached_at))
        .where(*where)
        .group_by(t.user_id)
    )
    return {u: (p, at) for u, p, at in db.session.execute(query) if u in people and p > 0}


def matching_statements(contest: Contest, span: Window):
    """(user_id, counted moment, scaled score or None) of statements the contest counts."""
    s = Statement
    query = select(s.user_id, s.timestamp, s.stored, s.document).where(
        s.verb_id == contest.verb_id,
        s.voided.is_(False),
        s.user_id.is_not(None),
        s.timestamp < span.end,
        s.stored >= span.start,
    )
    if contest.activity_prefix:
        query = query.where(s.activity_id.startswith(contest.activity_prefix, autoescape=True))
    for user_id, stamp, stored, document in db.session.execute(query):
        when = counted_at(stamp, stored)
        if not span.start <= when < span.end:
            continue
        target = json.loads(document)["object"]
        kind = (target.get("definition") or {}).get("type") or ""
        if contest.activity_type and kind != contest.activity_type:
            continue
        scaled = ((json.loads(document).get("result") or {}).get("score") or {}).get("scaled")
        yield user_id, when, scaled if isinstance(scaled, int | float) else None


def _from_statements(contest: Contest, span: Window, people: set[int]) -> dict:
    found = defaultdict(list)
    for user_id, when, scaled in matching_statements(contest, span):
        if user_id in people:
            found[user_id].append((when, scaled))
    values = {}
    for user_id, hits in found.items():
        hits.sort()
        if contest.metric == "count":
            values[user_id] = (len(hits), hits[-1][0])
        elif contest.metric == "time_to_first":
            values[user_id] = ((hits[0][0] - span.start).total_seconds(), hits[0][0])
        else:
            scores = [(w, sc) for w, sc in hits if sc is not None]
            if len(scores) >= max(1, contest.min_samples):
                values[user_id] = (sum(sc for _, sc in scores) / len(scores), scores[-1][0])
    return values


def early_adopter_standings(scope: Scope | None = None) -> list[Standing]:
    """Who completed onboarding, or made their first real CRM update (create or update sent
    by an LRS client, i.e. the CRM), soonest after go-live — or after their hire date when
    hired later. Value: days from that date to their first such statement; fewest first."""
    people = select(User).where(User.active.is_(True))
    if scope is not None and scope.kind == "division":
        people = people.where(User.division_id == scope.division_id)
    elif scope is not None and scope.kind == "team":  # only they are looked up
        people = people.where(User.id.in_(sorted(scope.member_ids or ())))
    onboarded = _onboarding_completions()
    go_live = get_go_live()
    values = {}
    for person, changed in db.session.execute(people.add_columns(_first_record_change())):
        first = min(filter(None, (changed, onboarded.get(person.id))), default=None)
        if first is None:
            continue
        since = max(filter(None, (go_live, person.hire_date)))
        values[person.id] = (max(0, (first.date() - since).days), first)
    return rank(values, ascending=True)


# Written into the SQL as values: SQLite uses a partial index only where the query states its
# condition, and an IN list of parameters does not.
_RECORD_CHANGE_VERBS = bindparam(
    "record_change_verbs",
    list(vocabulary.RECORD_CHANGE_VERBS),
    expanding=True,
    literal_execute=True,
)


def _first_record_change():
    """The person's earliest CRM record change still standing: a lookup in the partial
    index of record changes, per person."""
    s = Statement
    return (
        select(func.min(s.timestamp))
        .where(s.user_id == User.id, s.client_id.is_not(None), s.voided.is_(False))
        .where(s.verb_id.in_(_RECORD_CHANGE_VERBS))
        .scalar_subquery()
    )


def _onboarding_completions() -> dict[int, datetime]:
    """When each person's onboarding completed, by the statements about the onboarding
    activity (found through its mentions)."""
    s, mention = Statement, StatementActivity
    onboarding = vocabulary.onboarding_iri(current_app.config["BASE_URL"])
    query = (
        select(s.user_id, func.min(s.timestamp))
        .join(mention, mention.statement_pk == s.id)
        .where(mention.activity_id == onboarding, mention.core.is_(True))
        .where(s.verb_id == vocabulary.VERB_COMPLETED, s.voided.is_(False))
        .where(s.user_id.is_not(None))
        .group_by(s.user_id)
    )
    return dict(db.session.execute(query).all())


def save_contest(contest: Contest | None, values: dict, *, by: User, now: datetime) -> Contest:
    """Create a contest (contest None) or change one. The form has checked each field;
    what depends on several fields is checked here, naming the field. The audit log records
    what was set or changed, and by whom."""
    _check(values)
    before = _fields_of(contest) if contest is not None else None
    if contest is None:
        contest = Contest(slug=_free_slug(values["title"]), created_at=now, created_by_id=by.id)
        db.session.add(contest)
    for name in CONTEST_FIELDS:
        if name in values:
            setattr(contest, name, values[name])
    if contest.scope != "division":
        contest.division_id = None
    if contest.scope != "team":
        contest.team_manager_id = None
    db.session.flush()
    label = f"contest {contest.title}"
    audit.record_saved(
        audit.CONTEST_SAVED,
        audit.CONTEST,
        contest.id,
        label,
        before,
        _fields_of(contest),
        actor=by,
        now=now,
    )
    return contest


def _fields_of(contest: Contest) -> dict:
    return {name: getattr(contest, name) for name in CONTEST_FIELDS}


def _check(values: dict) -> None:
    if values.get("metric") != "points" and not values.get("verb_id"):
        raise ContestInvalid("verb: needed unless the metric is points (which statements count)")
    if values.get("scope") == "division" and not values.get("division_id"):
        raise ContestInvalid("division: choose the division a division contest is for")
    if values.get("scope") == "team" and not values.get("team_manager_id"):
        raise ContestInvalid("team manager: choose whose team a team contest is for")
    roles = (values.get("eligible_roles") or "").split()
    known = set(db.session.scalars(select(JobRole.slug).where(JobRole.slug.in_(roles))))
    unknown = [role for role in roles if role not in known]
    if unknown:
        raise ContestInvalid(f"eligible job roles: unknown {', '.join(unknown)}")


def _free_slug(title: str) -> str:
    base = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:50]
    base = base or "contest"
    taken = set(db.session.scalars(select(Contest.slug).where(Contest.slug.startswith(base))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def sync_example_contests(specs, *, now: datetime) -> int:
    """Create each example contest from content whose slug no contest has yet; never touch
    an existing one (HR may have edited it). Returns how many were created."""
    existing = set(db.session.scalars(select(Contest.slug)))
    created = 0
    for spec in specs:
        if spec.slug in existing:
            continue
        db.session.add(
            Contest(
                slug=spec.slug,
                title=spec.title,
                description=spec.description,
                metric=spec.metric,
                verb_id=spec.verb,
                activity_type=spec.activity_type,
                activity_prefix=spec.activity_prefix,
                period=spec.period,
                scope=spec.scope,
                eligible_roles=" ".join(spec.eligible_roles),
                min_samples=spec.min_samples,
                prize=spec.prize,
                status=spec.status,
                created_at=now,
            )
        )
        created += 1
    db.session.flush()
    return created
