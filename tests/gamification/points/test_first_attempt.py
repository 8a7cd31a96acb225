"""Quiz points scaled by the first attempt's score (`scale_by: first_attempt_score` on the
shipped quiz-passed rule): what the learner knew before any feedback, not what a retry
after reading the failed page could reach. The first attempt's score travels on the
outcome statement (result extensions), so a rebuild decides the same."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses import progress
from lms.database import db
from lms.gamification import rules as r
from lms.gamification.models import PointsEntry
from lms.gamification.points.rebuild import rebuild
from lms.gamification.ruleset import current_ruleset
from lms.xapi import vocabulary as v
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of, shown_keys
from tests.gamification.points.test_quiz_pace import quiz_points
from tests.xapi.test_record import statements_of

READING_PACE = timedelta(minutes=5)  # well above the rules' 5 seconds a question


def quiz_rule_points(person) -> dict[str, int]:
    query = select(PointsEntry.rule_key, PointsEntry.points).where(
        PointsEntry.user_id == person.id, PointsEntry.rule_key.like("quiz-%")
    )
    return dict(db.session.execute(query).all())


def sit(enrollment, right: int, at):
    """Open the quiz at `at` and answer the first `right` questions shown right, the rest
    wrong, at a reading pace."""
    progress.open_sitting(enrollment, now=at)
    keys = shown_keys(enrollment)
    good, bad = (
        answers_for(enrollment.course, right=True),
        answers_for(enrollment.course, right=False),
    )
    answers = {key: (good if n < right else bad)[key] for n, key in enumerate(keys)}
    return progress.submit_quiz(enrollment, answers, now=at + READING_PACE)


@pytest.fixture
def learner(make_user, course):
    person = make_user()
    enrollment = progress.enroll_self(person, course("computer-basics"), now=T0)
    for lesson in lessons_of(enrollment.course, person):
        progress.complete_lesson(enrollment, lesson, now=T0)
    return person, enrollment


def test_a_first_try_pass_earns_its_share(learner):
    person, enrollment = learner
    attempt = sit(enrollment, right=4, at=T0)  # 4 of 5: 80%, passed
    assert attempt.passed
    assert quiz_rule_points(person) == {"quiz-passed": 16}


def test_a_pass_after_a_failure_earns_the_first_attempts_share(learner):
    person, enrollment = learner
    assert not sit(enrollment, right=2, at=T0).passed  # 40%
    assert sit(enrollment, right=5, at=T0 + timedelta(hours=1)).passed
    # 40% of 20; every answer right at the second try still earns quiz-perfect in full
    assert quiz_rule_points(person) == {"quiz-passed": 8, "quiz-perfect": 10}
    assert rebuild(current_ruleset(), now=T0 + timedelta(days=1)) == []


def test_the_outcome_statement_says_the_attempt_and_the_first_score(learner):
    person, enrollment = learner
    sit(enrollment, right=1, at=T0)
    sit(enrollment, right=5, at=T0 + timedelta(hours=1))
    outcomes = [
        s for s in statements_of(person) if s["verb"]["id"] in (v.VERB_PASSED, v.VERB_FAILED)
    ]
    extensions = [s["result"]["extensions"] for s in outcomes]
    assert [e[v.EXT_ATTEMPT] for e in extensions] == [1, 2]
    assert [e[v.EXT_FIRST_ATTEMPT_SCORE] for e in extensions] == [0.2, 0.2]


def test_a_first_try_with_every_answer_right_earns_everything(learner):
    person, enrollment = learner
    sit(enrollment, right=5, at=T0)
    assert quiz_points(person) == ["quiz-passed", "quiz-perfect"]
    assert quiz_rule_points(person) == {"quiz-passed": 20, "quiz-perfect": 10}


def facts(first=None, scaled=None) -> r.Facts:
    return r.Facts("s", v.VERB_PASSED, "q", "", True, scaled, "lms", T0, None, first)


@pytest.mark.parametrize(
    ("scale_by", "first", "scaled", "points"),
    [
        (None, 0.4, 0.9, 20),  # a rule that does not scale
        (r.SCALE_FIRST_ATTEMPT, 0.4, 1.0, 8),
        (r.SCALE_FIRST_ATTEMPT, 0.87, None, 17),  # rounded
        (r.SCALE_FIRST_ATTEMPT, None, 0.5, 10),  # no first attempt said: its own score
        (r.SCALE_FIRST_ATTEMPT, None, None, 20),  # neither: the full points
        (r.SCALE_FIRST_ATTEMPT, 0.0, 1.0, 1),  # it matched: at least 1
        (r.SCALE_FIRST_ATTEMPT, 1.5, None, 20),  # a score beyond 1 counts as 1
    ],
)
def test_rule_points(scale_by, first, scaled, points):
    rule = r.PointRule("quiz-passed", "Passed", 20, r.Match(), scale_by=scale_by)
    assert r.rule_points(rule, facts(first, scaled)) == points


def test_caps_apply_to_the_scaled_points():
    rule = r.PointRule("q", "Q", 20, r.Match(), daily_cap=10, scale_by=r.SCALE_FIRST_ATTEMPT)
    assert r.points_allowed(rule, 4, None, T0, 0, r.rule_points(rule, facts(0.4))) == 6
