"""A manager signs one step for several reports at once: each still checked against every
rule, a confirmation that lists who will be signed and who cannot be and why, and all or
none signed in the end."""

from datetime import timedelta

import pytest

from lms.clock import utcnow
from lms.coaching import services
from lms.coaching.board import get_board, ready_groups
from lms.database import db
from lms.errors import DomainError
from tests.coaching.conftest import finish_course, live_sign_offs, sign, skill, text

URL = "/coaching/skills/handle-leads/steps/{step}/several"


@pytest.fixture
def ready_team(team, course):
    """Leo and Pat both finished the course that teaches handling leads: step 1 is next."""
    for person in (team.learner, team.peer):
        finish_course(person, course("crm-handle-leads"), utcnow() - timedelta(days=2))
    return team


def ids(*people) -> list[int]:
    return [person.id for person in people]


def step_one_for_both(service, team):
    """The manager's step 1 of handling leads for Leo and Pat, through `service`."""
    learners = [team.learner, team.peer]
    return service(
        team.manager, learners, skill("handle-leads"), 1, how="one_to_one", note="", now=utcnow()
    )


def test_the_board_offers_a_group_of_people_ready_for_the_same_step(client, login, ready_team):
    [group] = [
        g
        for g in ready_groups(get_board(ready_team.manager, shown="ready", now=utcnow()))
        if g.skill.slug == "handle-leads"
    ]
    assert (group.step, {p.name for p in group.people}) == (1, {"Leo Learner", "Pat Peer"})
    login(ready_team.manager)
    page = text(client.get("/coaching"))
    assert "Sign several at once" in page and URL.format(step=1) in page


def test_form_then_confirmation_then_all_signed(client, login, ready_team):
    team = ready_team
    login(team.manager)
    form = text(client.get(URL.format(step=1)))
    assert "Leo Learner" in form and "Pat Peer" in form and "Sam Stranger" not in form
    data = {"people": ids(team.learner, team.peer), "how": "team_session", "note": "Good"}
    confirm = text(client.post(URL.format(step=1), data=data))
    assert "Confirm 2 sign-offs" in confirm
    assert live_sign_offs(team.learner) == [] and live_sign_offs(team.peer) == []
    done = client.post(URL.format(step=1), data=data | {"confirmed": "yes"})
    assert done.status_code == 302 and done.location.endswith("/coaching")
    for person in (team.learner, team.peer):
        [record] = live_sign_offs(person, "handle-leads")
        assert (record.step, record.how, record.note, record.coach) == (
            1,
            "team_session",
            "Good",
            team.manager,
        )
    page = text(client.get("/coaching"))
    assert "Step 1 (demonstrate) of Handle leads is signed off for 2: " in page


def test_a_form_problem_is_everyones_and_nothing_is_signed(client, login, ready_team):
    login(ready_team.manager)
    data = {"people": ids(ready_team.learner, ready_team.peer), "how": ""}
    page = text(client.post(URL.format(step=1), data=data))
    assert "How was the skill shown?" in page and 'class="error"' in page
    data = {"people": [], "how": "one_to_one"}
    assert "Choose at least one person." in text(client.post(URL.format(step=1), data=data))
    assert live_sign_offs(ready_team.learner) == [] and live_sign_offs(ready_team.peer) == []


def test_only_the_coachs_ready_people_can_be_chosen(client, login, ready_team):
    """A forged post naming someone else's report is refused as an invalid choice."""
    login(ready_team.manager)
    data = {"people": ids(ready_team.stranger), "how": "one_to_one", "confirmed": "yes"}
    page = text(client.post(URL.format(step=1), data=data))
    assert "Choose among the people listed" in page
    assert live_sign_offs(ready_team.stranger) == []


def test_who_cannot_be_signed_is_named_with_the_reason(ready_team):
    team = ready_team
    sign(team.manager, team.peer, "handle-leads", [1])
    ready, refused = step_one_for_both(services.check_several, team)
    assert ready == [team.learner]
    assert [(person, "already" in reason or "order" in reason) for person, reason in refused] == [
        (team.peer, True)
    ]


def test_one_refusal_at_the_end_signs_nobody(ready_team):
    """Two coaches at once: the peer is signed by someone else between the confirmation and
    the final post; the whole group is refused, naming the peer."""
    team = ready_team
    sign(team.manager, team.peer, "handle-leads", [1])
    with pytest.raises(DomainError, match="Pat Peer"):
        step_one_for_both(services.sign_off_several, team)
    db.session.rollback()
    assert live_sign_offs(team.learner) == []


def test_people_who_coach_nobody_get_403(client, login, ready_team):
    login(ready_team.learner)
    assert client.get(URL.format(step=1)).status_code == 403
    assert client.post(URL.format(step=1), data={"people": ids(ready_team.peer)}).status_code == 403


def test_an_unknown_skill_or_step_is_404(client, login, ready_team):
    login(ready_team.manager)
    assert client.get("/coaching/skills/nope/steps/1/several").status_code == 404
    assert client.get(URL.format(step=5)).status_code == 404
