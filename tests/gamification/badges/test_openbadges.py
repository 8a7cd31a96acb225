"""Open Badges 2.0: the baked PNG carries exactly one uncompressed `openbadges` iTXt chunk
holding the assertion, and the hosted Issuer, BadgeClass and Assertion answer at the
addresses the documents name, with the same assertion. Revoked and unknown answers."""

import hashlib
import io
import json
from datetime import datetime

from flask import url_for
from PIL import Image

from lms import create_app
from lms.courses.models import Setting
from lms.database import db
from lms.gamification.badges import openbadges as ob
from lms.gamification.badges.awards import revoke_badge
from lms.gamification.badges.images import ICONS, bake, drawn_badge, initials
from lms.gamification.badges.rules import ICONS as ICON_NAMES
from tests.conftest import T0, test_settings
from tests.gamification.badges import fixtures as badge_fixtures
from tests.gamification.badges.fixtures import awards, finish_course, openbadges_itxt, png_chunks

people, badge_content = badge_fixtures.people, badge_fixtures.badge_content
BASE = "http://lms.test"
ASSERTION_FIELDS = {"@context", "type", "id", "recipient", "badge", "verification", "issuedOn"}


def local(url: str) -> str:
    """A hosted address, as the test client asks for it."""
    assert url.startswith(BASE + "/"), url
    return url[len(BASE) :]


def earn_first_steps(person):
    finish_course(person, "new-hire-orientation")
    db.session.commit()
    return awards(person, "first-steps")[0]


def test_the_baked_badge_validates_against_the_hosted_documents(people, client, login):
    award = earn_first_steps(people.rep)
    login(people.rep)
    response = client.get(f"/badges/awards/{award.uuid}/baked.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    png = response.data

    [chunk] = openbadges_itxt(png)  # exactly one
    assert (chunk["compression_flag"], chunk["compression_method"]) == (0, 0)
    assert [kind for kind, _ in png_chunks(png)][-1] == b"IEND"
    baked = json.loads(chunk["text"])
    assert baked.keys() >= ASSERTION_FIELDS
    assert baked["@context"] == "https://w3id.org/openbadges/v2"
    assert baked["type"] == "Assertion"
    assert baked["verification"] == {"type": "hosted"}
    assert baked["issuedOn"] == "2026-10-05T09:00:00Z"
    recipient = baked["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    digest = hashlib.sha256((people.rep.email + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == "sha256$" + digest
    assert baked["evidence"]["narrative"] == "Completed Welcome to the CRM at Northwind Components"

    hosted = client.get(local(baked["id"]))
    assert hosted.status_code == 200
    assert hosted.mimetype == "application/ld+json"
    assert hosted.get_json() == baked  # hosted verification: the same assertion

    badge_class = client.get(local(baked["badge"])).get_json()
    assert badge_class["type"] == "BadgeClass" and badge_class["id"] == baked["badge"]
    assert badge_class["name"] == "First steps"
    assert badge_class["criteria"]["narrative"].startswith("Complete the New-hire")
    assert client.get(local(badge_class["image"])).mimetype == "image/png"

    issuer = client.get(local(badge_class["issuer"])).get_json()
    assert issuer["type"] == "Issuer" and issuer["id"] == badge_class["issuer"]
    assert issuer["name"] == db.session.get(Setting, "company").value
    assert issuer["url"] == BASE


def test_hosted_documents_need_no_log_in(people, client):
    award = earn_first_steps(people.rep)
    for path in (
        "/badges/issuer.json",
        "/badges/first-steps/class.json",
        f"/badges/assertions/{award.uuid}.json",
        "/badges/first-steps/image.png",
    ):
        assert client.get(path).status_code == 200, path


def test_a_revoked_assertion_answers_410_without_the_reason(people, client, login):
    """The public answer says only that it was revoked; HR still reads why."""
    award = earn_first_steps(people.rep)
    revoke_badge(award, "Earned by mistake.", revoked_by=people.hr, now=T0)
    db.session.commit()
    response = client.get(f"/badges/assertions/{award.uuid}.json")
    assert response.status_code == 410
    assert response.get_json() == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": f"{BASE}/badges/assertions/{award.uuid}.json",
        "revoked": True,
    }
    assert "Earned by mistake." not in response.get_data(as_text=True)
    login(people.hr)
    page = client.get(f"/people/{people.rep.id}/badges").get_data(as_text=True)
    assert "Earned by mistake." in page


def test_unknown_documents_answer_404_json(client):
    for path in ("/badges/assertions/no-such-award.json", "/badges/no-such-badge/class.json"):
        response = client.get(path)
        assert response.status_code == 404
        assert "error" in response.get_json()
    assert client.get("/badges/no-such-badge/image.png").status_code == 404


def test_the_addresses_made_are_the_routes_served(app):
    with app.test_request_context():
        assert url_for("gamification.issuer") == local(ob.issuer_url(BASE))
        assert url_for("gamification.badge_class", key="k") == local(ob.badge_class_url(BASE, "k"))
        assert url_for("gamification.badge_image", key="k") == local(ob.image_url(BASE, "k"))
        assert url_for("gamification.show_badge", key="k") == local(ob.badge_page_url(BASE, "k"))
        assert url_for("gamification.assertion", uuid="u") == local(ob.assertion_url(BASE, "u"))
        assert url_for("gamification.download_badge", uuid="u") == local(ob.baked_url(BASE, "u"))


def test_badge_images_are_cached_by_clients(people, client):
    first = client.get("/badges/first-steps/image.png")
    assert set(first.headers["Cache-Control"].split(", ")) == {"public", "max-age=3600"}
    again = client.get(
        "/badges/first-steps/image.png", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


# --- pure: no app -------------------------------------------------------------------------


def test_baking_twice_replaces_the_chunk():
    png = drawn_badge("k", "Key", "#2f7d6d", "star")
    twice = bake(bake(png, '{"first": 1}'), '{"second": 2}')
    [chunk] = openbadges_itxt(twice)
    assert json.loads(chunk["text"]) == {"second": 2}
    Image.open(io.BytesIO(twice)).verify()  # still a valid PNG


def test_every_icon_draws_a_square_png():
    assert set(ICONS) == set(ICON_NAMES)
    for icon in ICON_NAMES:
        image = Image.open(io.BytesIO(drawn_badge(f"k-{icon}", "Clean data", "#2e8b57", icon)))
        assert image.format == "PNG" and image.size == (256, 256)


def test_a_badge_is_drawn_once_per_process():
    assert drawn_badge("k", "Key", "#2f7d6d", "star") is drawn_badge("k", "Key", "#2f7d6d", "star")
    assert drawn_badge("k", "Key", "#2f7d6d", "star") != drawn_badge("k", "Key", "#2f7d6d", "bolt")


def test_initials():
    assert initials("Lead to order") == "LTO"
    assert initials("CRM champion") == "CC"


def test_recipient_identity_is_a_salted_sha256_of_the_lower_case_email():
    expected = "sha256$" + hashlib.sha256(b"ann@example.comdeadbeef").hexdigest()
    assert ob.hashed_identity("Ann@Example.com", "deadbeef") == expected


def test_issued_on_is_utc_with_a_z():
    assert ob.issued_on(datetime(2026, 10, 5, 9, 0, 0, 123456)) == "2026-10-05T09:00:00Z"


def test_the_issuer_email_is_given_only_when_known():
    assert "email" not in ob.issuer_profile(ob.Issuer("Northwind", BASE))
    assert ob.issuer_profile(ob.Issuer("Northwind", BASE, "hr@nw.example"))["email"] == (
        "hr@nw.example"
    )


def test_a_content_image_is_used_and_baked_afresh(people, client, login, badge_content):
    """A PNG content supplies (here one already baked elsewhere) replaces the drawn one; its
    old openbadges chunk is replaced, never kept beside the new one."""
    folder = badge_content(OWN_IMAGE)
    (folder / "gamification" / "own.png").write_bytes(
        bake(drawn_badge("x", "X", "#000000", "heart"), '{"old": true}')
    )
    finish_course(people.rep, "new-hire-orientation")
    db.session.commit()
    [award] = awards(people.rep, "own-image")
    login(people.rep)
    [chunk] = openbadges_itxt(client.get(f"/badges/awards/{award.uuid}/baked.png").data)
    assert json.loads(chunk["text"])["id"].endswith(f"/badges/assertions/{award.uuid}.json")


OWN_IMAGE = """
- key: own-image
  name: Own image
  description: A badge with its own picture.
  criteria: Complete the New-hire orientation course.
  colour: "#123456"
  icon: star
  image: own.png
  courses_completed: [new-hire-orientation]
"""


def issuer_email(client) -> str | None:
    return client.get("/badges/issuer.json").get_json().get("email")


def test_the_issuer_email_is_the_setting_when_set(app, client, make_user, monkeypatch):
    make_user(roles={"admin"})
    monkeypatch.setitem(app.config, "BADGE_ISSUER_EMAIL", "badges@northwind.example")
    assert issuer_email(client) == "badges@northwind.example"


def test_the_issuer_email_falls_back_to_the_first_active_admin(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "BADGE_ISSUER_EMAIL", None)
    make_user(roles={"admin"}, active=False)
    make_user(roles={"hr"})
    first = make_user(roles={"admin"})
    make_user(roles={"admin"})
    db.session.commit()
    assert issuer_email(client) == first.email


def test_with_neither_the_issuer_has_no_email_and_the_log_says_so(app, client, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "BADGE_ISSUER_EMAIL", None)
    assert issuer_email(client) is None
    assert "set BADGE_ISSUER_EMAIL, or make someone an admin" in caplog.text


def test_start_up_warns_when_badge_issuer_email_is_not_set(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    create_app(test_settings(url) | {"BADGE_ISSUER_EMAIL": "badges@northwind.example"})
    assert "BADGE_ISSUER_EMAIL" not in caplog.text
    create_app(test_settings(url) | {"BADGE_ISSUER_EMAIL": None})
    assert "BADGE_ISSUER_EMAIL is not set" in caplog.text
