"""The pure badge rules: which statements a badge looks at, the occasion it is judged in,
who downloads and who revokes. No app."""

from datetime import date, datetime

from lms.gamification.badges import rules as b
from lms.gamification.rules import Facts, Match

IRIS = b.Iris(
    course={"intro": "http://lms.test/courses/intro"},
    skill_step4={"leads": "http://lms.test/skills/leads/steps/4"},
    onboarding="http://lms.test/onboarding",
    quality=Match(activity_types=frozenset({"dq"})),
)
UPDATE = "http://activitystrea.ms/schema/1.0/update"


def facts(verb=b.VERB_COMPLETED, object_id="", kind="", when=datetime(2026, 10, 8, 12)):
    return Facts("s1", verb, object_id, kind, None, None, "client:CRM", when)


def badge(criterion: b.Criterion) -> b.BadgeSpec:
    return b.BadgeSpec("k", "K", "d", "c", "#000000", "star", criterion)


def test_each_kind_looks_only_at_its_statements():
    courses = badge(b.Criterion(b.COURSES_COMPLETED, courses=("intro",)))
    assert b.could_change(courses, facts(object_id="http://lms.test/courses/intro"), IRIS)
    assert not b.could_change(courses, facts(object_id="http://lms.test/courses/other"), IRIS)
    early = badge(b.Criterion(b.EARLY_ADOPTER, first=3))
    assert b.could_change(early, facts(object_id=IRIS.onboarding), IRIS)
    coached = badge(b.Criterion(b.COACHING_FINISHED))
    assert b.could_change(coached, facts(object_id=IRIS.skill_step4["leads"]), IRIS)
    busy = badge(b.Criterion(b.STATEMENTS_IN_WEEK, match=Match(verbs=frozenset({UPDATE})), count=2))
    assert b.could_change(busy, facts(verb=UPDATE), IRIS)
    assert not b.could_change(busy, facts(), IRIS)
    streak = badge(b.Criterion(b.QUALITY_STREAK, threshold=0.9, weeks=4))
    assert b.could_change(streak, facts(verb="scored", kind="dq"), IRIS)
    champion = badge(b.Criterion(b.CHAMPION))
    assert not b.could_change(champion, facts(object_id=IRIS.onboarding), IRIS)


def test_weekly_kinds_are_judged_in_the_statements_week():
    streak = badge(b.Criterion(b.QUALITY_STREAK, threshold=0.9, weeks=4))
    assert b.occasion(streak, facts()) == date(2026, 10, 5)
    assert b.occasion(badge(b.Criterion(b.ONBOARDING_COMPLETED)), facts()) is None


def test_who_downloads_and_who_revokes():
    assert b.can_download(1, frozenset({"learner"}), 1)
    assert not b.can_download(2, frozenset({"learner"}), 1)
    assert b.can_download(2, frozenset({"hr"}), 1) and b.can_download(2, frozenset({"admin"}), 1)
    assert b.can_revoke(frozenset({"hr"})) and not b.can_revoke(frozenset({"learner"}))
