"""Feedback pages: reporting with clear field errors, My feedback, the admins' inbox and
triage, and 404 for anyone else's report."""

from sqlalchemy import select

from lms.database import db
from lms.feedback.models import Feedback
from lms.feedback.services import submit_feedback
from tests.conftest import T0

GOOD = {"category": "problem", "area": "quotes", "description": "The quote PDF has no logo."}


def _report(person, text="Search misses accounts by city."):
    return submit_feedback(person, category="problem", area="search", description=text, now=T0)


def test_anyone_signed_in_reports_and_sees_it_on_my_feedback(client, login, make_user):
    person = make_user()
    login(person)
    assert client.get("/feedback/new").status_code == 200
    response = client.post("/feedback/new", data=GOOD)
    assert response.status_code == 302
    item = db.session.scalar(select(Feedback).where(Feedback.reporter_id == person.id))
    assert (item.category, item.area, item.status) == ("problem", "quotes", "new")
    page = client.get("/feedback").get_data(as_text=True)
    assert "The quote PDF has no logo." in page and "New" in page


def test_bad_input_names_each_field_and_saves_nothing(client, login, make_user):
    login(make_user())
    response = client.post(
        "/feedback/new", data={"category": "praise", "area": "", "description": "  "}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not a valid choice." in page
    assert "Choose the part of the CRM it is about." in page
    assert "Describe the problem or the suggestion." in page
    too_short = client.post("/feedback/new", data=GOOD | {"description": "Broken"})
    assert "at least 10 characters" in too_short.get_data(as_text=True)
    too_long = client.post("/feedback/new", data=GOOD | {"description": "x" * 4001})
    assert "Keep it under 4000 characters." in too_long.get_data(as_text=True)
    assert db.session.scalar(select(Feedback.id)) is None


def test_signing_in_is_required(client):
    assert client.get("/feedback/new").status_code == 302
    assert client.post("/feedback/new", data=GOOD).status_code == 302


def test_nobody_else_sees_a_report(client, login, make_user):
    item = _report(make_user())
    for roles in ((), ("hr",)):
        client.post("/logout")
        login(make_user(roles=roles))
        assert client.get(f"/feedback/{item.id}").status_code == 404
        answer = {"status": "done", "answer": "Mine now"}
        assert client.post(f"/feedback/{item.id}/triage", data=answer).status_code == 404
        assert "Search misses" not in client.get("/feedback").get_data(as_text=True)


def test_the_reporter_sees_the_answer_but_cannot_triage(client, login, make_user):
    reporter = make_user()
    item = _report(reporter)
    login(reporter)
    assert client.get(f"/feedback/{item.id}").status_code == 200
    answer = {"status": "done", "answer": "Fixed it myself"}
    assert client.post(f"/feedback/{item.id}/triage", data=answer).status_code == 403
    assert item.status == "new"


def test_only_admins_open_the_inbox(client, login, make_user):
    for roles in ((), ("hr",)):
        client.post("/logout")
        login(make_user(roles=roles))
        assert client.get("/feedback/inbox").status_code == 403


def test_admins_filter_and_triage_and_the_reporter_sees_it(client, login, make_user):
    reporter, admin = make_user(), make_user(roles=["admin"])
    item = _report(reporter)
    submit_feedback(
        reporter, category="suggestion", area="mobile", description="Dark mode, please.", now=T0
    )
    login(admin)
    problems = client.get("/feedback/inbox?category=problem").get_data(as_text=True)
    assert "Search misses" in problems and "Dark mode" not in problems
    response = client.post(
        f"/feedback/{item.id}/triage", data={"status": "planned", "answer": "Next release."}
    )
    assert response.status_code == 302
    client.post("/logout")
    login(reporter)
    mine = client.get("/feedback").get_data(as_text=True)
    assert "Planned" in mine and "Next release." in mine
    assert "Your feedback is now: Planned" in client.get("/notifications").get_data(as_text=True)


def test_triage_without_an_answer_names_the_field(client, login, make_user):
    item = _report(make_user())
    login(make_user(roles=["admin"]))
    response = client.post(f"/feedback/{item.id}/triage", data={"status": "wont_do", "answer": ""})
    assert response.status_code == 400
    assert "Write an answer" in response.get_data(as_text=True)
    bad = client.post(f"/feedback/{item.id}/triage", data={"status": "maybe", "answer": "x"})
    assert bad.status_code == 400 and "Not a valid choice." in bad.get_data(as_text=True)
    assert item.status == "new"
