"""Notifications that follow what a person achieved — a badge earned, a level reached,
onboarding complete (to them and to their manager), a reward granted — and the training
reminder that is closed when its course is done. Run by `lms.reactions` after the domain
event; each is once per person and key (rules.*_key), so a replay, a rebuild or a second
sync of the same statements notifies nobody twice. Non-essential: they may be muted. Each
is written in its recipient's language (`send_written`)."""

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from lms.communications import rules
from lms.communications.bulk import send_written
from lms.communications.services import Notice, mark_read_by_keys

if TYPE_CHECKING:
    from lms.coaching.models import OnboardingCompletion
    from lms.courses.models import Enrollment
    from lms.gamification.badges.rules import BadgeSpec
    from lms.gamification.models import BadgeAward, RewardGrant
    from lms.gamification.rules import Level

MY_PLAN = "/"


def notify_badges_earned(
    awards: Iterable[tuple["BadgeAward", "BadgeSpec"]], *, now: datetime
) -> None:
    """To each person, for each badge a batch awarded them: all in one insert."""
    send_written(
        [(award.user_id, partial(badge_notice, award, badge)) for award, badge in awards],
        now=now,
    )


def badge_notice(award: "BadgeAward", badge: "BadgeSpec") -> Notice:
    # The badge's name, description and evidence come from content/ in its one language.
    body = _("You earned the %(badge)s badge.", badge=badge.name)
    details = [f"{award.evidence}." if award.evidence else "", badge.description]
    return Notice(
        key=rules.badge_key(badge.key),
        title=_("Badge earned: %(badge)s", badge=badge.name),
        body=" ".join([body, *(d for d in details if d)]),
        link=f"/badges/{badge.key}",
    )


def notify_levels_reached(reached: Iterable[tuple[int, "Level"]], *, now: datetime) -> None:
    """To each person, the highest level they reached for the first time."""
    send_written([(user_id, partial(level_notice, level)) for user_id, level in reached], now=now)


def level_notice(level: "Level") -> Notice:
    words = {"number": level.number, "title": level.title}
    return Notice(
        key=rules.level_key(level.number),
        title=_("Level %(number)s reached: %(title)s", **words),
        body=_("Your points took you to level %(number)s, %(title)s.", **words),
        link="/me/points",
    )


def notify_onboarding_complete(completion: "OnboardingCompletion", *, now: datetime) -> None:
    """To the person, and to their manager when they have one."""
    person = completion.person
    addressed = [(person.id, partial(onboarding_notice, completion))]
    if person.manager_id is not None:
        addressed.append((person.manager_id, partial(report_onboarded_notice, completion)))
    send_written(addressed, now=now)


def onboarding_notice(completion: "OnboardingCompletion") -> Notice:
    return Notice(
        key=rules.onboarding_key(completion.id),
        title=_("Your onboarding is complete"),
        body=_(
            "Every required course is done and every required skill is signed off at step 4. "
            "Well done."
        ),
        link=MY_PLAN,
    )


def report_onboarded_notice(completion: "OnboardingCompletion") -> Notice:
    person = completion.person
    return Notice(
        key=rules.report_onboarded_key(completion.id),
        title=_("%(name)s has completed onboarding", name=person.name),
        body=_(
            "%(name)s's required courses are done and every required skill is signed off "
            "at step 4.",
            name=person.name,
        ),
        link=f"/coaching/people/{person.id}",
    )


def notify_reward_granted(grant: "RewardGrant", board: str, *, now: datetime) -> None:
    """`board` names the board and its period in words (rewards.board_words), in English."""
    send_written([(grant.user_id, partial(reward_notice, grant, board))], now=now)


def reward_notice(grant: "RewardGrant", board: str) -> Notice:
    note = f" “{grant.note}”" if grant.note else ""
    return Notice(
        key=rules.reward_key(grant.id),
        title=_("Reward granted: %(prize)s", prize=grant.prize),
        body=_("You were granted %(prize)s for %(board)s.", prize=grant.prize, board=board) + note,
        link=MY_PLAN,
    )


def close_training_reminders(enrollment: "Enrollment", *, now: datetime) -> None:
    """The course is done: its "due soon" and "overdue" reminders are read."""
    mark_read_by_keys(enrollment.user_id, rules.training_keys(enrollment.id), now=now)
