"""The badge pages: every badge with its criteria, a badge's page, a person's badges (who
may see them), the baked download (holder, HR and admins), and revocation by HR with a
reason and a confirmation."""

import pytest

from lms.database import db
from lms.gamification.badges.awards import revoke_badge
from tests.conftest import T0
from tests.gamification.badges import fixtures as badge_fixtures
from tests.gamification.badges.fixtures import awards, finish_course

people = badge_fixtures.people


@pytest.fixture
def award(people):
    finish_course(people.rep, "new-hire-orientation")
    db.session.commit()
    return awards(people.rep, "first-steps")[0]


def test_the_badge_list_shows_every_badge_and_which_are_mine(people, award, client, login):
    login(people.rep)
    page = client.get("/badges").get_data(as_text=True)
    assert "Clean data" in page and "A weekly data-quality score of 90% or better" in page
    assert page.count("earned</span>") == 1
    assert "1 person holds it." in page


def test_a_badge_page_shows_criteria_holders_and_my_award(people, award, client, login):
    login(people.rep)
    page = client.get("/badges/first-steps").get_data(as_text=True)
    assert "Complete the New-hire orientation course." in page
    assert "1 person holds this badge." in page
    assert "Completed Welcome to the CRM at Northwind Components" in page
    assert f"/badges/awards/{award.uuid}/baked.png" in page
    assert "Download baked badge" in page


def test_an_unknown_badge_page_is_404(people, client, login):
    login(people.rep)
    assert client.get("/badges/no-such-badge").status_code == 404


def test_badge_pages_need_a_log_in(client):
    assert client.get("/badges").status_code == 302
    assert client.get("/badges/first-steps").status_code == 302


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("rep", 200),
        ("manager", 200),
        ("hr", 200),
        ("admin", 200),
        ("rep2", 404),
        ("stranger", 404),
        ("other", 404),
    ],
)
def test_who_sees_a_persons_badges(people, award, client, login, viewer, status):
    login(getattr(people, viewer))
    response = client.get(f"/people/{people.rep.id}/badges")
    assert response.status_code == status
    if status == 200:
        assert "First steps" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("viewer", "status"),
    [("rep", 200), ("hr", 200), ("admin", 200), ("manager", 403), ("rep2", 404), ("stranger", 404)],
)
def test_who_downloads_the_baked_badge(people, award, client, login, viewer, status):
    login(getattr(people, viewer))
    response = client.get(f"/badges/awards/{award.uuid}/baked.png")
    assert response.status_code == status
    if status == 200:
        assert response.headers["Content-Disposition"] == 'attachment; filename="first-steps.png"'
        assert "private" in response.headers["Cache-Control"]


def test_a_revoked_badge_cannot_be_downloaded(people, award, client, login):
    revoke_badge(award, "Earned by mistake.", revoked_by=people.hr, now=T0)
    db.session.commit()
    login(people.rep)
    response = client.get(f"/badges/awards/{award.uuid}/baked.png")
    assert response.status_code == 410
    assert "Earned by mistake." in response.get_data(as_text=True)


def test_hr_revokes_with_a_reason_and_a_confirmation(people, award, client, login):
    login(people.hr)
    url = f"/badges/awards/{award.uuid}/revoke"
    assert "Why is the badge revoked?" in client.get(url).get_data(as_text=True)
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 200 and "Say why the badge is revoked." in empty.get_data(True)
    confirm = client.post(url, data={"reason": "Shared account."})
    assert "Confirm revocation" in confirm.get_data(as_text=True)
    db.session.refresh(award)
    assert award.revoked_at is None  # not yet
    done = client.post(url, data={"reason": "Shared account.", "confirmed": "yes"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/people/{people.rep.id}/badges")
    db.session.refresh(award)
    assert award.revocation_reason == "Shared account." and award.revoked_by_id == people.hr.id
    assert client.post(url, data={"reason": "Again.", "confirmed": "yes"}).status_code == 200
    db.session.refresh(award)
    assert award.revocation_reason == "Shared account."  # revoked once


def test_the_person_sees_the_revocation_and_its_reason(people, award, client, login):
    revoke_badge(award, "Shared account.", revoked_by=people.admin, now=T0)
    db.session.commit()
    login(people.rep)
    page = client.get(f"/people/{people.rep.id}/badges").get_data(as_text=True)
    assert "revoked</span>" in page and "Shared account." in page
    assert "Download baked badge" not in page
    page = client.get("/badges/first-steps").get_data(as_text=True)
    assert "Shared account." in page and "0 people hold this badge." in page


@pytest.mark.parametrize(("viewer", "status"), [("rep", 403), ("manager", 403), ("stranger", 404)])
def test_only_hr_and_admins_revoke(people, award, client, login, viewer, status):
    login(getattr(people, viewer))
    url = f"/badges/awards/{award.uuid}/revoke"
    assert client.get(url).status_code == status
    assert client.post(url, data={"reason": "x", "confirmed": "yes"}).status_code == status
    db.session.refresh(award)
    assert award.revoked_at is None


def test_the_revocation_form_needs_its_csrf_token(people, award, app, client, login, monkeypatch):
    login(people.hr)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"/badges/awards/{award.uuid}/revoke"
    response = client.post(url, data={"reason": "Shared account.", "confirmed": "yes"})
    assert response.status_code == 400
    db.session.refresh(award)
    assert award.revoked_at is None


def test_the_service_refuses_people_who_are_not_hr(people, award):
    from lms.errors import FieldError, NotAllowed

    with pytest.raises(NotAllowed):
        revoke_badge(award, "Because.", revoked_by=people.manager, now=T0)
    with pytest.raises(FieldError):
        revoke_badge(award, " ", revoked_by=people.hr, now=T0)
    with pytest.raises(FieldError):
        revoke_badge(award, "x" * 2001, revoked_by=people.hr, now=T0)
