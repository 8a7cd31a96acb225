"""The notifications page (own only), mark read, mute, and the admins' record of what was
sent, with its filters and permissions."""

from datetime import datetime

from lms.communications.models import Notification, NotificationPreference
from lms.communications.services import notify
from lms.database import db
from tests.conftest import T0


def test_people_see_their_own_notifications_and_the_unread_count(client, login, make_user):
    person, other = make_user(), make_user()
    notify(person, key="a", title="Mine to read", body="b", now=T0)
    notify(other, key="a", title="Someone else's", body="b", now=T0)
    login(person)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mine to read" in page and "Someone else" not in page
    assert "Notifications (1)" in page


def test_marking_read_and_opening(client, login, make_user):
    person = make_user()
    first = notify(person, key="a", title="t", body="b", now=T0, link="/courses")
    notify(person, key="b", title="t", body="b", now=T0)
    login(person)
    response = client.post(f"/notifications/{first.id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    assert db.session.get(Notification, first.id).read_at is not None
    client.post("/notifications/read-all")
    assert "Notifications (" not in client.get("/notifications").get_data(as_text=True)


def test_nobody_marks_another_persons_notification(client, login, make_user):
    person, other = make_user(), make_user()
    theirs = notify(other, key="a", title="t", body="b", now=T0)
    login(person)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_muting_from_the_page(client, login, make_user):
    person = make_user()
    login(person)
    client.post("/notifications/settings", data={"mute_non_essential": "y"})
    assert db.session.get(NotificationPreference, person.id).mute_non_essential
    client.post("/notifications/settings", data={})
    assert not db.session.get(NotificationPreference, person.id).mute_non_essential


def test_signing_in_is_required(client):
    assert client.get("/notifications").status_code == 302


def test_only_admins_see_the_record_of_what_was_sent(client, login, make_user):
    for roles in ((), ("hr",)):
        client.post("/logout")
        login(make_user(roles=roles))
        assert client.get("/notifications/sent").status_code == 403


def test_the_record_filters_by_person_kind_and_day(client, login, make_user):
    ada, bob = make_user(name="Ada Byron"), make_user(name="Bob Smith")
    notify(ada, key="training_due:1", title="Ada reminder", body="b", now=T0)
    notify(bob, key="recognition:x", title="Bob recognition", body="b", now=datetime(2026, 11, 2))
    login(make_user(roles=["admin"]))
    everything = client.get("/notifications/sent").get_data(as_text=True)
    assert "Ada reminder" in everything and "Bob recognition" in everything
    by_person = client.get("/notifications/sent?q=byron").get_data(as_text=True)
    assert "Ada reminder" in by_person and "Bob recognition" not in by_person
    by_kind = client.get("/notifications/sent?kind=recognition").get_data(as_text=True)
    assert "Bob recognition" in by_kind and "Ada reminder" not in by_kind
    by_day = client.get("/notifications/sent?since=2026-11-01&until=2026-11-02")
    assert "Ada reminder" not in by_day.get_data(as_text=True)


def test_bad_filters_name_the_field_and_filter_nothing(client, login, make_user):
    notify(make_user(), key="k", title="Still listed", body="b", now=T0)
    login(make_user(roles=["admin"]))
    page = client.get("/notifications/sent?since=yesterday&kind=nonsense").get_data(as_text=True)
    assert "is not a date written YYYY-MM-DD" in page and "Not a valid choice." in page
    assert "Still listed" in page
    backwards = client.get("/notifications/sent?since=2026-11-02&until=2026-11-01")
    assert "The last day comes after the first." in backwards.get_data(as_text=True)
