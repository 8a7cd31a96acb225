"""Every kind of badge, earned through the flows that earn it: courses, onboarding,
coaching, CRM updates and data-quality scores posted by an LRS client, early adoption,
naming a champion. Each is awarded once, with an "earned" statement; a revoked badge is
not earned again."""

import json
from datetime import date, timedelta

from sqlalchemy import select

from lms.auth.services import get_or_create_division, name_champion
from lms.courses.models import Setting
from lms.database import db
from lms.gamification.badges.awards import revoke_badge
from lms.gamification.points.engine import apply_to_linked
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from tests.conftest import T0
from tests.gamification.badges import fixtures as badge_fixtures
from tests.gamification.badges.fixtures import (
    awards,
    finish_course,
    keys_of,
    onboard,
    quality_score,
    updates,
)

people, lrs, badge_content = badge_fixtures.people, badge_fixtures.lrs, badge_fixtures.badge_content

MONDAY = T0 - timedelta(days=T0.weekday())  # T0's week starts on this Monday


def earned_statements(person, key: str) -> list[dict]:
    query = select(Statement.document).where(
        Statement.user_id == person.id,
        Statement.verb_id == v.VERB_EARNED,
        Statement.activity_id == v.badge_iri("http://lms.test", key),
    )
    return [json.loads(document) for document in db.session.scalars(query)]


def test_completing_the_courses_earns_the_course_badge_once(people):
    finish_course(people.rep, "new-hire-orientation")
    [award] = awards(people.rep, "first-steps")
    assert award.evidence == "Completed Welcome to the CRM at Northwind Components"
    [statement] = earned_statements(people.rep, "first-steps")
    assert statement["id"] == award.uuid
    assert statement["result"]["response"] == award.evidence
    apply_to_linked([people.rep], now=T0 + timedelta(days=1))  # its statements replayed
    assert len(awards(people.rep, "first-steps")) == 1
    assert len(earned_statements(people.rep, "first-steps")) == 1


def test_a_badge_for_several_courses_waits_for_the_last(people):
    courses = ["crm-handle-leads", "crm-manage-opportunities", "crm-create-quotes"]
    for slug in courses:
        finish_course(people.rep, slug)
    assert "lead-to-order" not in keys_of(people.rep)
    finish_course(people.rep, "crm-submit-orders")
    assert "lead-to-order" in keys_of(people.rep)


def test_onboarding_earns_onboarded_coached_and_the_early_badges(people):
    onboard(people.manager, people.rep)
    held = keys_of(people.rep)
    assert {"onboarded", "coached", "early-adopter", "quick-start"} <= held
    assert awards(people.rep, "early-adopter")[0].evidence == "Number 1 to complete onboarding"
    for key in ("onboarded", "coached", "early-adopter", "quick-start"):
        assert len(earned_statements(people.rep, key)) == 1


def test_coaching_finished_needs_every_required_skill(people):
    from lms.coaching.queries import required_skills
    from tests.coaching.conftest import sign

    skills = required_skills([people.rep.job_role_id])[people.rep.job_role_id]
    for skill in skills[:-1]:
        sign(people.manager, people.rep, skill.slug)
    assert "coached" not in keys_of(people.rep)
    sign(people.manager, people.rep, skills[-1].slug)
    assert "coached" in keys_of(people.rep)
    assert "onboarded" not in keys_of(people.rep)  # the required courses are not done


def test_quick_start_counts_days_from_the_hire_date(people, make_user):
    late = make_user(name="Lena Late", manager=people.manager, hire_date=date(2026, 8, 1))
    from lms.courses.curricula import assign_curricula

    assign_curricula([late], now=T0)
    onboard(people.manager, late)
    assert "onboarded" in keys_of(late)
    assert "quick-start" not in keys_of(late)  # 65 days after joining


def test_busy_week_from_crm_updates_posted_by_an_lrs_client(people, lrs):
    lrs(updates(people.rep, 24, MONDAY))
    assert "busy-week" not in keys_of(people.rep)
    batch = updates(people.rep, 1, MONDAY + timedelta(days=6, hours=10))
    lrs(batch)
    [award] = awards(people.rep, "busy-week")
    assert award.evidence == f"25 in the week of {MONDAY:%d %b %Y}"
    assert len(earned_statements(people.rep, "busy-week")) == 1
    lrs(batch)  # replayed: the same statement, nothing new
    lrs(updates(people.rep, 30, MONDAY + timedelta(weeks=1)))
    assert len(awards(people.rep, "busy-week")) == 1


def test_busy_week_is_per_week_not_a_running_count(people, lrs):
    lrs(updates(people.rep, 20, MONDAY - timedelta(days=1)))  # the Sunday before
    lrs(updates(people.rep, 20, MONDAY))
    assert "busy-week" not in keys_of(people.rep)


def test_a_batch_spanning_two_weeks_is_judged_in_each(people, lrs):
    lrs(updates(people.rep, 3, MONDAY - timedelta(days=3)) + updates(people.rep, 25, MONDAY))
    assert "busy-week" in keys_of(people.rep)


def test_clean_data_after_four_weeks_running(people, lrs):
    weeks = [MONDAY + timedelta(weeks=n, days=2) for n in range(4)]
    lrs([quality_score(people.rep, when, 0.95) for when in weeks[:3]])
    assert "clean-data" not in keys_of(people.rep)
    lrs([quality_score(people.rep, weeks[3], 0.92)])
    [award] = awards(people.rep, "clean-data")
    assert award.evidence == "Weekly data quality of 90% or better for 4 weeks"


def test_a_low_week_breaks_the_streak(people, lrs):
    weeks = [MONDAY + timedelta(weeks=n, days=2) for n in range(5)]
    lrs([quality_score(people.rep, weeks[0], 0.95), quality_score(people.rep, weeks[1], 0.95)])
    lrs([quality_score(people.rep, weeks[2], 0.95), quality_score(people.rep, weeks[2], 0.7)])
    lrs([quality_score(people.rep, when, 0.99) for when in weeks[3:]])
    assert "clean-data" not in keys_of(people.rep)  # week 3 averaged 82.5%


def test_a_late_score_can_complete_a_streak_that_ends_later(people, lrs):
    weeks = [MONDAY + timedelta(weeks=n, days=2) for n in range(4)]
    lrs([quality_score(people.rep, when, 0.95) for when in (weeks[0], weeks[2], weeks[3])])
    assert "clean-data" not in keys_of(people.rep)
    lrs([quality_score(people.rep, weeks[1], 0.95)])  # week 2's score arrives last
    assert "clean-data" in keys_of(people.rep)


def test_naming_a_champion_earns_the_champion_badge_once(people):
    north = get_or_create_division("North")
    south = get_or_create_division("South")
    name_champion(north, people.rep, now=T0)
    name_champion(south, people.rep, now=T0 + timedelta(days=1))
    [award] = awards(people.rep, "crm-champion")
    assert award.evidence == "Named CRM champion"
    assert len(earned_statements(people.rep, "crm-champion")) == 1


def test_a_revoked_badge_is_not_earned_again(people):
    finish_course(people.rep, "new-hire-orientation")
    [award] = awards(people.rep, "first-steps")
    revoke_badge(award, "Completed on someone else's account.", revoked_by=people.hr, now=T0)
    finish_course(people.rep, "crm-handle-leads")
    apply_to_linked([people.rep], now=T0 + timedelta(days=2))  # every statement again
    [still] = awards(people.rep, "first-steps")
    assert still.revoked_at is not None


def test_replaying_every_statement_awards_nothing_new(people, lrs):
    onboard(people.manager, people.rep)
    lrs(updates(people.rep, 25, MONDAY))
    before = [(a.badge_key, a.uuid) for a in awards(people.rep)]
    apply_to_linked([people.rep], now=T0 + timedelta(days=30))
    assert [(a.badge_key, a.uuid) for a in awards(people.rep)] == before


EARLY = """
- key: first-one
  name: First one
  description: The very first.
  criteria: Be the first to complete onboarding.
  colour: "#123456"
  icon: star
  early_adopter: {first: 1}
- key: launch-week
  name: Launch week
  description: Onboarded around go-live.
  criteria: Complete onboarding within 7 days of go-live.
  colour: "#654321"
  icon: rocket
  early_adopter: {days_after_go_live: 7}
"""


def test_early_adopter_first_n_and_days_after_go_live(people, badge_content):
    badge_content(EARLY)
    go_live = db.session.get(Setting, "go_live")
    go_live.value = (T0.date() - timedelta(days=3)).isoformat()
    onboard(people.manager, people.rep)
    onboard(people.manager, people.rep2, now=T0 + timedelta(days=10))
    assert keys_of(people.rep) == {"first-one", "launch-week"}
    assert keys_of(people.rep2) == set()  # second, and 16 days after go-live
    # sign() signs the four steps a day apart: onboarding completes on T0 + 3 days
    assert awards(people.rep, "launch-week")[0].evidence == "Onboarded 6 days after go-live"


def test_early_adopter_needs_a_go_live_date(people, badge_content):
    badge_content(EARLY)
    db.session.get(Setting, "go_live").value = ""
    onboard(people.manager, people.rep)
    assert keys_of(people.rep) == {"first-one"}
