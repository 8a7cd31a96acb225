"""Step 3 (practice) rests on the learner's practice in the training CRM: it is signed once
they have passed the skill's practice tasks, or by an admin overriding with a reason."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from lms.coaching import board, rules
from lms.coaching.services import sign_off_step
from lms.database import db
from lms.errors import FieldError
from lms.practice.models import PracticeTask
from lms.practice.services import open_task
from tests.coaching.conftest import T0, live_sign_offs, pass_practice, sign, skill
from tests.practice.conftest import task  # noqa: F401  (a practice task of handle-leads)

LATER = T0 + timedelta(days=5)


def test_step_3_waits_for_the_learner_s_practice(team):
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2))
    with pytest.raises(rules.PracticeNotPassed, match="“Qualify a new lead”"):
        sign_off_step(team.manager, team.learner, skill("handle-leads"), 3, now=LATER)
    pass_practice(team.learner, "handle-leads", now=LATER)
    sign_off_step(team.manager, team.learner, skill("handle-leads"), 3, now=LATER)
    assert [s.step for s in live_sign_offs(team.learner, "handle-leads")] == [1, 2, 3]


def test_one_task_passed_is_not_enough(team, task):  # noqa: F811
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2))
    open_task(team.learner, task, now=LATER).passed_at = LATER
    with pytest.raises(rules.PracticeNotPassed) as refused:
        sign_off_step(team.manager, team.learner, skill("handle-leads"), 3, now=LATER)
    assert "Enter Harbour Cement as a lead" not in str(refused.value)


def test_an_admin_may_override_missing_practice_with_a_reason(team, task):  # noqa: F811
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2))
    with pytest.raises(FieldError, match="override this with a written reason"):
        sign_off_step(team.admin, team.learner, skill("handle-leads"), 3, now=LATER)
    record = sign_off_step(
        team.admin,
        team.learner,
        skill("handle-leads"),
        3,
        override_reason="Practised on the live CRM with me watching",
        now=LATER,
    )
    assert record.override_reason == "Practised on the live CRM with me watching"


def test_a_skill_without_practice_tasks_is_signed_on_the_coach_s_word(team):
    retired = update(PracticeTask).where(PracticeTask.skill_id == skill("manage-opportunities").id)
    db.session.execute(retired.values(retired_at=T0))
    sign(team.manager, team.learner, "manage-opportunities", steps=(1, 2, 3), practised=False)
    assert len(live_sign_offs(team.learner, "manage-opportunities")) == 3


def test_the_board_shows_the_practice_and_is_not_ready_without_it(team, task):  # noqa: F811
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2))
    [row] = [
        r
        for r in board.get_board(team.manager, shown=None, now=LATER).rows
        if r.person == team.learner
    ]
    [cell] = [c for c in row.cells if c and c.skill.slug == "handle-leads"]
    assert cell.practice_pending and not cell.is_ready


def test_the_sign_off_page_says_what_practice_is_missing(team, task, client, login):  # noqa: F811
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2))
    db.session.commit()
    login(team.manager)
    page = client.get(f"/coaching/people/{team.learner.id}/skills/handle-leads/steps/3")
    html = page.get_data(as_text=True)
    assert "has not passed the practice for “Handle leads” yet" in html
    assert "Enter Harbour Cement as a lead: " in html and "not passed yet" in html
    pass_practice(team.learner, "handle-leads", now=LATER)
    db.session.commit()
    html = client.get(f"/coaching/people/{team.learner.id}/skills/handle-leads/steps/3").get_data(
        as_text=True
    )
    assert "has not passed the practice" not in html and "not passed yet" not in html
