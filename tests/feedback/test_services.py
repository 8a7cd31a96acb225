"""Reporting and triage: the reporter is notified once per change, and sees the answer."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.communications.models import Notification
from lms.database import db
from lms.errors import NotAllowed
from lms.feedback.services import get_feedback_for, submit_feedback, triage
from tests.conftest import T0


def _report(person):
    return submit_feedback(
        person,
        category="suggestion",
        area="reports",
        description="A weekly pipeline export.",
        now=T0,
    )


def _notices(person) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == person.id)))


def test_a_report_starts_new(make_user):
    item = _report(make_user())
    assert (item.status, item.answer, item.revision) == ("new", "", 0)


def test_each_triage_change_notifies_the_reporter_once(make_user):
    reporter, admin = make_user(), make_user(roles=["admin"])
    item = _report(reporter)
    assert triage(admin, item, status="planned", answer="In the March release.", now=T0)
    assert not triage(admin, item, status="planned", answer="In the March release.", now=T0)
    assert triage(admin, item, status="done", answer="Released.", now=T0 + timedelta(days=30))
    notices = _notices(reporter)
    assert [n.key for n in notices] == [f"feedback:{item.id}:1", f"feedback:{item.id}:2"]
    assert notices[-1].title == "Your feedback is now: Done" and notices[-1].body == "Released."
    assert notices[-1].link == f"/feedback/{item.id}" and notices[-1].essential
    assert item.triaged_by_id == admin.id


def test_only_admins_triage(make_user):
    reporter = make_user()
    item = _report(reporter)
    for person in (reporter, make_user(roles=["hr"])):
        with pytest.raises(NotAllowed):
            triage(person, item, status="done", answer="Done.", now=T0)
    assert item.status == "new"


def test_who_may_see_a_report(make_user):
    reporter, admin, hr, other = (
        make_user(),
        make_user(roles=["admin"]),
        make_user(roles=["hr"]),
        make_user(),
    )
    item = _report(reporter)
    assert get_feedback_for(reporter, item.id) is item
    assert get_feedback_for(admin, item.id) is item
    assert get_feedback_for(hr, item.id) is None
    assert get_feedback_for(other, item.id) is None
    assert get_feedback_for(admin, 999999) is None
