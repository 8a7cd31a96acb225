"""Granting a reward asks for confirmation on a page that names the board, the period and
the person; a period that has not ended is refused unless HR ticks "grant early" — on the
page and when posted directly — with the field's error and nothing written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.clock import utcnow
from lms.database import db
from lms.errors import FieldError
from lms.gamification.incentives import rewards
from lms.gamification.models import RewardGrant
from lms.gamification.rules import week_start
from tests.gamification.boards.test_boards import WEEK, points


@pytest.fixture
def hr(make_user):
    return make_user(name="Hilda HR", job_role="hr_partner", roles={"hr"})


@pytest.fixture
def winner(make_user):
    person = make_user(name="Wendy Winner", division="West")
    points(person, 50)  # in WEEK, long over
    points(person, 40, utcnow())  # in the week running now
    return person


def grants() -> int:
    return db.session.scalar(select(func.count(RewardGrant.id)))


def grant_url(start) -> str:
    return f"/incentives/boards/points-week/grant?start={start.isoformat()}"


def test_granting_asks_for_confirmation_naming_the_period_and_the_person(client, login, hr, winner):
    login(hr)
    response = client.post(grant_url(WEEK), data={"user_id": winner.id, "prize": "Coffee"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and grants() == 0
    assert "Grant Coffee to Wendy Winner?" in page
    assert "the week of 5 Oct 2026: ended on 11 Oct 2026" in page
    assert "Wendy Winner, West — rank 1, 50" in page
    assert "Grant early" not in page  # the week is over: nothing to tick
    confirmed = {"user_id": winner.id, "prize": "Coffee", "confirmed": "yes"}
    assert client.post(grant_url(WEEK), data=confirmed).status_code == 302
    assert grants() == 1


def test_a_running_week_is_refused_unless_granted_early(client, login, hr, winner):
    login(hr)
    monday = week_start(utcnow().date())
    asked = client.post(grant_url(monday), data={"user_id": winner.id, "prize": "Tea"})
    assert "Grant early" in asked.get_data(as_text=True)  # the box to tick
    data = {"user_id": winner.id, "prize": "Tea", "confirmed": "yes"}
    refused = client.post(grant_url(monday), data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and grants() == 0
    assert 'id="grant_early-error">Grant early: the week of' in text
    assert "runs until" in text and "Tick “Grant early” to grant the reward now anyway." in text
    early = client.post(grant_url(monday), data=data | {"grant_early": "y"})
    assert early.status_code == 302 and grants() == 1


def test_bad_input_names_the_field_and_writes_nothing(client, login, hr, winner):
    login(hr)
    page = client.post(
        grant_url(WEEK),
        data={"user_id": winner.id, "prize": "", "confirmed": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Prize: say what is granted." in page
    long = client.post(
        grant_url(WEEK),
        data={"user_id": winner.id, "prize": "x" * 301, "confirmed": "yes"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Prize: at most 300 characters." in long
    forged = client.post(
        grant_url(WEEK),
        data={"user_id": winner.id, "prize": "Tea", "confirmed": "maybe"},
        follow_redirects=True,
    )
    assert forged.status_code == 200 and grants() == 0


def test_learners_and_managers_cannot_grant(client, login, make_user, winner):
    for person in (make_user(), make_user(job_role="sales_manager")):
        login(person)
        data = {"user_id": winner.id, "prize": "Car", "confirmed": "yes", "grant_early": "y"}
        assert client.post(grant_url(WEEK), data=data).status_code == 403
    assert grants() == 0


def test_the_service_refuses_a_running_period_and_all_time_unless_early(make_user, hr):
    person = make_user()
    now = utcnow()
    with pytest.raises(FieldError) as refused:
        rewards.grant_reward(
            "points-week", week_start(now.date()), person, prize="A", note="", by=hr, now=now
        )
    assert refused.value.field == "grant_early"
    with pytest.raises(FieldError, match="never ends"):
        rewards.grant_reward("points-all", WEEK, person, prize="A", note="", by=hr, now=now)
    assert grants() == 0
    rewards.grant_reward("points-all", WEEK, person, prize="A", note="", by=hr, now=now, early=True)
    last_week = week_start(now.date()) - timedelta(days=7)
    rewards.grant_reward("points-week", last_week, person, prize="B", note="", by=hr, now=now)
    assert grants() == 2
