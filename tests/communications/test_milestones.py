"""Notifications of what people achieved — a badge earned, a level reached, onboarding
complete (to the person and their manager), a reward granted — follow the domain events,
once each (a replay, a rebuild or a second sync adds none), a whole batch of badges in one
insert; and a "due soon" reminder is read once its course is done."""

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event, select

from lms import bulk_writes
from lms.communications import schedule
from lms.communications.milestones import notify_badges_earned
from lms.communications.models import MailDelivery, Notification
from lms.communications.services import set_muted
from lms.courses.enrolment import assign_course
from lms.database import db
from lms.gamification.incentives import rewards
from lms.gamification.points.engine import apply_to_linked
from lms.gamification.points.ledger import add_manual_entry
from lms.gamification.points.levels import record_level_ups
from lms.gamification.points.rebuild import rebuild
from lms.gamification.ruleset import current_ruleset
from tests.communications.conftest import keys_of
from tests.conftest import T0
from tests.gamification.badges import fixtures as badge_fixtures
from tests.gamification.badges.fixtures import finish_course, onboard, updates

people, lrs = badge_fixtures.people, badge_fixtures.lrs
MONDAY = T0 - timedelta(days=T0.weekday())


def notification(person, key: str) -> Notification | None:
    query = select(Notification).where(Notification.user_id == person.id, Notification.key == key)
    return db.session.scalar(query)


@contextmanager
def statements_run():
    """The SQL of every statement executed meanwhile; COPY too, which goes to the driver
    directly, past SQLAlchemy's events (lms.bulk_writes, PostgreSQL)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    real_copy = bulk_writes._copy_rows

    def copying(connection, table, columns, rows):
        seen.append(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN")
        return real_copy(connection, table, columns, rows)

    engine = db.engine.engine
    event.listen(engine, "before_cursor_execute", record)
    bulk_writes._copy_rows = copying
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
        bulk_writes._copy_rows = real_copy


# Badges --------------------------------------------------------------------------------------


def test_a_badge_earned_is_notified_to_the_person_once(people):
    finish_course(people.rep, "new-hire-orientation")
    notice = notification(people.rep, "badge_earned:first-steps")
    assert notice.kind == "badge_earned" and notice.title == "Badge earned: First steps"
    assert "Completed Welcome to the CRM" in notice.body and notice.link == "/badges/first-steps"
    assert not notice.essential and notice.is_unread
    apply_to_linked([people.rep], now=T0 + timedelta(days=1))  # every statement again
    assert rebuild(current_ruleset(), now=T0 + timedelta(days=2)) == []  # reads only
    assert keys_of(people.rep).count("badge_earned:first-steps") == 1


def test_a_second_sync_of_the_same_statements_notifies_nobody_again(people, lrs):
    batch = updates(people.rep, 25, MONDAY)
    lrs(batch)
    assert notification(people.rep, "badge_earned:busy-week") is not None
    lrs(batch)  # the same statements again
    lrs(updates(people.rep, 30, MONDAY + timedelta(weeks=1)))  # another busy week
    assert keys_of(people.rep).count("badge_earned:busy-week") == 1


def test_a_batch_awarding_several_badges_notifies_in_one_insert(people, lrs):
    """A CRM batch that makes three people's busy week: one INSERT of notifications, and
    one read of their mute settings, whatever the number of badges."""
    batch = [*updates(people.rep, 25, MONDAY), *updates(people.rep2, 25, MONDAY)]
    batch += updates(people.manager, 25, MONDAY)
    with statements_run() as seen:
        lrs(batch)
    for person in (people.rep, people.rep2, people.manager):
        assert notification(person, "badge_earned:busy-week") is not None
    inserts = [sql for sql in seen if sql.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS")]
    assert len(inserts) == 1
    touching = [sql for sql in seen if "notification" in sql.lower()]
    assert len(touching) == 2  # the muted among them, then the insert


def test_bulk_notifications_respect_muting_and_queue_e_mail(people, mail_config):
    set_muted(people.rep2, True, now=T0)
    with statements_run() as seen:
        onboard(people.manager, people.rep)
        onboard(people.manager, people.rep2)
    loud = notification(people.rep, "badge_earned:onboarded")
    quiet = notification(people.rep2, "badge_earned:onboarded")
    assert not loud.muted and loud.delivery.to_address == people.rep.email
    assert quiet.muted and quiet.delivery is None
    mail_inserts = [
        sql for sql in seen if sql.lstrip().upper().startswith(("INSERT INTO MAIL", "COPY MAIL"))
    ]
    assert mail_inserts  # queued in bulk, beside the notifications


def _of(person) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == person.id)))


def test_notifying_the_same_awards_twice_adds_nothing(people):
    from lms.gamification.badges.rules import BadgeSpec, Criterion
    from lms.gamification.models import BadgeAward

    spec = BadgeSpec("k", "K", "A badge.", "Criteria.", "#000000", "star", Criterion("champion"))
    award = BadgeAward(user_id=people.rep.id, badge_key="k", awarded_at=T0, evidence="Why")
    notify_badges_earned([(award, spec)], now=T0)
    notify_badges_earned([(award, spec), (award, spec)], now=T0 + timedelta(hours=1))
    assert keys_of(people.rep).count("badge_earned:k") == 1


# Levels --------------------------------------------------------------------------------------


def test_a_level_reached_is_notified_once_with_the_highest_new_level(people):
    levels = current_ruleset().levels
    add_manual_entry(people.rep, 350, "Great start", granted_by=people.hr, now=T0)
    record_level_ups({people.rep.id}, levels, T0)
    assert [k for k in keys_of(people.rep) if k.startswith("level")] == ["level_reached:3"]
    notice = notification(people.rep, "level_reached:3")
    assert notice.title == "Level 3 reached: Practitioner" and notice.link == "/me/points"
    later = T0 + timedelta(hours=1)
    record_level_ups({people.rep.id}, levels, later)  # nothing new reached
    add_manual_entry(people.rep, 300, "More", granted_by=people.hr, now=later)
    record_level_ups({people.rep.id}, levels, later)
    assert [k for k in keys_of(people.rep) if k.startswith("level")] == [
        "level_reached:3",
        "level_reached:4",
    ]


def test_hr_s_manual_points_notify_the_level_reached(client, login, people):
    login(people.hr)
    response = client.post(
        f"/people/{people.rep.id}/points", data={"points": 120, "reason": "Helped the team"}
    )
    assert response.status_code == 302
    assert notification(people.rep, "level_reached:2") is not None


# Onboarding ----------------------------------------------------------------------------------


def test_onboarding_complete_is_notified_to_the_person_and_their_manager(people):
    onboard(people.manager, people.rep)
    [own] = [n for n in _of(people.rep) if n.kind == "onboarding_complete"]
    [report] = [n for n in _of(people.manager) if n.kind == "report_onboarded"]
    assert own.title == "Your onboarding is complete" and own.link == "/"
    assert report.title == "Rita Rep has completed onboarding"
    assert report.link == f"/coaching/people/{people.rep.id}"
    assert own.key.split(":")[1] == report.key.split(":")[1]  # the same completion


# Rewards -------------------------------------------------------------------------------------


def test_a_reward_granted_is_notified_to_the_winner(people):
    week = date(2026, 9, 28)
    grant = rewards.grant_reward(
        "points-week", week, people.rep, prize="Coffee", note="Well done", by=people.hr, now=T0
    )
    notice = notification(people.rep, f"reward_granted:{grant.id}")
    assert notice.title == "Reward granted: Coffee"
    assert notice.body == (
        "You were granted Coffee for Points this week, the week of 28 Sep 2026. “Well done”"
    )
    assert not [n for n in _of(people.rep2) if n.kind == "reward_granted"]


# Training reminders --------------------------------------------------------------------------


def test_a_due_soon_reminder_is_read_once_the_course_is_done(people, course):
    due = T0.date() + timedelta(days=2)
    enrollment = assign_course(people.rep, course("lead-to-order"), now=T0, due_on=due)
    other = assign_course(people.rep2, course("lead-to-order"), now=T0, due_on=due)
    schedule.send_training_reminders(T0)
    reminder = notification(people.rep, f"training_due:{enrollment.id}")
    assert reminder.is_unread
    finish_course(people.rep, "lead-to-order", now=T0 + timedelta(hours=2))
    db.session.refresh(reminder)
    assert reminder.read_at == T0 + timedelta(hours=2)
    assert notification(people.rep2, f"training_due:{other.id}").is_unread  # theirs: not done


def test_an_overdue_reminder_is_read_once_the_course_is_done(people, course):
    due = T0.date() - timedelta(days=1)
    enrollment = assign_course(people.rep, course("lead-to-order"), now=T0, due_on=due)
    schedule.send_training_reminders(T0)
    finish_course(people.rep, "lead-to-order", now=T0 + timedelta(hours=1))
    reminder = notification(people.rep, f"training_overdue:{enrollment.id}")
    db.session.refresh(reminder)
    assert not reminder.is_unread
    assert db.session.query(MailDelivery).count() == 0  # mail is off in the tests
