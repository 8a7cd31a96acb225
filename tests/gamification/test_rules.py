"""The pure rules: matching, caps, cool-downs, award keys and periods. No app."""

from datetime import date, datetime, timedelta

from lms.gamification import rules as r
from lms.xapi.validation.formats import counted_at

T = datetime(2026, 10, 5, 9, 0)


def facts(**changes) -> r.Facts:
    values = {
        "statement_id": "s1",
        "verb": "http://v/update",
        "object_id": "https://crm.example/leads/1",
        "activity_type": "http://t/lead",
        "success": None,
        "scaled": None,
        "source": "client:CRM",
        "when": T,
    } | changes
    return r.Facts(**values)


def rule(**changes) -> r.PointRule:
    values = {"key": "k", "title": "K", "points": 5, "match": r.Match()} | changes
    return r.PointRule(**values)


def test_empty_match_accepts_anything():
    assert r.Match().matches(facts())


def test_verbs_types_and_prefix():
    assert r.Match(verbs=frozenset({"http://v/update"})).matches(facts())
    assert not r.Match(verbs=frozenset({"http://v/create"})).matches(facts())
    assert r.Match(activity_types=frozenset({"http://t/lead"})).matches(facts())
    assert not r.Match(activity_types=frozenset({"http://t/deal"})).matches(facts())
    assert r.Match(activity_prefix="https://crm.example/leads/").matches(facts())
    assert not r.Match(activity_prefix="https://crm.example/deals/").matches(facts())


def test_min_score_needs_a_score_and_zero_is_a_score():
    assert not r.Match(min_score=0.5).matches(facts())
    assert not r.Match(min_score=0.5).matches(facts(scaled=0.49))
    assert r.Match(min_score=0.5).matches(facts(scaled=0.5))
    assert r.Match(min_score=0.0).matches(facts(scaled=0.0))


def test_success():
    assert r.Match(success=True).matches(facts(success=True))
    assert not r.Match(success=True).matches(facts(success=False))
    assert not r.Match(success=True).matches(facts())
    assert r.Match(success=False).matches(facts(success=False))


def test_sources():
    assert r.Match(source="any").matches(facts(source="lms"))
    assert r.Match(source="lms").matches(facts(source="lms"))
    assert not r.Match(source="lms").matches(facts())
    assert r.Match(source="client").matches(facts())
    assert not r.Match(source="client").matches(facts(source="lms"))
    assert r.Match(source="client:CRM").matches(facts())
    assert not r.Match(source="client:Other").matches(facts())


def test_the_rules_a_verb_can_match_keep_their_order():
    update, create = frozenset({"http://v/update"}), frozenset({"http://v/create"})
    any_verb = rule(key="any")
    on_update = rule(key="update", match=r.Match(verbs=update))
    on_create = rule(key="create", match=r.Match(verbs=create | update))
    ruleset = r.Ruleset(rules=(on_update, any_verb, on_create))
    assert ruleset.rules_for("http://v/update") == (on_update, any_verb, on_create)
    assert ruleset.rules_for("http://v/create") == (any_verb, on_create)
    assert ruleset.rules_for("http://v/other") == (any_verb,)


def test_what_a_rule_awards_once_for():
    assert r.object_of(rule(), facts()) == "https://crm.example/leads/1"
    assert r.object_of(rule(per=r.PER_STATEMENT), facts()) == "s1"
    assert r.object_of(rule(per=r.PER_DAY), facts()) == "2026-10-05"


def test_award_keys_name_rule_object_and_generation():
    first = r.object_hash("k", "o")
    assert first != r.object_hash("k", "o2") != r.object_hash("k2", "o")
    assert r.award_key(first, 0) == first
    assert r.award_key(first, 2) == f"{first}:2"
    assert r.reversal_key(first) == f"rev:{first}"


def test_all_time_cap_gives_the_rest_then_nothing_whatever_the_day():
    capped = rule(points=3, cap=7)
    assert r.points_allowed(capped, 0, None, T, earned_ever=6) == 1
    assert r.points_allowed(capped, 0, None, T, earned_ever=7) == 0
    both = rule(points=3, daily_cap=10, cap=100)
    assert r.points_allowed(both, 9, None, T, earned_ever=50) == 1


def test_daily_cap_gives_the_rest_then_nothing():
    capped = rule(points=3, daily_cap=10)
    assert r.points_allowed(capped, 0, None, T) == 3
    assert r.points_allowed(capped, 9, None, T) == 1
    assert r.points_allowed(capped, 10, None, T) == 0
    assert r.points_allowed(rule(), 1_000, None, T) == 5


def test_cooldown_counts_from_the_last_award():
    cooled = rule(cooldown=timedelta(minutes=10))
    assert r.points_allowed(cooled, 0, None, T) == 5
    assert r.points_allowed(cooled, 0, T, T + timedelta(minutes=9, seconds=59)) == 0
    assert r.points_allowed(cooled, 0, T, T + timedelta(minutes=10)) == 5


def test_a_statement_counts_no_later_than_stored():
    assert counted_at(T + timedelta(days=9), T) == T
    assert counted_at(T - timedelta(days=1), T) == T - timedelta(days=1)


def test_periods_and_levels():
    assert r.week_start(date(2026, 10, 8)) == date(2026, 10, 5)
    assert r.next_period_start("month", date(2026, 12, 1)) == date(2027, 1, 1)
    assert r.quarter_start(date(2026, 11, 30)) == date(2026, 10, 1)
    levels = (r.Level(1, "A", 0), r.Level(2, "B", 100))
    assert r.level_for(99, levels).number == 1
    assert r.level_for(100, levels).number == 2
    assert r.next_level(99, levels).number == 2
    assert r.next_level(100, levels) is None
