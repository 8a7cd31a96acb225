"""The demo organisation's incentives: some people show their names on leaderboards, HR
gave one manual bonus, and last week's points board has its reward granted — so HR's pages
and the learners' boards have something real to show. Idempotent, like the rest of the demo."""

from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.auth.services import get_user_by_email
from lms.database import db
from lms.gamification.boards import catalogue as board_catalogue
from lms.gamification.boards.leaderboards import COMPANY
from lms.gamification.boards.privacy import get_preference, save_preference
from lms.gamification.incentives import rewards
from lms.gamification.models import PointsEntry
from lms.gamification.points.ledger import add_manual_entry

HR = "hr@northwind.example"
NAMED_ON_BOARDS = (
    "maria.lopez@northwind.example",
    "noah.schmidt@northwind.example",
    "emma.janssen@northwind.example",
    "zoe.fischer@northwind.example",
)
BONUS = ("emma.janssen@northwind.example", 50, "Ran the lunch-and-learn on pipeline reports")
LAST_WEEK_PRIZE = "Coffee voucher"


def seed_incentives(*, now) -> None:
    for email in NAMED_ON_BOARDS:
        person = get_user_by_email(email)
        if person is not None and get_preference(person.id) is None:
            save_preference(person, show_name=True, on_public_boards=True, now=now)
    hr = get_user_by_email(HR)
    if hr is None:
        return
    _bonus(hr, now)
    _last_weeks_reward(hr, now)


def _bonus(hr, now) -> None:
    email, points, reason = BONUS
    person = get_user_by_email(email)
    given = db.session.scalar(select(PointsEntry.id).where(PointsEntry.kind == "manual").limit(1))
    if person is not None and given is None:
        add_manual_entry(person, points, reason, granted_by=hr, now=now)


def _last_weeks_reward(hr, now) -> None:
    shown = board_catalogue.resolve(
        "points-week", (now - timedelta(days=7)).date(), include_test=True
    )
    if shown is None or rewards.get_grant(shown.key, shown.start) is not None:
        return
    top = board_catalogue.standings(shown, COMPANY, limit=1)
    if top:
        winner = db.session.get(User, top[0].user_id)
        rewards.grant_reward(
            shown.key,
            shown.start,
            winner,
            prize=LAST_WEEK_PRIZE,
            note="Most points last week",
            by=hr,
            now=now,
        )
