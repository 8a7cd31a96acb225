"""The practice pages: only a learner on the course sees a task; starting it, checking the
work (what is missing, hints after two failed checks, the pass), and the course page and My
plan listing the tasks with where the learner stands."""

from datetime import timedelta

from lms.clock import utcnow
from lms.database import db
from tests.practice.conftest import lead_created, training_crm

URL = "/courses/crm-handle-leads/practice/qualify-harbour-cement-test"


def use_training_crm(monkeypatch, *events):
    crm = training_crm(*events)
    monkeypatch.setattr("lms.crm.training.connector_for", lambda connection: crm)
    return crm


def test_only_a_learner_on_the_course_sees_the_task(task, make_user, client, login):
    login(make_user(job_role="hr_partner"))  # not on the course
    assert client.get(URL).status_code == 404
    assert client.post(URL + "/start").status_code == 404


def test_a_retired_task_is_gone(task, learner, client, login):
    task.retired_at = utcnow()
    db.session.commit()
    login(learner)
    assert client.get(URL).status_code == 404


def test_start_check_fail_twice_see_hints_then_pass(
    task, training, learner, client, login, monkeypatch
):
    db.session.commit()
    login(learner)
    page = client.get(URL).get_data(as_text=True)
    assert "Create the lead." in page and "Start the task" in page
    client.post(URL + "/start")
    later = utcnow() + timedelta(seconds=5)
    crm = use_training_crm(monkeypatch, lead_created("u1", at=later, amount=""))
    for _ in range(2):
        response = client.post(URL + "/check", follow_redirects=True)
        html = response.get_data(as_text=True)
        assert "Not yet: the lead has no budget (Opportunity amount)." in html
    assert "Open Leads, then New." in html  # the hints, after two failed checks
    crm.events["lead"].append(lead_created("u1", at=later + timedelta(seconds=1), record="L2"))
    html = client.post(URL + "/check", follow_redirects=True).get_data(as_text=True)
    assert "Passed: Harbour Cement meets every check." in html
    assert "Open Leads, then New." not in html  # hints go once it is passed
    course = client.get("/courses/crm-handle-leads").get_data(as_text=True)
    assert "Enter Harbour Cement as a lead" in course and "passed" in course
    plan = client.get("/").get_data(as_text=True)
    assert 'id="practice"' in plan and "Enter Harbour Cement as a lead" in plan


def test_without_a_training_crm_the_page_says_so(task, learner, client, login):
    db.session.commit()
    login(learner)
    client.post(URL + "/start")
    html = client.post(URL + "/check", follow_redirects=True).get_data(as_text=True)
    assert "No training CRM is connected yet, so your work cannot be checked." in html
