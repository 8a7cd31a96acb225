"""What is due to whom today: the communications in each role's curriculum, due-soon and
overdue training reminders, coaching steps waiting on managers, weekly recognition.

Each sender finds the people a message is due to and records it for each with `send`; the
unique (person, key) makes a second run (or a concurrent one) send nothing again. Each
returns how many notifications it recorded."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from lms.auth.models import Champion, Division, User
from lms.coaching import queries as coaching
from lms.coaching import rules as coaching_rules
from lms.communications import rules
from lms.communications.services import Notice, muted_user_ids, send
from lms.courses import rules as course_rules
from lms.courses.models import Communication, Enrollment
from lms.courses.rollout import get_go_live
from lms.database import db
from lms.gamification.incentives.rewards import board_words
from lms.gamification.models import BoardPreference, RewardGrant
from lms.localisation import day_text, recipient_locale, written_for

CHUNK = 500


def _chunks(items: list) -> list[list]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _active_people_of_role(job_role_id: int, hired_between=None) -> list[User]:
    stmt = select(User).where(User.job_role_id == job_role_id, User.active.is_(True))
    if hired_between:
        stmt = stmt.where(User.hire_date.between(*hired_between))
    return list(db.session.scalars(stmt.order_by(User.id)))


def _recipients(message: Communication, go_live, today) -> list[User]:
    """Active people of the message's role for whom it is due today."""
    if message.anchor == "go_live":
        on = course_rules.communication_date(None, go_live, "go_live", message.offset_days)
        if not rules.is_communication_due(on, today):
            return []
        return _active_people_of_role(message.job_role_id)
    between = rules.hire_dates_due(message.offset_days, today)
    return _active_people_of_role(message.job_role_id, between)


def send_communications(now: datetime) -> int:
    """Every communication of each role's curriculum, to each active person of the role, on
    its day (from their hire date or the go-live) and up to LATE_LIMIT after."""
    today, go_live, muted, count = now.date(), get_go_live(), muted_user_ids(), 0
    for message in db.session.scalars(select(Communication).order_by(Communication.id)):
        notice = Notice(
            key=rules.communication_key(message.key),
            title=message.title,
            body=message.summary,
            essential=rules.is_essential_communication(message.key, message.anchor),
            link="/",
            wants_email=message.channel == "email",
        )
        for person in _recipients(message, go_live, today):
            count += send(person, notice, now=now, muted=person.id in muted) is not None
    return count


def send_training_reminders(now: datetime) -> int:
    """For each live, unfinished, dated enrolment of an active person: "due soon" from
    DUE_SOON before its due day through the day itself, "overdue" from the day after.
    Once each per enrolment. Essential when the course is required."""
    today, muted, count = now.date(), muted_user_ids(), 0
    rows = db.session.execute(
        select(Enrollment, User)
        .join(User, User.id == Enrollment.user_id)
        .where(
            User.active.is_(True),
            Enrollment.withdrawn_at.is_(None),
            Enrollment.completed_at.is_(None),
            Enrollment.due_on.is_not(None),
            Enrollment.due_on <= today + rules.DUE_SOON,
        )
        .order_by(Enrollment.id)
    )
    for enrollment, person in rows:
        with written_for(person):
            notice = _training_notice(enrollment, today)
        if notice is not None:
            count += send(person, notice, now=now, muted=person.id in muted) is not None
    return count


def _training_notice(enrollment: Enrollment, today) -> Notice | None:
    """The reminder of a course due soon or overdue, in the words of `written_for`."""
    course, due = enrollment.course, enrollment.due_on
    words = {"course": course.title, "day": day_text(due), "minutes": course.minutes}
    if rules.is_overdue(due, today):
        kind, title = rules.TRAINING_OVERDUE, _("Overdue: %(course)s", **words)
        body = _("%(course)s was due on %(day)s. It takes about %(minutes)s minutes.", **words)
    elif rules.is_due_soon(due, today):
        kind, title = rules.TRAINING_DUE, _("Due soon: %(course)s", **words)
        body = _("%(course)s is due on %(day)s. It takes about %(minutes)s minutes.", **words)
    else:
        return None
    return Notice(
        key=rules.training_key(kind, enrollment.id),
        title=title,
        body=body,
        essential=enrollment.required,
        link=f"/courses/{course.slug}",
    )


def send_coaching_reminders(now: datetime) -> int:
    """To an active manager, once per report, skill and step: the report's next coaching
    step has waited longer than the role's coaching target."""
    manager = aliased(User)
    pairs = list(
        db.session.execute(
            select(User, manager)
            .join(manager, manager.id == User.manager_id)
            .where(User.active.is_(True), manager.active.is_(True))
            .order_by(User.id)
        )
    )
    muted, count = muted_user_ids(), 0
    for chunk in _chunks(pairs):
        for learner, boss, skill, step in _overdue_steps(chunk, now):
            notice = Notice(
                key=rules.coaching_key(learner.id, skill.id, step),
                title=f"{learner.name} is waiting for coaching in {skill.title}",
                body=(
                    f"Step {step} ({coaching_rules.step_label(step)}) of {skill.title} has waited "
                    f"longer than the coaching target for {learner.job_role.title}."
                ),
                essential=True,
                link=f"/coaching/people/{learner.id}",
            )
            count += send(boss, notice, now=now, muted=boss.id in muted) is not None
    return count


def _overdue_steps(pairs, now: datetime):
    """(learner, manager, skill, step) for each next step waiting past the target."""
    learners = [learner for learner, _ in pairs]
    ids, roles = [p.id for p in learners], {p.job_role_id for p in learners}
    skills, targets = coaching.required_skills(roles), coaching.coaching_targets(roles)
    live, trained = coaching.list_live_steps(ids), coaching.training_done_at(ids)
    for learner, boss in pairs:
        for skill in skills.get(learner.job_role_id, []):
            steps = live.get((learner.id, skill.id), [])
            following = coaching_rules.next_step({s.step for s in steps})
            previous = steps[-1].signed_at if steps else None
            since = coaching_rules.waiting_since(
                following, previous, trained.get((learner.id, skill.id))
            )
            if coaching_rules.is_overdue(since, now, targets.get(learner.job_role_id)):
                yield learner, boss, skill, following


def send_weekly_recognition(now: datetime) -> int:
    """Once the week is over, to every active person: the rewards HR granted that week
    (contest and leaderboard winners) and the CRM champions named that week. Nothing when
    there was neither. Not essential: it may be muted."""
    monday = rules.last_complete_week(now.date())
    start = datetime.combine(monday, datetime.min.time())
    end = start + timedelta(days=7)
    muted, count, notices = muted_user_ids(), 0, {}
    for person in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        language = recipient_locale(person)
        if language not in notices:
            with written_for(person):
                notices[language] = _recognition_notice(monday, start, end)
        if notices[language] is None:
            return 0  # nothing to recognise, in any language
        count += send(person, notices[language], now=now, muted=person.id in muted) is not None
    return count


def _recognition_notice(monday, start: datetime, end: datetime) -> Notice | None:
    """The week's recognition in the words of `written_for`; None when there is none."""
    lines = _winner_lines(start, end) + _champion_lines(start, end)
    if not lines:
        return None
    return Notice(
        key=rules.recognition_key(monday),
        title=_("Recognition for the week of %(day)s", day=day_text(monday)),
        body="\n".join(lines),
        essential=False,
    )


def _winner_lines(start: datetime, end: datetime) -> list[str]:
    """Winners are named only if they chose to show their name on boards; otherwise "a
    colleague in <division>", as on the leaderboards."""
    lines = []
    for grant, preference in db.session.execute(
        select(RewardGrant, BoardPreference)
        .outerjoin(BoardPreference, BoardPreference.user_id == RewardGrant.user_id)
        .where(RewardGrant.granted_at >= start, RewardGrant.granted_at < end)
        .order_by(RewardGrant.granted_at, RewardGrant.id)
    ):
        person = grant.user
        if preference and preference.show_name:
            who = person.name
        elif person.division:
            who = _("a colleague in %(division)s", division=person.division.name)
        else:
            who = _("a colleague")
        board = board_words(grant)  # "Points this week, South, the week of 5 Oct 2026"
        lines.append(
            _("Winner of %(board)s: %(who)s (%(prize)s)", board=board, who=who, prize=grant.prize)
        )
    return lines


def _champion_lines(start: datetime, end: datetime) -> list[str]:
    """Champions are named in public anyway (on every plan in their division)."""
    rows = db.session.execute(
        select(User.name, Division.name)
        .join(Champion, Champion.user_id == User.id)
        .join(Division, Division.id == Champion.division_id)
        .where(Champion.named_at >= start, Champion.named_at < end, User.active.is_(True))
        .order_by(Champion.named_at, User.name)
    )
    return [
        _("New CRM champion for %(division)s: %(name)s", division=division, name=name)
        for name, division in rows
    ]


SENDERS = (
    ("communications", send_communications),
    ("training reminders", send_training_reminders),
    ("coaching reminders", send_coaching_reminders),
    ("weekly recognition", send_weekly_recognition),
)
