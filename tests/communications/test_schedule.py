"""Each kind of message is sent when due, to the right people, exactly once (run twice)."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms.auth.services import get_or_create_division, name_champion
from lms.communications import schedule
from lms.communications.models import Notification
from lms.communications.services import set_muted
from lms.courses.enrolment import assign_course
from lms.database import db
from lms.gamification.models import BoardPreference, RewardGrant
from tests.coaching.conftest import skill
from tests.communications.conftest import keys_of

HIRED = date(2026, 11, 2)  # long enough after go-live that its news is no longer due
GO_LIVE = date(2026, 9, 7)  # content/rollout.yaml


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def run_twice(sender, now: datetime) -> tuple[int, int]:
    return sender(now), sender(now + timedelta(hours=1))


# The curriculum's communications --------------------------------------------------------------


def test_welcome_goes_on_the_hire_date_once(make_user):
    rep = make_user(hire_date=HIRED)
    assert run_twice(schedule.send_communications, at(HIRED)) == (1, 0)
    assert keys_of(rep) == ["communication:welcome"]


def test_nothing_goes_the_day_before(make_user):
    rep = make_user(hire_date=HIRED)
    schedule.send_communications(at(HIRED - timedelta(days=1)))
    assert keys_of(rep) == []


def test_each_message_on_its_own_day(make_user):
    rep = make_user(hire_date=HIRED)
    schedule.send_communications(at(HIRED))
    schedule.send_communications(at(HIRED + timedelta(days=1)))
    assert keys_of(rep) == ["communication:welcome"]
    schedule.send_communications(at(HIRED + timedelta(days=2)))  # meet-your-champion: day 2
    assert keys_of(rep) == ["communication:meet-your-champion", "communication:welcome"]


def test_messages_too_late_to_be_news_are_not_sent(make_user):
    rep = make_user(hire_date=HIRED)
    schedule.send_communications(at(HIRED + timedelta(days=15)))
    assert "communication:welcome" not in keys_of(rep)


def test_launch_news_goes_to_every_active_person_of_the_role(make_user):
    rep, later, gone = make_user(), make_user(hire_date=date(2027, 1, 4)), make_user(active=False)
    launch_day = GO_LIVE - timedelta(days=21)  # the sales rep's crm-launch
    assert run_twice(schedule.send_communications, at(launch_day)) == (2, 0)
    assert keys_of(rep) == keys_of(later) == ["communication:crm-launch"]
    assert keys_of(gone) == []
    launch = db.session.scalar(select(Notification).where(Notification.user_id == rep.id))
    assert launch.essential and launch.title.startswith("The CRM is coming")


def test_curriculum_messages_follow_the_persons_role(make_user):
    manager = make_user(job_role="sales_manager", hire_date=HIRED)
    schedule.send_communications(at(HIRED))
    assert keys_of(manager) == ["communication:welcome"]


# Training reminders ----------------------------------------------------------------------------


def _enrolled(make_user, course, due_on, **extra):
    person = make_user()
    enrollment = assign_course(person, course("lead-to-order"), now=at(HIRED), due_on=due_on)
    for name, value in extra.items():
        setattr(enrollment, name, value)
    return person, enrollment


def test_due_soon_starts_three_days_before_the_due_day(make_user, course):
    due = date(2026, 11, 20)
    person, enrollment = _enrolled(make_user, course, due)
    schedule.send_training_reminders(at(due - timedelta(days=4)))
    assert keys_of(person) == []
    assert run_twice(schedule.send_training_reminders, at(due - timedelta(days=3))) == (1, 0)
    assert keys_of(person) == [f"training_due:{enrollment.id}"]


def test_due_soon_on_the_due_day_itself_and_overdue_the_day_after(make_user, course):
    due = date(2026, 11, 20)
    person, enrollment = _enrolled(make_user, course, due)
    schedule.send_training_reminders(at(due))
    assert keys_of(person) == [f"training_due:{enrollment.id}"]
    assert run_twice(schedule.send_training_reminders, at(due + timedelta(days=1))) == (1, 0)
    assert keys_of(person) == [f"training_due:{enrollment.id}", f"training_overdue:{enrollment.id}"]
    schedule.send_training_reminders(at(due + timedelta(days=9)))
    assert len(keys_of(person)) == 2


def test_finished_or_withdrawn_training_is_not_chased(make_user, course):
    due = date(2026, 11, 20)
    done, _ = _enrolled(make_user, course, due, completed_at=at(HIRED))
    withdrawn, _ = _enrolled(make_user, course, due, withdrawn_at=at(HIRED))
    schedule.send_training_reminders(at(due + timedelta(days=1)))
    assert keys_of(done) == keys_of(withdrawn) == []


def test_reminders_of_required_training_are_essential(make_user, course):
    person, _ = _enrolled(make_user, course, date(2026, 11, 20))
    set_muted(person, True, now=at(HIRED))
    schedule.send_training_reminders(at(date(2026, 11, 21)))
    notice = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert notice.essential and not notice.muted


# Coaching steps waiting on managers ------------------------------------------------------------


def _trained_report(make_user, course, trained_on: date):
    manager = make_user(job_role="sales_manager")
    rep = make_user(manager=manager)
    enrollment = assign_course(rep, course("crm-handle-leads"), now=at(trained_on), due_on=None)
    enrollment.completed_at = at(trained_on)
    db.session.flush()
    return manager, rep


def test_a_step_waiting_past_the_target_reminds_the_manager_once(make_user, course):
    manager, rep = _trained_report(make_user, course, HIRED)  # sales reps: 14-day target
    schedule.send_coaching_reminders(at(HIRED + timedelta(days=14)))
    assert keys_of(manager) == []  # exactly at the target: not yet longer than it
    later = at(HIRED + timedelta(days=14), hour=10)
    assert run_twice(schedule.send_coaching_reminders, later) == (1, 0)
    handle_leads = skill("handle-leads")
    assert keys_of(manager) == [f"coaching_waiting:{rep.id}:{handle_leads.id}:1"]
    assert keys_of(rep) == []


def test_no_reminder_when_the_manager_is_gone(make_user, course):
    manager, _rep = _trained_report(make_user, course, HIRED)
    manager.active = False
    db.session.flush()
    assert schedule.send_coaching_reminders(at(HIRED + timedelta(days=30))) == 0


# Weekly recognition ----------------------------------------------------------------------------

MONDAY = date(2026, 10, 5)


def _grant(winner, hr, granted_on: date, prize="A team lunch"):
    grant = RewardGrant(
        board_key="contest:weekly-feature-champion",
        period_start=granted_on,
        user=winner,
        prize=prize,
        granted_by=hr,
        granted_at=at(granted_on),
    )
    db.session.add(grant)
    db.session.flush()


def test_recognition_of_the_week_goes_to_everyone_once_after_the_week(make_user):
    hr, winner, colleague = make_user(roles=["hr"]), make_user(), make_user()
    _grant(winner, hr, MONDAY + timedelta(days=2))
    assert schedule.send_weekly_recognition(at(MONDAY + timedelta(days=6))) == 0  # not over
    assert run_twice(schedule.send_weekly_recognition, at(MONDAY + timedelta(days=7))) == (3, 0)
    notice = db.session.scalar(select(Notification).where(Notification.user_id == colleague.id))
    assert notice.key == "recognition:2026-10-05" and not notice.essential
    assert "a colleague in North" in notice.body and winner.name not in notice.body


def test_recognition_names_winners_who_chose_to_be_named_and_new_champions(make_user):
    hr, winner, champion = make_user(roles=["hr"]), make_user(), make_user(name="Cara Champion")
    db.session.add(
        BoardPreference(
            user_id=winner.id, show_name=True, on_public_boards=True, updated_at=at(MONDAY)
        )
    )
    _grant(winner, hr, MONDAY)
    name_champion(get_or_create_division("North"), champion, now=at(MONDAY + timedelta(days=1)))
    schedule.send_weekly_recognition(at(MONDAY + timedelta(days=8)))
    notice = db.session.scalar(select(Notification).where(Notification.user_id == hr.id))
    assert winner.name in notice.body
    assert "New CRM champion for North: Cara Champion" in notice.body


def test_no_recognition_for_a_quiet_week(make_user):
    make_user()
    assert schedule.send_weekly_recognition(at(MONDAY + timedelta(days=7))) == 0


def test_muted_people_still_have_the_recognition_in_their_list_but_muted(make_user):
    hr, winner = make_user(roles=["hr"]), make_user()
    set_muted(hr, True, now=at(MONDAY))
    _grant(winner, hr, MONDAY)
    schedule.send_weekly_recognition(at(MONDAY + timedelta(days=7)))
    notice = db.session.scalar(select(Notification).where(Notification.user_id == hr.id))
    assert notice.muted
