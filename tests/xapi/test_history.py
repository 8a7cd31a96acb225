"""A person's activity history shows Uptake's and outside clients' statements about them."""

from lms.courses import progress
from lms.courses.enrolment import assign_course
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_statements
from tests.conftest import T0
from tests.courses.conftest import lessons_of


def crm_update(email: str) -> dict:
    return {
        "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
        "verb": {
            "id": "http://activitystrea.ms/schema/1.0/update",
            "display": {"en-US": "updated"},
        },
        "object": {
            "id": "https://crm.example.com/contacts/17",
            "definition": {"name": {"en-US": "Contact: Priya Shah"}},
        },
        "result": {"score": {"scaled": 0.85}},
    }


def test_history_lists_course_and_crm_activity_with_its_source(
    client, login, make_user, make_client, course
):
    learner = make_user()
    crm, _ = make_client(name="Northwind CRM")
    store_statements(
        [crm_update(learner.email)],
        authority=None,
        client_id=crm.id,
        now=T0,
        settings=lrs_settings(),
    )
    enrollment = assign_course(learner, course("lead-to-order"), now=T0, due_on=None)
    progress.complete_lesson(enrollment, lessons_of(enrollment.course, learner)[0], now=T0)
    login(learner)
    page = client.get(f"/people/{learner.id}/activity").get_data(as_text=True)
    assert "Updated the record “Contact: Priya Shah”" in page
    assert "Northwind CRM" in page and "85%" in page
    assert "Read the lesson “" in page and "Started the course “From lead to order" in page
    assert "experienced" not in page and "launched" not in page


def test_a_manager_sees_a_reports_history_but_not_a_strangers(client, login, make_user):
    manager = make_user(job_role="sales_manager")
    report, stranger = make_user(manager=manager), make_user()
    login(manager)
    assert client.get(f"/people/{report.id}/activity").status_code == 200
    assert client.get(f"/people/{stranger.id}/activity").status_code == 404


def test_a_learner_cannot_see_a_colleagues_history(client, login, make_user):
    colleague = make_user()
    login(make_user())
    assert client.get(f"/people/{colleague.id}/activity").status_code == 404
