"""The engine against the database with a small ruleset: caps, cool-downs, once per
object / statement / day, replays, voiding and re-earning, linked people, level-ups."""

from dataclasses import replace
from datetime import date, timedelta

from lms.database import db
from lms.gamification.models import PointsTally, QualitySample
from lms.gamification.points.ledger import total_points
from lms.gamification.points.levels import unseen_level_up
from lms.gamification.points.rebuild import rebuild
from tests.conftest import T0
from tests.gamification.ledger_support import (
    RULESET,
    SCORED,
    VIEWED,
    crm,
    entries,
    points_by_rule,
    post,
    void,
)


def test_daily_cap_awards_up_to_the_cap_then_nothing_until_the_next_day(make_user):
    ann = make_user()
    post([crm(ann, obj=f"https://crm.example/leads/{n}", at=T0) for n in range(5)], now=T0)
    assert points_by_rule(ann)["update"] == 10  # 3 + 3 + 3 + 1 (the rest of the cap)
    assert [e.points for e in entries(ann) if e.rule_key == "update"] == [3, 3, 3, 1]
    post([crm(ann, at=T0 + timedelta(days=1))], now=T0 + timedelta(days=1))
    assert points_by_rule(ann)["update"] == 13


def test_the_cap_holds_across_batches(make_user):
    ann = make_user()
    for n in range(6):
        post([crm(ann, at=T0 + timedelta(minutes=n))], now=T0 + timedelta(minutes=n))
    assert points_by_rule(ann)["update"] == 10


def test_an_all_time_cap_spans_days_and_a_reversal_frees_it(make_user):
    capped = replace(RULESET, rules=(replace(RULESET.rules[0], daily_cap=None, cap=7),))
    ann = make_user()
    days = [T0 + timedelta(days=n) for n in range(3)]
    first = crm(ann, obj="https://crm.example/leads/0", at=days[0])
    post([first], now=days[0], ruleset=capped)
    for n, day in enumerate(days[1:], start=1):
        post([crm(ann, obj=f"https://crm.example/leads/{n}", at=day)], now=day, ruleset=capped)
    assert [e.points for e in entries(ann)] == [3, 3, 1]  # the last gets the rest of the cap
    post([void(first["id"], at=days[2])], now=days[2], ruleset=capped)
    post([crm(ann, obj="https://crm.example/leads/9", at=days[2])], now=days[2], ruleset=capped)
    assert total_points(ann.id) == 7  # 3 taken back, 3 earned again
    assert rebuild(capped, now=days[2]) == []


def test_cooldown(make_user):
    ann = make_user()
    times = [T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)]
    post([crm(ann, VIEWED, "https://crm.example/reports/1", at=t) for t in times], now=times[-1])
    assert [e.earned_at for e in entries(ann)] == [T0, T0 + timedelta(minutes=10)]


def test_once_per_object_per_statement_and_per_day(make_user):
    ann = make_user()
    post([crm(ann, at=T0), crm(ann, at=T0)], now=T0)  # the same record touched twice
    assert points_by_rule(ann)["record"] == 1
    assert points_by_rule(ann)["update"] == 6
    high = [crm(ann, SCORED, "https://crm.example/q", at=T0, score=s) for s in (0.95, 0.99)]
    post(high, now=T0)
    assert points_by_rule(ann)["quality"] == 25


def test_the_same_statement_posted_again_earns_nothing(make_user):
    ann = make_user()
    statement = crm(ann, at=T0)
    post([statement], now=T0)
    post([statement], now=T0 + timedelta(minutes=1))
    assert total_points(ann.id) == 4


def test_min_score(make_user):
    ann = make_user()
    post([crm(ann, SCORED, "https://crm.example/q", at=T0, score=0.89)], now=T0)
    assert "quality" not in points_by_rule(ann)


def test_voiding_reverses_in_the_awards_period_and_the_object_may_earn_again(make_user):
    ann = make_user()
    first = crm(ann, at=T0)
    post([first], now=T0)
    later = T0 + timedelta(days=10)
    post([void(first["id"], at=later)], now=later)
    reversals = [e for e in entries(ann) if e.kind == "reversal"]
    assert sorted(e.points for e in reversals) == [-3, -1]
    assert {e.earned_at for e in reversals} == {T0}
    assert all(e.award_key.startswith("rev:") and e.reverses_id for e in reversals)
    assert total_points(ann.id) == 0
    week = db.session.get(PointsTally, (ann.id, "week", date(2026, 10, 5)))
    assert week.points == 0
    post([crm(ann, at=later)], now=later)
    again = [e for e in entries(ann) if e.rule_key == "record"]
    assert [e.award_key.endswith(":1") for e in again] == [False, False, True]
    assert total_points(ann.id) == 4


def test_a_reversal_frees_the_cap_of_its_day(make_user):
    ann = make_user()
    batch = [crm(ann, obj=f"https://crm.example/leads/{n}", at=T0) for n in range(4)]
    post(batch, now=T0)
    post([void(batch[0]["id"], at=T0)], now=T0)
    post([crm(ann, obj="https://crm.example/leads/9", at=T0)], now=T0)
    assert points_by_rule(ann)["update"] == 10


def test_voided_on_arrival_earns_nothing(make_user):
    ann = make_user()
    statement = crm(ann, at=T0)
    post([void(statement["id"], at=T0)], now=T0)
    post([statement], now=T0 + timedelta(minutes=1))
    assert entries(ann) == []


def test_voided_in_the_same_batch_earns_and_is_taken_back(make_user):
    ann = make_user()
    statement = crm(ann, at=T0)
    post([statement, void(statement["id"], at=T0)], now=T0)
    assert total_points(ann.id) == 0
    assert {e.kind for e in entries(ann)} == {"rule", "reversal"}


def test_voiding_removes_the_quality_sample(make_user):
    ann = make_user()
    scored = crm(ann, SCORED, "https://crm.example/q", at=T0, score=0.5)
    post([scored], now=T0)
    assert db.session.query(QualitySample).filter_by(user_id=ann.id).count() == 1
    post([void(scored["id"], at=T0)], now=T0)
    assert db.session.query(QualitySample).filter_by(user_id=ann.id).count() == 0


def test_statements_about_someone_unknown_earn_when_they_are_added(app, make_user):
    from lms.gamification.points import engine
    from lms.xapi.recording.record import link_earlier_statements

    class Stranger:
        email = "newcomer@example.com"

    kept, voided = crm(Stranger, at=T0), crm(Stranger, obj="https://crm.example/leads/2", at=T0)
    post([kept, voided], now=T0)
    post([void(voided["id"], at=T0)], now=T0)
    ben = make_user(email="newcomer@example.com")
    link_earlier_statements([ben])
    engine.apply_to_linked([ben], now=T0 + timedelta(days=1), ruleset=RULESET)
    assert total_points(ben.id) == 4
    assert {e.kind for e in entries(ben)} == {"rule", "reversal"}


def test_reaching_a_level_leaves_a_notice(make_user):
    ann = make_user()
    post([crm(ann, obj=f"https://crm.example/leads/{n}", at=T0) for n in range(3)], now=T0)
    assert unseen_level_up(ann.id).level == 2
