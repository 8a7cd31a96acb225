"""Quiz passes too fast to have been read are flagged on HR's incentive pages — the day's and
a board's period — at the points rules' own pace, before a reward is granted."""

from datetime import datetime, time, timedelta

from lms.clock import utcnow
from lms.courses import progress
from lms.database import db
from lms.gamification.incentives.fast_passes import list_fast_passes, reading_pace
from lms.gamification.ruleset import current_ruleset
from tests.courses.conftest import answers_for, lessons_of


def pass_quiz(person, course, *, at, seconds, slug="computer-basics"):
    enrollment = progress.enroll_self(person, course(slug), now=at)
    for lesson in lessons_of(enrollment.course, person):
        progress.complete_lesson(enrollment, lesson, now=at)
    progress.open_sitting(enrollment, now=at)
    answers = answers_for(enrollment.course, right=True)
    progress.submit_quiz(enrollment, answers, now=at + timedelta(seconds=seconds))


def test_the_pace_is_the_quiz_rules_own():
    assert reading_pace(current_ruleset()) == 5


def test_only_passes_faster_than_the_pace_are_flagged(make_user, course):
    at = datetime(2026, 11, 2, 9)
    quick, careful = make_user(name="Quinn Quick"), make_user(name="Cara Careful")
    pass_quiz(quick, course, at=at, seconds=12)
    pass_quiz(careful, course, at=at, seconds=600)
    flagged = list_fast_passes(at, at + timedelta(days=1), 5)
    assert [f.person for f in flagged] == [quick]
    assert flagged[0].seconds_per_question < 5
    assert list_fast_passes(at, at + timedelta(days=1), None) == []
    assert list_fast_passes(at, at + timedelta(days=1), 5, people={careful.id}) == []


def test_hr_sees_them_on_the_day_s_incentives_page(make_user, course, client, login):
    today = datetime.combine(utcnow().date(), time(9))
    pass_quiz(make_user(name="Quinn Quick"), course, at=today, seconds=12)
    hr = make_user(roles={"hr"})
    db.session.commit()
    login(hr)
    html = client.get(f"/incentives?start={today.date().isoformat()}").get_data(as_text=True)
    assert "Quiz passes too fast to have been read" in html and "Quinn Quick" in html
