"""The page listing the people a CRM champion supports: the active people of the divisions
they champion, seen by the champion, HR and admins; 404 for anyone else. Plus what
champions get elsewhere: the line on every plan in their division and their badge."""

from lms.auth.services import get_or_create_division, name_champion
from tests.conftest import T0


def _champion_of_north(make_user):
    champion = make_user(name="Cara Champion", division="North")
    name_champion(get_or_create_division("North"), champion, now=T0)
    return champion


def test_the_champion_sees_the_active_people_of_their_division(client, login, make_user):
    champion = _champion_of_north(make_user)
    colleague = make_user(name="Nora North", division="North")
    make_user(name="Gone Person", division="North", active=False)
    make_user(name="Sam South", division="South")
    login(champion)
    page = client.get("/me/people-i-support").get_data(as_text=True)
    assert "People you support" in page and colleague.name in page
    assert "Gone Person" not in page and "Sam South" not in page
    assert client.get(f"/champions/{champion.id}").status_code == 200


def test_a_champion_of_two_divisions_sees_both(client, login, make_user):
    champion = _champion_of_north(make_user)
    name_champion(get_or_create_division("South"), champion, now=T0)
    make_user(name="Sam South", division="South")
    login(champion)
    page = client.get(f"/champions/{champion.id}").get_data(as_text=True)
    assert "Sam South" in page and "North" in page


def test_hr_and_admins_see_whom_a_champion_supports(client, login, make_user):
    champion = _champion_of_north(make_user)
    make_user(name="Nora North", division="North")
    for roles in (("hr",), ("admin",)):
        client.post("/logout")
        login(make_user(roles=roles, division="South"))
        page = client.get(f"/champions/{champion.id}")
        assert page.status_code == 200 and "Nora North" in page.get_data(as_text=True)


def test_anyone_else_gets_404(client, login, make_user):
    champion = _champion_of_north(make_user)
    colleague = make_user(division="North")
    login(colleague)
    assert client.get(f"/champions/{champion.id}").status_code == 404
    assert client.get(f"/champions/{colleague.id}").status_code == 404  # not a champion
    assert client.get("/me/people-i-support").status_code == 404
    assert client.get("/champions/999999").status_code == 404


def test_hr_gets_404_for_someone_who_is_no_champion(client, login, make_user):
    person = make_user()
    login(make_user(roles=["hr"]))
    assert client.get(f"/champions/{person.id}").status_code == 404


def test_the_navigation_offers_the_page_to_champions_only(client, login, make_user):
    champion = _champion_of_north(make_user)
    login(champion)
    assert "People you support" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user(division="North"))
    assert "People you support" not in client.get("/").get_data(as_text=True)


def test_plans_show_the_champion_and_the_champion_gets_the_badge(client, login, make_user):
    champion = _champion_of_north(make_user)
    colleague = make_user(division="North")
    login(colleague)
    plan = client.get("/").get_data(as_text=True)
    assert "Cara Champion" in plan and f"/champions/{champion.id}" not in plan
    client.post("/logout")
    login(champion)
    own = client.get("/").get_data(as_text=True)
    assert f'href="/champions/{champion.id}"' in own  # their own name links to the page
    assert "CRM champion" in own and "/badges/crm-champion" in own
