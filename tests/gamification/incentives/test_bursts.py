"""Suspicious bursts: far above the person's own usual daily count."""

from datetime import date, datetime, timedelta

from lms.database import db
from lms.gamification.incentives import bursts
from lms.gamification.models import PointsEntry

DAY = date(2026, 10, 20)


def entries(person, day, count):
    for n in range(count):
        moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=n)
        db.session.add(
            PointsEntry(
                user_id=person.id,
                kind="rule",
                rule_key="r",
                award_key=f"{day}-{n}",
                points=1,
                earned_at=moment,
                recorded_at=moment,
            )
        )
    db.session.flush()


def test_rule_pure():
    assert bursts.is_burst(25, [5] * 28) == (True, 5)
    assert bursts.is_burst(19, []) == (False, 0.0)  # below the minimum
    assert bursts.is_burst(20, [5] * 28)[0] is False  # not more than four times
    assert bursts.is_burst(40, [1] * 10 + [10] * 28)[1] == 10  # only the last 28 active days


def test_burst_flagged_against_own_usual(make_user):
    steady, spiky = make_user(), make_user()
    for back in range(1, 15):
        entries(steady, DAY - timedelta(days=back), 10)
        entries(spiky, DAY - timedelta(days=back), 2)
    entries(steady, DAY, 30)  # 3x usual: not flagged
    entries(spiky, DAY, 30)  # 15x usual: flagged
    flagged = bursts.list_bursts(DAY)
    assert [(b.person.id, b.count, b.usual) for b in flagged] == [(spiky.id, 30, 2)]
