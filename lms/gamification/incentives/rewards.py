"""Rewards HR grants to the winner of a board or contest for one period: at most one grant
per board and period (the unique constraint on reward_grants holds even when two people
press "grant" at once), once the period has ended unless HR grants early. The winner is
notified (RewardGranted; see lms.reactions)."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms import events
from lms.auth.models import Division, User
from lms.database import db
from lms.errors import DomainError
from lms.gamification.boards.catalogue import BUILT_IN
from lms.gamification.boards.rules import check_grant_period, period_words
from lms.gamification.models import Contest, RewardGrant
from lms.localisation import day_text


class AlreadyGranted(DomainError):
    """This board's reward for this period was already granted."""


def get_grant(board_key: str, period_start: date) -> RewardGrant | None:
    query = select(RewardGrant).where(
        RewardGrant.board_key == board_key, RewardGrant.period_start == period_start
    )
    return db.session.scalar(query)


def grant_reward(
    board_key: str,
    period_start: date,
    person: User,
    *,
    prize: str,
    note: str,
    by: User,
    now: datetime,
    contest: Contest | None = None,
    early: bool = False,
) -> RewardGrant:
    """Record who got what, when and from whom. A period that has not ended (all time never
    does) is refused unless `early` (FieldError on grant_early: boards.rules.
    check_grant_period). A second grant for the same board and period is refused, whether
    it is found first or meets the constraint in a race."""
    check_grant_period(period_of(board_key, contest), period_start, now, early=early)
    existing = get_grant(board_key, period_start)
    if existing is not None:
        raise AlreadyGranted(_refusal(existing))
    grant = RewardGrant(
        board_key=board_key,
        period_start=period_start,
        user_id=person.id,
        prize=prize,
        note=note,
        granted_by_id=by.id,
        granted_at=now,
        contest_id=contest.id if contest else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(grant)
    except IntegrityError:
        raise AlreadyGranted(
            "The reward for this board and period was granted a moment ago by someone else."
        ) from None
    events.publish(events.RewardGranted(grant, board_words(grant), now))
    return grant


def period_of(board_key: str, contest: Contest | None) -> str:
    """week, month, quarter or all: the contest's, or the built-in board's."""
    if contest is not None:
        return contest.period
    return BUILT_IN.get(board_key.split(":", 1)[0], ("", "all", ""))[1]


def board_words(grant: RewardGrant) -> str:
    """ "Points this week, South, the week of 5 Oct 2026": the board, its division, the
    period."""
    base, _, rest = grant.board_key.partition(":")
    title = grant.contest.title if grant.contest else BUILT_IN.get(base, (grant.board_key,))[0]
    if rest.startswith("division:") and rest.removeprefix("division:").isdigit():
        division = db.session.get(Division, int(rest.removeprefix("division:")))
        title = f"{title}, {division.name}" if division else title
    period = period_of(grant.board_key, grant.contest)
    return f"{title}, {period_words(period, grant.period_start)}" if period != "all" else title


def _refusal(existing: RewardGrant) -> str:
    return (
        f"The reward for this board and period was already granted to {existing.user.name}"
        f" ({existing.prize}) by {existing.granted_by.name}"
        f" on {day_text(existing.granted_at)}; it is granted once."
    )


def list_rewards_for(user_id: int) -> list[RewardGrant]:
    """A person's rewards, newest first (shown to them on My plan)."""
    query = (
        select(RewardGrant)
        .where(RewardGrant.user_id == user_id)
        .order_by(RewardGrant.granted_at.desc(), RewardGrant.id.desc())
    )
    return list(db.session.scalars(query))


def grants_for_period(period_start: date) -> dict[str, RewardGrant]:
    query = select(RewardGrant).where(RewardGrant.period_start == period_start)
    return {grant.board_key: grant for grant in db.session.scalars(query)}
