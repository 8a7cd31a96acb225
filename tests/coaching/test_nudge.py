"""A manager reminds a report of their overdue courses: from the board or the person's page,
once a day, naming each course; only their manager or coach may, and only when something is
overdue."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.clock import today
from lms.coaching import rules, services
from lms.communications.models import Notification
from lms.courses.models import Course, Enrollment
from lms.database import db
from lms.errors import DomainError, NotAllowed
from tests.coaching.conftest import text
from tests.conftest import T0


def notifications_of(person) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == person.id)
    return list(db.session.scalars(query))


@pytest.fixture
def overdue_team(team):
    """Leo's first required course was due three days ago; the rest of Leo's and Pat's are
    due next month."""
    enrollments = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.user_id.in_([team.learner.id, team.peer.id]))
        .order_by(Enrollment.id)
    ).all()
    for enrollment in enrollments:
        enrollment.due_on = today() + timedelta(days=30)
    enrollment = next(e for e in enrollments if e.user_id == team.learner.id and e.required)
    enrollment.due_on = today() - timedelta(days=3)
    db.session.commit()
    team.overdue_title = db.session.get(Course, enrollment.course_id).title
    return team


def test_the_board_offers_a_reminder_and_the_report_gets_it(client, login, overdue_team):
    team = overdue_team
    login(team.manager)
    board = text(client.get("/coaching"))
    assert "1 overdue course" in board and f"Remind {team.learner.name}" in board
    done = client.post(f"/coaching/people/{team.learner.id}/nudge", data={"back": "board"})
    assert done.status_code == 302 and done.location.endswith("/coaching")
    [notice] = notifications_of(team.learner)
    assert notice.title == "A reminder from Mara Manager"
    assert team.overdue_title in notice.body and "3 days ago" in notice.body
    again = text(client.post(f"/coaching/people/{team.learner.id}/nudge", follow_redirects=True))
    assert "You reminded Leo Learner today already." in again
    assert len(notifications_of(team.learner)) == 1


def test_the_person_page_lists_what_is_overdue(client, login, overdue_team):
    login(overdue_team.manager)
    page = text(client.get(f"/coaching/people/{overdue_team.learner.id}"))
    assert "Overdue courses" in page and overdue_team.overdue_title in page
    assert "Overdue courses" not in text(client.get(f"/coaching/people/{overdue_team.peer.id}"))


def test_nothing_overdue_nothing_sent(client, login, overdue_team):
    login(overdue_team.manager)
    page = text(
        client.post(f"/coaching/people/{overdue_team.peer.id}/nudge", follow_redirects=True)
    )
    assert "Nothing of Pat Peer&#39;s is overdue" in page
    assert notifications_of(overdue_team.peer) == []


def test_only_their_manager_or_coach_reminds(client, login, overdue_team):
    team = overdue_team
    with pytest.raises(NotAllowed):
        services.nudge(team.hr, team.learner, now=T0.replace(year=today().year))
    login(team.other_manager)
    assert client.post(f"/coaching/people/{team.learner.id}/nudge").status_code == 404
    assert notifications_of(team.learner) == []


def test_the_words_name_each_course_most_overdue_first():
    title, body = rules.nudge_words(
        "Mara", [("Quotes", date(2026, 12, 4)), ("Leads", date(2026, 12, 1))], date(2026, 12, 5)
    )
    assert title == "A reminder from Mara"
    assert body.splitlines()[1:3] == [
        "Leads: due 01 Dec 2026, 4 days ago",
        "Quotes: due 04 Dec 2026, 1 day ago",
    ]


def test_a_reminder_needs_something_overdue(overdue_team):
    with pytest.raises(DomainError, match="nothing to remind"):
        services.nudge(overdue_team.manager, overdue_team.peer, now=T0.replace(year=today().year))
