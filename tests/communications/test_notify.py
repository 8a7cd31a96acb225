"""`notify`: one notification per person and key, e-mail queued when configured, muting."""

import pytest

from lms.communications.models import MailDelivery
from lms.communications.services import (
    count_unread,
    get_own_notification,
    mark_all_read,
    mark_read,
    notify,
    set_muted,
)
from lms.database import db
from tests.communications.conftest import keys_of
from tests.conftest import T0


def test_a_second_notify_with_the_same_key_does_nothing(make_user):
    person = make_user()
    first = notify(person, key="adoption:nudge:1", title="Hello", body="Text", now=T0)
    again = notify(person, key="adoption:nudge:1", title="Hello", body="Text", now=T0)
    assert first is not None and first.kind == "adoption" and again is None
    assert keys_of(person) == ["adoption:nudge:1"]


def test_the_same_key_reaches_each_person_once(make_user):
    one, two = make_user(), make_user()
    assert notify(one, key="k", title="t", body="b", now=T0)
    assert notify(two, key="k", title="t", body="b", now=T0)


def test_no_email_is_queued_when_mail_is_not_configured(make_user):
    notification = notify(make_user(), key="k", title="t", body="b", now=T0, essential=True)
    assert notification.delivery is None


def test_email_is_queued_when_mail_is_configured(make_user, mail_config):
    person = make_user()
    notification = notify(person, key="k", title="t", body="b", now=T0)
    assert notification.delivery.status == "pending"
    assert notification.delivery.to_address == person.email


def test_muting_stops_email_of_non_essential_messages_only(make_user, mail_config):
    person = make_user()
    set_muted(person, True, now=T0)
    quiet = notify(person, key="recognition:x", title="t", body="b", now=T0)
    loud = notify(person, key="training_due:1", title="t", body="b", now=T0, essential=True)
    assert quiet.muted and quiet.delivery is None
    assert not loud.muted and loud.delivery is not None
    assert count_unread(person) == 1  # the muted one is kept, not counted


def test_deactivated_people_get_no_email(make_user, mail_config):
    notification = notify(make_user(active=False), key="k", title="t", body="b", now=T0)
    assert notification is not None and notification.delivery is None
    assert db.session.query(MailDelivery).count() == 0


def test_links_must_stay_inside_uptake(make_user):
    with pytest.raises(ValueError):
        notify(make_user(), key="k", title="t", body="b", now=T0, link="https://evil.example")


def test_reading_notifications(make_user):
    person, other = make_user(), make_user()
    first = notify(person, key="a", title="t", body="b", now=T0)
    notify(person, key="b", title="t", body="b", now=T0)
    assert get_own_notification(other, first.id) is None
    mark_read(first, now=T0)
    assert count_unread(person) == 1
    assert mark_all_read(person, now=T0) == 1
    assert count_unread(person) == 0
