"""Notifications are written in their recipient's language and time zone, whoever's request
(or none) makes them: the reminders `lms notify run` sends, and what follows a badge, a level,
onboarding or a reward."""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from lms.communications import schedule
from lms.communications.models import Notification
from lms.courses.enrolment import assign_course
from lms.database import db
from lms.gamification.incentives import rewards
from tests.conftest import T0
from tests.gamification.badges import fixtures as badge_fixtures
from tests.gamification.badges.fixtures import finish_course, onboard

people, lrs = badge_fixtures.people, badge_fixtures.lrs
DUE = date(2026, 11, 20)


def notices_of(person) -> dict[str, Notification]:
    query = select(Notification).where(Notification.user_id == person.id)
    return {notice.kind: notice for notice in db.session.scalars(query)}


def speaks(person, locale: str | None, zone: str | None = None):
    person.locale, person.time_zone = locale, zone
    db.session.flush()
    return person


def test_a_due_soon_reminder_is_in_each_recipients_language_with_their_dates(make_user, course):
    spanish, english = speaks(make_user(), "es"), speaks(make_user(), None)
    for person in (spanish, english):
        assign_course(person, course("lead-to-order"), now=datetime(2026, 11, 2), due_on=DUE)
    schedule.send_training_reminders(datetime(2026, 11, 18, 9))
    reminder = notices_of(spanish)["training_due"]
    assert reminder.title.startswith("Vence pronto: ")
    assert "vence el 20 nov 2026. Lleva unos" in reminder.body
    reminder = notices_of(english)["training_due"]
    assert reminder.title.startswith("Due soon: ")
    assert "is due on Nov 20, 2026. It takes about" in reminder.body


def test_an_overdue_reminder_in_spanish(make_user, course):
    person = speaks(make_user(), "es")
    assign_course(person, course("lead-to-order"), now=datetime(2026, 11, 2), due_on=DUE)
    schedule.send_training_reminders(datetime(2026, 11, 23, 9))
    reminder = notices_of(person)["training_overdue"]
    assert reminder.title.startswith("Vencido: ") and "vencía el 20 nov 2026" in reminder.body


def test_a_badge_earned_is_notified_in_the_earners_language(people):
    speaks(people.rep, "es")
    finish_course(people.rep, "new-hire-orientation")
    notice = notices_of(people.rep)["badge_earned"]
    assert notice.title == "Insignia obtenida: First steps"  # the badge's name is content's
    assert notice.body.startswith("Has obtenido la insignia First steps.")


def test_onboarding_complete_speaks_to_each_in_their_own_language(people):
    speaks(people.rep, "es")
    onboard(people.manager, people.rep)
    assert notices_of(people.rep)["onboarding_complete"].title == "Tu incorporación está completa"
    report = notices_of(people.manager)["report_onboarded"]
    assert report.title == "Rita Rep has completed onboarding"  # the manager chose no language


def test_a_reward_granted_is_notified_in_the_winners_language(people):
    speaks(people.rep, "es")
    grant = rewards.grant_reward(
        "points-week", date(2026, 9, 28), people.rep, prize="Café", note="", by=people.hr, now=T0
    )
    notice = notices_of(people.rep)["reward_granted"]
    assert notice.title == "Recompensa concedida: Café"
    assert notice.body.startswith("Se te ha concedido Café por ")
    assert notice.key == f"reward_granted:{grant.id}"


def test_the_weekly_recognition_is_written_once_per_language(people):
    speaks(people.rep, "es")
    week = T0.date() - timedelta(days=T0.weekday())
    rewards.grant_reward(
        "points-week",
        week - timedelta(days=7),
        people.rep2,
        prize="Lunch",
        note="",
        by=people.hr,
        now=T0,
    )
    schedule.send_weekly_recognition(T0 + timedelta(days=7))
    spanish, english = notices_of(people.rep)["recognition"], notices_of(people.hr)["recognition"]
    assert spanish.title.startswith("Reconocimientos de la semana del ")
    assert "Ganador de " in spanish.body and "(Lunch)" in spanish.body
    assert english.title.startswith("Recognition for the week of ")
    assert "Winner of " in english.body
