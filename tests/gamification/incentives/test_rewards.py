"""Reward grants: recorded with who and when, once per board and period, shown to the
winner."""

from datetime import date, timedelta

import pytest

from lms.database import db
from lms.gamification.incentives import rewards
from lms.gamification.models import RewardGrant
from tests.conftest import T0

WEEK = date(2026, 10, 5)
AFTER = T0 + timedelta(days=7)  # WEEK has ended


def test_grant_records_who_what_when_and_by_whom(make_user):
    winner, hr = make_user(), make_user(roles={"hr"})
    grant = rewards.grant_reward(
        "points-week", WEEK, winner, prize="Coffee voucher", note="Well done", by=hr, now=AFTER
    )
    assert (grant.user_id, grant.prize, grant.granted_by_id, grant.granted_at) == (
        winner.id,
        "Coffee voucher",
        hr.id,
        AFTER,
    )
    assert rewards.list_rewards_for(winner.id) == [grant]


def test_a_second_grant_for_the_same_board_and_period_is_refused(make_user):
    winner, other, hr = make_user(), make_user(), make_user(roles={"hr"})
    rewards.grant_reward("points-week", WEEK, winner, prize="Coffee", note="", by=hr, now=AFTER)
    with pytest.raises(rewards.AlreadyGranted, match="already granted to"):
        rewards.grant_reward("points-week", WEEK, other, prize="Tea", note="", by=hr, now=AFTER)
    # another period, or another board, is a grant of its own
    rewards.grant_reward(
        "points-week",
        WEEK + timedelta(days=7),
        other,
        prize="Tea",
        note="",
        by=hr,
        now=AFTER + timedelta(days=7),
    )
    rewards.grant_reward(
        "points-week:division:1", WEEK, other, prize="Tea", note="", by=hr, now=AFTER
    )


def test_the_constraint_holds_when_the_check_is_raced(make_user, monkeypatch):
    winner, hr = make_user(), make_user(roles={"hr"})
    db.session.add(
        RewardGrant(
            board_key="contest-x",
            period_start=WEEK,
            user_id=winner.id,
            prize="A",
            granted_by_id=hr.id,
            granted_at=T0,
        )
    )
    db.session.flush()
    monkeypatch.setattr(rewards, "get_grant", lambda *_: None)  # as if both checked at once
    with pytest.raises(rewards.AlreadyGranted, match="a moment ago"):
        rewards.grant_reward(
            "contest-x", WEEK, winner, prize="B", note="", by=hr, now=AFTER, early=True
        )
    assert db.session.query(RewardGrant).filter_by(board_key="contest-x").count() == 1
