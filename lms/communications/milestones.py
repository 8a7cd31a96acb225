"""Notifications that follow what a person achieved — a badge earned, a level reached,
onboarding complete (to them and to their manager), a reward granted — and the training
reminder that is closed when its course is done. Run by `lms.reactions` after the domain
event; each is once per person and key (rules.*_key), so a replay, a rebuild or a second
sync of the same statements notifies nobody twice. Non-essential: they may be muted."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from lms.communications import rules
from lms.communications.bulk import send_many
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
    send_many([(award.user_id, badge_notice(award, badge)) for award, badge in awards], now=now)


def badge_notice(award: "BadgeAward", badge: "BadgeSpec") -> Notice:
    why = f" {award.evidence}." if award.evidence else ""
    return Notice(
        key=rules.badge_key(badge.key),
        title=f"Badge earned: {badge.name}",
        body=f"You earned the {badge.name} badge.{why} {badge.description}".strip(),
        link=f"/badges/{badge.key}",
    )


def notify_levels_reached(reached: Iterable[tuple[int, "Level"]], *, now: datetime) -> None:
    """To each person, the highest level they reached for the first time."""
    send_many([(user_id, level_notice(level)) for user_id, level in reached], now=now)


def level_notice(level: "Level") -> Notice:
    return Notice(
        key=rules.level_key(level.number),
        title=f"Level {level.number} reached: {level.title}",
        body=f"Your points took you to level {level.number}, {level.title}.",
        link="/me/points",
    )


def notify_onboarding_complete(completion: "OnboardingCompletion", *, now: datetime) -> None:
    """To the person, and to their manager when they have one."""
    person = completion.person
    addressed = [
        (
            person.id,
            Notice(
                key=rules.onboarding_key(completion.id),
                title="Your onboarding is complete",
                body="Every required course is done and every required skill is signed off "
                "at step 4. Well done.",
                link=MY_PLAN,
            ),
        )
    ]
    if person.manager_id is not None:
        addressed.append(
            (
                person.manager_id,
                Notice(
                    key=rules.report_onboarded_key(completion.id),
                    title=f"{person.name} has completed onboarding",
                    body=f"{person.name}'s required courses are done and every required "
                    "skill is signed off at step 4.",
                    link=f"/coaching/people/{person.id}",
                ),
            )
        )
    send_many(addressed, now=now)


def notify_reward_granted(grant: "RewardGrant", board: str, *, now: datetime) -> None:
    note = f" “{grant.note}”" if grant.note else ""
    notice = Notice(
        key=rules.reward_key(grant.id),
        title=f"Reward granted: {grant.prize}",
        body=f"You were granted {grant.prize} for {board}.{note}",
        link=MY_PLAN,
    )
    send_many([(grant.user_id, notice)], now=now)


def close_training_reminders(enrollment: "Enrollment", *, now: datetime) -> None:
    """The course is done: its "due soon" and "overdue" reminders are read."""
    mark_read_by_keys(enrollment.user_id, rules.training_keys(enrollment.id), now=now)
