"""Points for learning, not for clicking: a quiz passed faster than content's
`min_seconds_per_question` a question completes the course but earns no quiz points; one
taken at a reading pace earns them. The pace comes from the attempt's own statement (its
duration over its questions), so a rebuild decides the same."""

from datetime import timedelta

from sqlalchemy import select

from lms.courses import progress
from lms.database import db
from lms.gamification import rules as r
from lms.gamification.facts import facts_of
from lms.gamification.models import PointsEntry
from lms.gamification.points.rebuild import rebuild
from lms.gamification.ruleset import current_ruleset
from tests.conftest import T0
from tests.courses.conftest import answers_for, lessons_of


def quiz_points(person) -> list[str]:
    query = select(PointsEntry.rule_key).where(
        PointsEntry.user_id == person.id, PointsEntry.rule_key.like("quiz-%")
    )
    return sorted(db.session.scalars(query))


def take(make_user, course, *, seconds: int):
    person = make_user()
    enrollment = progress.enroll_self(person, course("computer-basics"), now=T0)
    for lesson in lessons_of(enrollment.course, person):
        progress.complete_lesson(enrollment, lesson, now=T0)
    progress.open_sitting(enrollment, now=T0)
    answers = answers_for(enrollment.course, right=True)
    progress.submit_quiz(enrollment, answers, now=T0 + timedelta(seconds=seconds))
    return person, enrollment


def test_a_pass_too_fast_to_have_read_completes_but_earns_no_quiz_points(make_user, course):
    person, enrollment = take(make_user, course, seconds=10)  # 7 questions in 10 s
    assert enrollment.completed_at is not None
    assert quiz_points(person) == []
    assert rebuild(current_ruleset(), now=T0 + timedelta(days=1)) == []


def test_a_pass_at_a_reading_pace_earns_them(make_user, course):
    person, _ = take(make_user, course, seconds=7 * 40)
    assert quiz_points(person) == ["quiz-passed", "quiz-perfect"]


def test_the_pace_is_read_from_the_statement():
    document = {
        "id": "s",
        "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        "object": {"id": "https://x/quiz"},
        "timestamp": "2026-10-05T09:00:00Z",
        "result": {"duration": "PT1M40S", "score": {"scaled": 1, "raw": 5, "min": 0, "max": 5}},
    }
    facts = facts_of(document, None, T0, {})
    assert facts.seconds_per_question == 20.0
    assert r.Match(min_seconds_per_question=5).matches(facts)
    assert not r.Match(min_seconds_per_question=30).matches(facts)
    no_duration = facts_of(document | {"result": {}}, None, T0, {})
    assert no_duration.seconds_per_question is None
    assert r.Match(min_seconds_per_question=30).matches(no_duration)  # not judged on it
