"""Every coaching path is enforced on the server: status codes, forged posts, the board."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.clock import utcnow
from lms.coaching import services
from lms.coaching.models import CoachDelegation
from lms.database import db
from tests.coaching.conftest import (
    SALES_SKILLS,
    complete_required_courses,
    completions,
    finish_course,
    live_sign_offs,
    make_proficient,
    sign,
    text,
)
from tests.conftest import T0


def sign_url(person, step, slug="handle-leads"):
    return f"/coaching/people/{person.id}/skills/{slug}/steps/{step}"


def post_sign(client, person, step, slug="handle-leads", **data):
    data = {"confirmed": "yes", "how": "one_to_one" if step == 1 else ""} | data
    return client.post(sign_url(person, step, slug), data=data, follow_redirects=True)


# Signing --------------------------------------------------------------------------------------


def test_the_manager_signs_through_a_form_and_a_confirmation(client, login, team):
    login(team.manager)
    form = client.get(sign_url(team.learner, 1))
    assert form.status_code == 200 and "How was the skill shown?" in text(form)
    checked = client.post(sign_url(team.learner, 1), data={"how": "team_session", "note": "Hi"})
    assert "Confirm sign-off" in text(checked)
    assert live_sign_offs(team.learner) == []  # nothing is signed before the confirmation
    done = client.post(
        sign_url(team.learner, 1),
        data={"how": "team_session", "note": "Hi", "confirmed": "yes", "back": "board"},
    )
    assert done.status_code == 302 and done.location.endswith("/coaching")
    [record] = live_sign_offs(team.learner)
    assert (record.step, record.how, record.note, record.coach) == (
        1,
        "team_session",
        "Hi",
        team.manager,
    )


def test_a_forged_post_for_step_three_before_step_two_fails(client, login, team):
    sign(team.manager, team.learner, "handle-leads", [1])
    db.session.commit()
    login(team.manager)
    response = post_sign(client, team.learner, 3)
    assert "step 2 (Assist) comes before step 3" in text(response)
    assert [s.step for s in live_sign_offs(team.learner)] == [1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_manager_of_another_team_gets_404(client, login, team, method):
    login(team.other_manager)
    assert client.get(f"/coaching/people/{team.learner.id}").status_code == 404
    data = {"how": "one_to_one", "confirmed": "yes"}
    assert client.open(sign_url(team.learner, 1), method=method, data=data).status_code == 404
    assert live_sign_offs(team.learner) == []


def test_the_learner_cannot_sign_their_own_steps(client, login, team):
    login(team.learner)
    assert client.get(f"/coaching/people/{team.learner.id}").status_code == 200
    response = post_sign(client, team.learner, 1)
    assert "Nobody signs off their own coaching steps" in text(response)
    assert live_sign_offs(team.learner) == []
    assert client.get("/coaching").status_code == 403  # nobody to coach: no board


def test_a_learner_cannot_sign_a_colleagues_steps(client, login, team):
    login(team.peer)
    assert post_sign(client, team.learner, 1).status_code == 404
    assert live_sign_offs(team.learner) == []


def test_hr_delegates_but_cannot_sign_unless_delegated(client, login, team, make_user):
    login(team.hr)
    assert client.get("/coaching").status_code == 403
    response = post_sign(client, team.learner, 1)
    assert "manager or a coach delegated" in text(response)
    assert live_sign_offs(team.learner) == []
    client.post(f"/coaching/people/{team.learner.id}/coaches", data={"email": team.coach.email})
    [delegation] = db.session.scalars(select(CoachDelegation)).all()
    assert (delegation.coach, delegation.delegated_by) == (team.coach, team.hr)
    services.delegate_coach(team.admin, team.learner, team.hr, now=T0)
    make_proficient(team.hr)
    db.session.commit()
    post_sign(client, team.learner, 1)
    assert live_sign_offs(team.learner)[0].coach == team.hr


def test_a_delegated_coach_sees_the_board_and_signs(client, login, team):
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    db.session.commit()
    login(team.coach)
    board = client.get("/coaching")
    assert board.status_code == 200 and team.learner.name in text(board)
    assert team.peer.name not in text(board)
    post_sign(client, team.learner, 1)
    assert live_sign_offs(team.learner)[0].coach == team.coach


def test_a_coach_without_the_course_is_told_which_course_to_take(client, login, team, make_user):
    untrained = make_user(name="New Boss", job_role="sales_manager")
    learner = make_user(name="Nell", manager=untrained)
    db.session.commit()
    login(untrained)
    page = text(client.get(sign_url(learner, 1)))
    assert "You have not completed a course that teaches Handle leads" in page
    assert 'href="/courses/crm-handle-leads"' in page
    assert "How was the skill shown?" not in page
    assert "Take <a" in text(client.get(f"/coaching/people/{learner.id}"))
    post_sign(client, learner, 1)
    assert live_sign_offs(learner) == []


def test_an_admin_overrides_with_a_reason_through_the_form(client, login, team):
    login(team.admin)
    form = text(client.get(sign_url(team.learner, 1)))
    assert "Reason for the override" in form
    refused = post_sign(client, team.learner, 1)
    assert "override this with a written reason" in text(refused)
    post_sign(client, team.learner, 1, override_reason="Manager on leave")
    assert live_sign_offs(team.learner)[0].override_reason == "Manager on leave"


def test_step_four_needs_a_note_through_the_form_too(client, login, team):
    sign(team.manager, team.learner, "handle-leads", [1, 2, 3])
    db.session.commit()
    login(team.manager)
    response = client.post(sign_url(team.learner, 4), data={"note": ""})
    assert "Step 4 needs a written note" in text(response)
    assert "Confirm sign-off" not in text(response)
    post_sign(client, team.learner, 4, note="")
    assert len(live_sign_offs(team.learner)) == 3


def test_an_unknown_step_or_skill_is_404(client, login, team):
    login(team.manager)
    assert client.get(sign_url(team.learner, 5)).status_code == 404
    assert client.get(sign_url(team.learner, 1, "juggling")).status_code == 404
    assert client.get(sign_url(team.learner, 1, "log-service-cases")).status_code == 404


# Withdrawing and delegating -----------------------------------------------------------------


def test_the_signer_withdraws_with_a_reason_and_the_page_keeps_the_history(client, login, team):
    first, second = sign(team.manager, team.learner, "handle-leads", [1, 2])
    db.session.commit()
    login(team.manager)
    client.post(f"/coaching/sign-offs/{first.id}/withdraw", data={"reason": ""})
    assert first.withdrawn_at is None
    client.post(f"/coaching/sign-offs/{first.id}/withdraw", data={"reason": "Wrong skill"})
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.withdrawn_at and second.withdrawn_at
    page = text(client.get(f"/coaching/people/{team.learner.id}"))
    assert "Wrong skill" in page and "Fell back with the withdrawal of step 1" in page


def test_someone_else_cannot_withdraw(client, login, team):
    [record] = sign(team.manager, team.learner, "handle-leads", [1])
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    db.session.commit()
    login(team.coach)
    response = client.post(
        f"/coaching/sign-offs/{record.id}/withdraw", data={"reason": "x"}, follow_redirects=True
    )
    assert "Only the person who signed a step, or HR" in text(response)
    login(team.other_manager)
    assert client.post(f"/coaching/sign-offs/{record.id}/withdraw").status_code == 404


def test_only_the_manager_hr_or_an_admin_delegate_and_revoke(client, login, team):
    login(team.peer)
    assert client.post(f"/coaching/people/{team.learner.id}/coaches").status_code == 404
    login(team.manager)
    client.post(f"/coaching/people/{team.learner.id}/coaches", data={"email": team.coach.email})
    [delegation] = db.session.scalars(select(CoachDelegation)).all()
    login(team.coach)
    client.post(f"/coaching/delegations/{delegation.id}/revoke")
    assert delegation.revoked_at is None
    login(team.hr)
    client.post(f"/coaching/delegations/{delegation.id}/revoke")
    db.session.refresh(delegation)
    assert delegation.revoked_by == team.hr


# The board ---------------------------------------------------------------------------------------


def test_the_board_shows_reports_by_skill_with_the_step_and_the_wait(client, login, team, course):
    sign(team.manager, team.learner, "handle-leads", [1], now=utcnow() - timedelta(days=3))
    db.session.commit()
    login(team.manager)
    page = text(client.get("/coaching"))
    assert team.learner.name in page and team.peer.name in page
    assert team.stranger.name not in page
    assert "Handle leads" in page and "Run pipeline reports" in page
    assert "step 1 of 4" in page and "Assist waiting 3 days" in page


def test_the_board_filters_ready_and_overdue(client, login, team, course):
    finish_course(team.learner, course("crm-handle-leads"), utcnow() - timedelta(days=30))
    finish_course(team.peer, course("crm-create-quotes"), utcnow() - timedelta(days=2))
    login(team.manager)
    ready = text(client.get("/coaching?show=ready"))
    assert team.learner.name in ready and team.peer.name in ready
    overdue = text(client.get("/coaching?show=overdue"))
    assert team.learner.name in overdue and team.peer.name not in overdue
    assert "Demonstrate waiting 30 days — overdue" in overdue


def test_navigation_offers_coaching_to_managers_and_delegated_coaches(client, login, team):
    login(team.manager)
    assert 'href="/coaching"' in text(client.get("/"))
    login(team.coach)
    assert 'href="/coaching"' not in text(client.get("/"))
    services.delegate_coach(team.manager, team.learner, team.coach, now=T0)
    db.session.commit()
    assert 'href="/coaching"' in text(client.get("/"))


# Onboarding on the plan and on the page ----------------------------------------------------------


def test_the_plan_shows_coaching_notes_and_what_is_missing(client, login, team):
    sign(team.manager, team.learner, "handle-leads", [1, 2], note="Worked a real lead together")
    db.session.commit()
    login(team.learner)
    plan = text(client.get("/"))
    assert "Onboarding not complete yet" in plan
    assert "coaching in Handle leads: 2 of 4 steps signed (step 3 (Practice) next)" in plan
    assert "Worked a real lead together" in plan


def test_the_plan_shows_onboarding_complete_with_its_date(client, login, team):
    complete_required_courses(team.learner)
    for slug in SALES_SKILLS:
        sign(team.manager, team.learner, slug)
    db.session.commit()
    login(team.learner)
    [completion] = completions(team.learner)
    shown = f'since <time datetime="{completion.completed_at.isoformat(timespec="seconds")}Z">'
    assert shown in client.get("/").get_data(as_text=True)


def test_asking_for_completion_answers_with_what_is_missing(client, login, team):
    login(team.manager)
    response = client.post(
        f"/coaching/people/{team.learner.id}/onboarding/complete", follow_redirects=True
    )
    page = text(response)
    assert "Leo Learner&#39;s onboarding is not complete yet. Still to do: course not done:" in page
    assert 'class="flash flash-info" role="status"' in page  # an answer, not an error
    assert completions(team.learner) == []


def test_the_last_sign_off_says_onboarding_is_now_complete(client, login, team):
    complete_required_courses(team.learner)
    *earlier, last = SALES_SKILLS
    for slug in earlier:
        sign(team.manager, team.learner, slug)
    sign(team.manager, team.learner, last, [1, 2, 3])
    db.session.commit()
    login(team.manager)
    note = {"note": "Uses it every day."}
    page = text(post_sign(client, team.learner, 4, last, **note))
    assert "is signed off. Onboarding is now complete for Leo Learner." in page
    assert len(completions(team.learner)) == 1


# Deactivation and role changes --------------------------------------------------------------------


def test_a_deactivated_report_leaves_the_board_but_keeps_their_history(client, login, team):
    sign(team.manager, team.learner, "handle-leads", [1])
    team.learner.active = False
    db.session.commit()
    login(team.manager)
    assert team.learner.name not in text(client.get("/coaching"))
    page = text(client.get(f"/coaching/people/{team.learner.id}"))
    assert "deactivated" in page and "1. Demonstrate" in page
    assert "Sign step 2" not in page


def test_after_a_role_change_skills_no_longer_required_stay_as_history(client, login, team):
    sign(team.manager, team.learner, "create-quotes", [1, 2])
    team.learner.job_role = team.hr.job_role  # HR partner: only update-contact-information
    db.session.commit()
    login(team.manager)
    page = text(client.get(f"/coaching/people/{team.learner.id}"))
    assert "Skills no longer required" in page and "2. Assist" in page
    assert 'data-skill="create-quotes"' not in page  # not among the skills to coach
