"""When each message is due, which are essential, and the keys that make each one unique.
Pure: plain values in, answers out.

Essential messages cannot be muted: launch news (communications anchored on the go-live:
the launch announcement, go-live tips; plus the welcome), reminders of training (the
curriculum's "training-reminder..." messages, due-soon and overdue reminders of required
courses), "your coaching step is waiting" to managers, and the answer to someone's own
feedback. Everything else is non-essential and may be muted: recognition of champions and
contest winners, check-ins, "meet your champion", team-coaching notes, and the moments that
follow what a person achieved (a badge earned, a level reached, onboarding complete — to
them and to their manager —, a reward granted).
"""

from datetime import date, timedelta

from lms.locales import N_

MAIL_STATUSES = ("failed", "pending", "sent")
MAX_MAIL_ATTEMPTS = 8

# A curriculum message more than this late is no longer news (someone imported long after
# their hire date, or senders stopped for weeks): it is not sent at all.
LATE_LIMIT = timedelta(days=14)
# A required course's "due soon" reminder goes out from this many days before its due day.
DUE_SOON = timedelta(days=3)

COMMUNICATION, TRAINING_DUE, TRAINING_OVERDUE = "communication", "training_due", "training_overdue"
COACHING_WAITING, RECOGNITION, FEEDBACK = "coaching_waiting", "recognition", "feedback"
BADGE_EARNED, LEVEL_REACHED, REWARD_GRANTED = "badge_earned", "level_reached", "reward_granted"
ONBOARDING_COMPLETE, REPORT_ONBOARDED = "onboarding_complete", "report_onboarded"
KIND_LABELS = {  # in English; pages translate them (N_)
    COMMUNICATION: N_("Communication plan"),
    TRAINING_DUE: N_("Training due soon"),
    TRAINING_OVERDUE: N_("Training overdue"),
    COACHING_WAITING: N_("Coaching step waiting"),
    RECOGNITION: N_("Weekly recognition"),
    FEEDBACK: N_("Feedback answered"),
    BADGE_EARNED: N_("Badge earned"),
    LEVEL_REACHED: N_("Level reached"),
    ONBOARDING_COMPLETE: N_("Onboarding complete"),
    REPORT_ONBOARDED: N_("Report onboarded"),
    REWARD_GRANTED: N_("Reward granted"),
}
ESSENTIAL_COMMUNICATIONS = ("crm-launch", "go-live", "welcome", "training-reminder")


def kind_of(key: str) -> str:
    """The kind of a notification: its key up to the first colon."""
    return key.split(":", 1)[0]


def label_of(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def is_essential_communication(key: str, anchor: str) -> bool:
    """Launch news (anything dated from the go-live but the recognition programme), the
    welcome and training reminders are essential."""
    if key.startswith("recognition"):
        return False
    return anchor == "go_live" or key.startswith(ESSENTIAL_COMMUNICATIONS)


def is_communication_due(on: date | None, today: date) -> bool:
    """Sent from its day until LATE_LIMIT after it; never before, never later."""
    return on is not None and on <= today <= on + LATE_LIMIT


def hire_dates_due(offset_days: int, today: date) -> tuple[date, date]:
    """The hire dates (first, last) for which a message `offset_days` after hiring is due."""
    last = today - timedelta(days=offset_days)
    return last - LATE_LIMIT, last


def is_due_soon(due_on: date, today: date) -> bool:
    """From DUE_SOON before the due day up to and including the due day itself."""
    return due_on - DUE_SOON <= today <= due_on


def is_overdue(due_on: date, today: date) -> bool:
    """Overdue from the day after the due day."""
    return due_on < today


def week_start(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def last_complete_week(today: date) -> date:
    """The Monday of the last week that has ended: recognition goes out once it is over."""
    return week_start(today) - timedelta(days=7)


def should_email(*, wants_email: bool, essential: bool, muted: bool, active: bool) -> bool:
    """E-mail goes to active people for messages meant for e-mail, unless muted (only
    non-essential messages can be muted)."""
    return wants_email and active and (essential or not muted)


def is_safe_link(link: str | None) -> bool:
    """Links stay inside Uptake: a path, never another site (no open redirects)."""
    return link is None or (link.startswith("/") and not link.startswith("//"))


def communication_key(key: str) -> str:
    return f"{COMMUNICATION}:{key}"


def training_key(kind: str, enrollment_id: int) -> str:
    return f"{kind}:{enrollment_id}"


def coaching_key(learner_id: int, skill_id: int, step: int) -> str:
    return f"{COACHING_WAITING}:{learner_id}:{skill_id}:{step}"


def recognition_key(monday: date) -> str:
    return f"{RECOGNITION}:{monday.isoformat()}"


def training_keys(enrollment_id: int) -> tuple[str, str]:
    """The keys of an enrolment's "due soon" and "overdue" reminders."""
    return training_key(TRAINING_DUE, enrollment_id), training_key(TRAINING_OVERDUE, enrollment_id)


def badge_key(badge_key_: str) -> str:
    """A badge is awarded once per person (a revoked one is not earned again): so is its
    notification."""
    return f"{BADGE_EARNED}:{badge_key_}"


def level_key(level: int) -> str:
    return f"{LEVEL_REACHED}:{level}"


def onboarding_key(completion_id: int) -> str:
    """Once per completion: onboarding reopened and completed again is news again."""
    return f"{ONBOARDING_COMPLETE}:{completion_id}"


def report_onboarded_key(completion_id: int) -> str:
    return f"{REPORT_ONBOARDED}:{completion_id}"


def reward_key(grant_id: int) -> str:
    return f"{REWARD_GRANTED}:{grant_id}"
