"""Contest metrics from statements (count, average score, time to first, points) with a
period boundary; test mode; HR's create/edit; the example contests from content."""

import json
import uuid
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.database import db
from lms.gamification.boards import contests as c
from lms.gamification.models import Contest
from lms.gamification.points.tallies import add_to_tallies
from lms.xapi.models import Statement, StatementActivity
from tests.conftest import T0

VIEWED = "http://id.tincanapi.com/verb/viewed"
REPORT = "https://crm.northwind.example/reports/pipeline"
SCORED = "http://adlnet.gov/expapi/verbs/scored"
CREATE = "http://activitystrea.ms/schema/1.0/create"
WEEK = date(2026, 10, 5)


def statement(person, verb, activity, when, *, scaled=None, kind=""):
    document = {
        "id": str(uuid.uuid4()),
        "verb": {"id": verb},
        "object": {"id": activity, "definition": {"type": kind} if kind else {}},
        "timestamp": when.isoformat() + "Z",
    }
    if scaled is not None:
        document["result"] = {"score": {"scaled": scaled}}
    stored = Statement(
        statement_id=document["id"],
        verb_id=verb,
        activity_id=activity,
        actor_key=f"mbox:mailto:{person.email}",
        timestamp=when,
        stored=when,
        user_id=person.id,
        document=json.dumps(document),
    )
    db.session.add(stored)
    db.session.flush()
    # The object activity's mention, as the store writes it (lookups by activity use it).
    db.session.add(StatementActivity(activity_id=activity, statement_pk=stored.id, core=True))


def contest(**values):
    defaults = {
        "slug": f"c-{uuid.uuid4().hex[:8]}",
        "title": "Test",
        "metric": "count",
        "verb_id": VIEWED,
        "activity_prefix": REPORT,
        "period": "week",
        "scope": "company",
        "status": "live",
        "created_at": T0,
    }
    made = Contest(**(defaults | values))
    db.session.add(made)
    db.session.flush()
    return made


def ranking(found):
    return [(s.user_id, s.value) for s in found]


def test_count_counts_matching_statements_inside_the_period(make_user):
    a, b = make_user(), make_user()
    for n in range(3):
        statement(a, VIEWED, f"{REPORT}/{n}", T0 + timedelta(hours=n))
    statement(b, VIEWED, REPORT, T0)
    statement(b, VIEWED, REPORT, T0 + timedelta(minutes=5))
    statement(b, VIEWED, REPORT, datetime(2026, 10, 12, 0, 0))  # next Monday: next period
    statement(b, VIEWED, REPORT, datetime(2026, 10, 4, 23, 59))  # the Sunday before
    statement(b, VIEWED, "https://elsewhere.example/x", T0)  # not under the prefix
    statement(b, SCORED, REPORT, T0)  # another verb
    found = c.contest_standings(contest(), WEEK)
    assert ranking(found) == [(a.id, 3), (b.id, 2)]
    assert ranking(c.contest_standings(contest(), date(2026, 10, 12))) == [(b.id, 1)]


def test_count_tie_goes_to_whoever_got_there_first(make_user):
    late, early = make_user(), make_user()
    statement(late, VIEWED, REPORT, T0 + timedelta(hours=5))
    statement(early, VIEWED, REPORT, T0 + timedelta(hours=1))
    assert [s.user_id for s in c.contest_standings(contest(), WEEK)] == [early.id, late.id]


def test_average_score_with_min_samples(make_user):
    steady, spotty = make_user(), make_user()
    for score in (0.8, 0.9, 1.0):
        statement(steady, SCORED, REPORT, T0, scaled=score)
    statement(spotty, SCORED, REPORT, T0, scaled=1.0)
    found = c.contest_standings(
        contest(metric="average_score", verb_id=SCORED, min_samples=2), WEEK
    )
    assert [s.user_id for s in found] == [steady.id]
    assert found[0].value == pytest.approx(0.9)


def test_activity_type_filter(make_user):
    person = make_user()
    statement(person, SCORED, REPORT, T0, scaled=0.5, kind="https://t.example/quality")
    statement(person, SCORED, REPORT, T0, scaled=1.0, kind="https://t.example/other")
    made = contest(
        metric="average_score", verb_id=SCORED, activity_type="https://t.example/quality"
    )
    assert c.contest_standings(made, WEEK)[0].value == pytest.approx(0.5)


def test_time_to_first_fastest_first_from_period_start(make_user):
    slow, fast = make_user(), make_user()
    month = date(2026, 10, 1)
    statement(slow, VIEWED, REPORT, datetime(2026, 10, 3, 12, 0))
    statement(fast, VIEWED, REPORT, datetime(2026, 10, 2, 0, 30))
    statement(fast, VIEWED, REPORT, datetime(2026, 9, 30, 23, 0))  # last month: not counted
    found = c.contest_standings(contest(metric="time_to_first", period="month"), month)
    assert ranking(found) == [(fast.id, 86400 + 1800), (slow.id, 2 * 86400 + 43200)]


def test_points_metric_from_the_ledger_tallies_and_eligibility(make_user):
    from lms.gamification.models import PointsEntry

    rep, marketer = make_user(), make_user(job_role="marketing")
    for person, amount in ((rep, 30), (marketer, 50)):
        db.session.add(
            PointsEntry(
                user_id=person.id,
                kind="manual",
                rule_key="manual",
                award_key=f"k{person.id}",
                points=amount,
                earned_at=T0,
                recorded_at=T0,
            )
        )
        add_to_tallies([{"user_id": person.id, "points": amount, "earned_at": T0}])
    made = contest(metric="points", verb_id="", eligible_roles="sales_rep")
    assert ranking(c.contest_standings(made, WEEK)) == [(rep.id, 30)]
    made.eligible_roles = ""
    assert ranking(c.contest_standings(made, WEEK)) == [(marketer.id, 50), (rep.id, 30)]


def test_a_quarters_points_are_its_three_months(make_user):
    rep = make_user()
    add_to_tallies(
        [
            {"user_id": rep.id, "points": points, "earned_at": when}
            for points, when in (
                (10, T0),
                (20, T0 + timedelta(days=40)),
                (40, datetime(2027, 1, 2)),
            )
        ]
    )
    made = contest(metric="points", verb_id="", period="quarter")
    assert ranking(c.contest_standings(made, date(2026, 10, 1))) == [(rep.id, 30)]
    assert ranking(c.contest_standings(made, date(2027, 1, 1))) == [(rep.id, 40)]


def test_test_mode_contests_are_for_hr_only(make_user):
    hidden = contest(status="test")
    assert hidden not in c.list_contests(include_test=False)
    assert hidden in c.list_contests(include_test=True)


def test_examples_from_content_are_synced_once_and_never_overwritten(app):
    examples = {x.slug: x for x in c.list_contests(include_test=True)}
    assert {"weekly-feature-champion", "fastest-prospect-entry"} <= set(examples)
    examples["weekly-feature-champion"].prize = "HR's own prize"
    again = SimpleNamespace(slug="weekly-feature-champion", prize="Content's prize")
    assert c.sync_example_contests([again], now=T0) == 0
    kept = db.session.scalar(select(Contest).where(Contest.slug == "weekly-feature-champion"))
    assert kept.prize == "HR's own prize"


def test_save_contest_names_the_field(make_user):
    hr = make_user(roles={"hr"})
    base = {"title": "Quality push", "metric": "count", "verb_id": VIEWED, "period": "week"}
    with pytest.raises(c.ContestInvalid, match="verb"):
        c.save_contest(None, base | {"verb_id": "", "scope": "company"}, by=hr, now=T0)
    with pytest.raises(c.ContestInvalid, match="division"):
        c.save_contest(None, base | {"scope": "division", "division_id": None}, by=hr, now=T0)
    with pytest.raises(c.ContestInvalid, match="eligible job roles: unknown astronaut"):
        c.save_contest(
            None, base | {"scope": "company", "eligible_roles": "astronaut"}, by=hr, now=T0
        )
    saved = c.save_contest(None, base | {"scope": "company"}, by=hr, now=T0)
    assert saved.slug == "quality-push" and saved.created_by_id == hr.id


def test_early_adopters_soonest_after_go_live_or_hire(make_user):
    from lms.courses.rollout import get_go_live
    from lms.xapi.models import LrsClient
    from lms.xapi.vocabulary import VERB_COMPLETED, onboarding_iri

    go_live = get_go_live()
    start = datetime.combine(go_live, datetime.min.time())
    crm = LrsClient(name="crm", key="k-early", secret_hash="x", scopes="", created_at=T0)
    db.session.add(crm)
    db.session.flush()
    onboarded, updater, late_hire, tie = (make_user(hire_date=date(2020, 1, 1)) for _ in range(4))
    late_hire.hire_date = go_live + timedelta(days=30)
    statement(
        onboarded, VERB_COMPLETED, onboarding_iri("http://lms.test"), start + timedelta(days=5)
    )
    statement(updater, CREATE, "https://crm.example/leads/1", start + timedelta(days=2, hours=3))
    db.session.flush()
    db.session.execute(
        Statement.__table__.update().where(Statement.user_id == updater.id).values(client_id=crm.id)
    )
    statement(tie, CREATE, "https://crm.example/leads/2", start + timedelta(days=2, hours=9))
    statement(
        late_hire, VERB_COMPLETED, onboarding_iri("http://lms.test"), start + timedelta(days=31)
    )  # one day after their hire date
    statement(
        tie, VERB_COMPLETED, onboarding_iri("http://lms.test"), start + timedelta(days=2, hours=9)
    )
    found = [(s.user_id, s.value) for s in c.early_adopter_standings()]
    mine = {onboarded.id, updater.id, late_hire.id, tie.id}
    assert [row for row in found if row[0] in mine] == [
        (late_hire.id, 1),
        (updater.id, 2),
        (tie.id, 2),
        (onboarded.id, 5),
    ]
