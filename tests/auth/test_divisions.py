"""The divisions page: HR and admins see it; only admins name or remove CRM champions."""

from lms.auth.services import get_or_create_division
from lms.database import db


def test_learners_cannot_see_divisions(client, login, make_user):
    login(make_user())
    assert client.get("/divisions").status_code == 403


def test_hr_sees_divisions_but_cannot_name_champions(client, login, make_user):
    champion = make_user(division="Champions East")
    division = get_or_create_division("Champions East")
    login(make_user(roles=("hr",)))
    assert "Champions East" in client.get("/divisions").get_data(as_text=True)
    response = client.post(f"/divisions/{division.id}/champions", data={"email": champion.email})
    assert response.status_code == 403
    assert division.champions == []


def test_admin_names_and_removes_a_champion_shown_on_the_plan(client, login, make_user):
    champion = make_user(division="Champions West", name="Cara Champion")
    learner = make_user(division="Champions West")
    division = get_or_create_division("Champions West")
    login(make_user(roles=("admin",)))
    client.post(f"/divisions/{division.id}/champions", data={"email": champion.email})
    db.session.expire_all()
    assert [person.id for person in division.champions] == [champion.id]
    client.post("/logout")
    login(learner)
    assert "Cara Champion" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user(roles=("admin",)))
    client.post(f"/divisions/{division.id}/champions/{champion.id}/remove")
    db.session.expire_all()
    assert division.champions == []


def test_naming_an_unknown_person_is_refused(client, login, make_user):
    division = get_or_create_division("Champions North")
    db.session.flush()
    login(make_user(roles=("admin",)))
    page = client.post(
        f"/divisions/{division.id}/champions",
        data={"email": "nobody@example.com"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Nobody active in Uptake has that e-mail." in page
