"""Who may open which people page: status codes for every role, and the admin flows."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.auth import throttle
from lms.auth.models import LoginThrottle, User
from lms.clock import utcnow
from lms.database import db

ADMIN_GETS = ["/people/new", "/people/import", "/people/{id}/edit"]
ADMIN_POSTS = ["/people/{id}/deactivate", "/people/{id}/reactivate", "/people/{id}/password-link"]


@pytest.fixture
def org(make_user):
    """boss manages lead, lead manages rep; peer also reports to boss; stranger is in another
    team, under other_boss."""
    boss = make_user(name="Boss", job_role="sales_manager")
    lead = make_user(name="Lead", manager=boss, job_role="sales_manager")
    rep = make_user(name="Rep", manager=lead)
    peer = make_user(name="Peer", manager=boss)
    other_boss = make_user(name="Other Boss", job_role="service_manager")
    stranger = make_user(name="Stranger", manager=other_boss, job_role="customer_service_rep")
    db.session.commit()  # to the test's savepoint, so a view's rollback keeps them
    return SimpleNamespace(boss=boss, lead=lead, rep=rep, peer=peer, stranger=stranger)


@pytest.fixture
def hr(make_user, login):
    hr = make_user(name="Hilda HR", roles={"hr"})
    login(hr)
    return hr


def status(client, path, method="GET", **data):
    return client.open(path, method=method, data=data).status_code


def page(client, path, method="GET", **data) -> str:
    return client.open(path, method=method, data=data, follow_redirects=True).get_data(as_text=True)


# Anonymous ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/people"), ("GET", "/people/{id}"), ("GET", "/account")]
    + [("GET", path) for path in ADMIN_GETS]
    + [("POST", path) for path in ADMIN_POSTS]
    + [("POST", "/people/import"), ("POST", "/logout")],
)
def test_anonymous_visitors_are_sent_to_log_in(client, org, method, path):
    response = client.open(path.format(id=org.rep.id), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Learners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/people"), ("POST", "/people/new"), ("POST", "/people/import")]
    + [("GET", path) for path in ADMIN_GETS]
    + [("POST", path) for path in ADMIN_POSTS],
)
def test_learners_may_not_use_the_directory_or_admin_pages(client, login, org, method, path):
    login(org.rep)
    assert status(client, path.format(id=org.peer.id), method) == 403


def test_a_learner_sees_their_own_page(client, login, org):
    login(org.rep)
    assert status(client, f"/people/{org.rep.id}") == 200


def test_a_learner_is_told_another_persons_page_does_not_exist(client, login, org):
    login(org.rep)
    assert status(client, f"/people/{org.peer.id}") == 404


def test_a_missing_person_is_a_404(client, login, org):
    login(org.rep)
    assert status(client, "/people/999999") == 404


def test_a_deactivation_attempt_by_a_learner_changes_nothing(client, login, org):
    login(org.rep)
    client.post(f"/people/{org.peer.id}/deactivate")
    assert db.session.get(User, org.peer.id).active


# Managers ----------------------------------------------------------------------------------


def test_a_manager_sees_a_direct_report(client, login, org):
    login(org.lead)
    assert status(client, f"/people/{org.rep.id}") == 200


def test_a_manager_sees_their_reports_reports(client, login, org):
    login(org.boss)
    assert status(client, f"/people/{org.rep.id}") == 200


def test_a_managers_page_lists_everyone_below_them(client, login, org):
    login(org.boss)
    text = page(client, f"/people/{org.boss.id}")
    assert all(name in text for name in ("Lead", "Rep", "Peer"))


def test_a_manager_cannot_see_another_teams_member(client, login, org):
    login(org.boss)
    assert status(client, f"/people/{org.stranger.id}") == 404


def test_a_manager_cannot_see_their_own_manager(client, login, org):
    login(org.lead)
    assert status(client, f"/people/{org.boss.id}") == 404


def test_a_manager_cannot_see_a_peer_of_theirs(client, login, org):
    login(org.lead)
    assert status(client, f"/people/{org.peer.id}") == 404


def test_being_a_manager_does_not_open_the_directory(client, login, org):
    login(org.boss)
    assert status(client, "/people") == 403


# HR ----------------------------------------------------------------------------------------


def test_hr_may_list_people(client, hr, org):
    assert status(client, "/people") == 200


def test_hr_may_see_anyone(client, hr, org):
    assert status(client, f"/people/{org.stranger.id}") == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", path) for path in ADMIN_GETS]
    + [("POST", path) for path in ADMIN_POSTS]
    + [("POST", "/people/new"), ("POST", "/people/{id}/edit")],
)
def test_hr_may_not_create_edit_import_or_deactivate(client, hr, org, method, path):
    assert status(client, path.format(id=org.rep.id), method) == 403


def test_the_directory_offers_hr_no_admin_buttons(client, hr, org):
    assert "Add a person" not in page(client, "/people")


# Admins ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/people", "/people/{id}", "/people/{id}/edit", "/people/new", "/people/import"]
)
def test_admins_may_open_every_people_page(client, admin, org, path):
    assert status(client, path.format(id=org.stranger.id)) == 200


def test_the_directory_finds_people_by_name(client, admin, org):
    text = page(client, "/people?q=strang")
    assert "Stranger" in text
    assert "Peer" not in text


def test_an_admin_gets_a_password_link_for_a_person(client, admin, org):
    assert "http://lms.test/password/" in page(
        client, f"/people/{org.rep.id}/password-link", "POST"
    )


def test_deactivating_a_person_stops_them_logging_in(client, admin, org):
    response = client.post(f"/people/{org.rep.id}/deactivate")
    assert response.headers["Location"] == f"/people/{org.rep.id}"
    assert not db.session.get(User, org.rep.id).active


def test_deactivating_says_so_on_the_persons_page(client, admin, org):
    text = page(client, f"/people/{org.rep.id}/deactivate", "POST")
    assert "is deactivated and can no longer log in." in text
    assert "Reactivate" in text


def test_reactivating_a_person_lets_them_in_again(client, admin, org):
    client.post(f"/people/{org.rep.id}/deactivate")
    client.post(f"/people/{org.rep.id}/reactivate")
    assert db.session.get(User, org.rep.id).active


def test_reactivating_clears_a_lock(client, admin, org):
    org.rep.active = False
    throttle.record_failure(org.rep.email, "203.0.113.9", now=utcnow())
    db.session.commit()
    client.post(f"/people/{org.rep.id}/reactivate")
    keys = db.session.scalars(db.select(LoginThrottle.key)).all()
    assert keys == ["address:203.0.113.9"]  # the e-mail's counts are gone; the address's stay


def test_an_admin_cannot_deactivate_themselves(client, admin):
    text = page(client, f"/people/{admin.id}/deactivate", "POST")
    assert "You cannot deactivate yourself." in text
    assert db.session.get(User, admin.id).active


# Adding and editing people -----------------------------------------------------------------


def person_form(**changes) -> dict:
    return {
        "email": "new.hire@example.com",
        "name": "New Hire",
        "job_role": "sales_rep",
        "division": "North",
        "manager_email": "",
        "hire_date": "2026-10-01",
    } | changes


def by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_an_admin_adds_a_person(client, admin, org):
    response = client.post("/people/new", data=person_form(manager_email=org.lead.email, is_hr="y"))
    hire = by_email("new.hire@example.com")
    assert response.headers["Location"] == f"/people/{hire.id}"
    assert (hire.manager, hire.roles) == (org.lead, {"learner", "hr"})


def test_adding_a_person_with_an_email_in_use_shows_the_error_on_email(client, admin, org):
    response = client.post("/people/new", data=person_form(email=org.rep.email.upper()))
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="email-error">{org.rep.email} is already in use.' in text


def test_adding_a_person_under_an_unknown_manager_shows_the_error_on_manager(client, admin):
    response = client.post("/people/new", data=person_form(manager_email="ghost@example.com"))
    assert 'id="manager_email-error">Nobody in Uptake has this e-mail.' in response.get_data(
        as_text=True
    )
    assert by_email("new.hire@example.com") is None


def edit_form(person: User, **changes) -> dict:
    return (
        person_form(
            email=person.email,
            name=person.name,
            job_role=person.job_role.slug,
            manager_email=person.manager.email if person.manager else "",
        )
        | changes
    )


def test_an_admin_edits_a_person(client, admin, org):
    response = client.post(
        f"/people/{org.rep.id}/edit", data=edit_form(org.rep, name="Rep Renamed")
    )
    assert response.headers["Location"] == f"/people/{org.rep.id}"
    assert db.session.get(User, org.rep.id).name == "Rep Renamed"


def test_an_edit_that_makes_a_reporting_loop_shows_the_error_on_manager(client, admin, org):
    response = client.post(
        f"/people/{org.boss.id}/edit", data=edit_form(org.boss, manager_email=org.rep.email)
    )
    assert 'id="manager_email-error">That would make a reporting loop.' in response.get_data(
        as_text=True
    )
    assert db.session.get(User, org.boss.id).manager is None


def test_a_person_cannot_be_made_their_own_manager(client, admin, org):
    response = client.post(
        f"/people/{org.rep.id}/edit", data=edit_form(org.rep, manager_email=org.rep.email)
    )
    assert 'id="manager_email-error">That would make a reporting loop.' in response.get_data(
        as_text=True
    )


def test_the_edit_form_shows_the_persons_current_details(client, admin, org):
    text = page(client, f"/people/{org.rep.id}/edit")
    assert f'value="{org.lead.email}"' in text
    assert '<option selected value="sales_rep">' in text


def test_editing_a_missing_person_is_a_404(client, admin):
    assert status(client, "/people/999999/edit") == 404
