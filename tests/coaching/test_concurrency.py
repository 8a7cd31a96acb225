"""Parallel sign-off requests on PostgreSQL: two people signing the same step at the same
moment produce one sign-off, and the onboarding gate, evaluated by concurrent requests,
records completion exactly once. The requests run in threads, each with its own session and
connection, so the test uses a database of its own with committed data."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.coaching.models import CoachingSignOff, OnboardingCompletion
from lms.coaching.services import delegate_coach
from lms.courses.curricula import assign_curricula
from lms.database import db
from tests.coaching.conftest import SALES_SKILLS, complete_required_courses, make_proficient, sign
from tests.conftest import (
    FAST_HASH,
    PASSWORD,
    T0,
    app_of_its_own,
    load_reference_data,
    run_at_once,
)
from tests.databases import BACKEND

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent requests need PostgreSQL (row locks, threads)"
)
SIGNERS_EACH = 3  # requests per signer, all released at once


def person(name: str, job_role: str = "sales_rep", manager=None) -> User:
    user = User(
        email=f"{name.lower()}@example.com",
        name=name,
        job_role=get_job_role(job_role),
        division=get_or_create_division("North"),
        manager=manager,
        hire_date=date(2026, 10, 1),
        password_hash=FAST_HASH,
    )
    user.set_roles({"learner"})
    db.session.add(user)
    db.session.flush()
    return user


def seed() -> SimpleNamespace:
    """A proficient manager and a proficient coach delegated for every learner. `racer` has
    nothing signed; `finisher` and `closer` have every course done, four skills at step 4
    and the last two at step 3."""
    manager = person("Mara", "sales_manager")
    coach = person("Cora")
    racer, finisher, closer = (person(name, manager=manager) for name in ("Rae", "Fin", "Cleo"))
    assign_curricula([manager, coach, racer, finisher, closer], now=T0)
    for proficient in (manager, coach):
        make_proficient(proficient)
    for learner in (racer, finisher, closer):
        delegate_coach(manager, learner, coach, now=T0)
    for learner in (finisher, closer):
        complete_required_courses(learner)
        for slug in SALES_SKILLS[:4]:
            sign(manager, learner, slug)
        for slug in SALES_SKILLS[4:]:
            sign(manager, learner, slug, [1, 2, 3])
    ids = {name: user.id for name, user in locals().items() if isinstance(user, User)}
    return SimpleNamespace(**ids, emails={"manager": manager.email, "coach": coach.email})


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    seeded = {}

    def reference_data_and_people():
        load_reference_data()
        seeded["people"] = seed()

    with app_of_its_own(tmp_path_factory.mktemp("coaching-race"), reference_data_and_people) as app:
        yield SimpleNamespace(app=app, people=seeded["people"])


def run_together(app, requests: list[tuple[str, str, dict]]) -> list[int]:
    """Each (signer e-mail, path, form) posted from its own thread and logged-in client,
    all released at the same moment; returns the status codes."""
    statuses = [None] * len(requests)

    def post(n: int, start) -> None:
        email, path, data = requests[n]
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        start.wait(timeout=10)
        statuses[n] = client.post(path, data=data).status_code

    run_at_once(post, len(requests))
    return statuses


def step_path(learner_id: int, slug: str, step: int) -> str:
    return f"/coaching/people/{learner_id}/skills/{slug}/steps/{step}"


def test_two_people_signing_the_same_step_at_once_make_one_sign_off(race):
    people = race.people
    data = {"how": "one_to_one", "note": "", "confirmed": "yes"}
    path = step_path(people.racer, "handle-leads", 1)
    signers = [people.emails["manager"], people.emails["coach"]] * SIGNERS_EACH
    statuses = run_together(race.app, [(email, path, data) for email in signers])
    assert statuses.count(302) == 1, statuses  # the others re-render: "already signed"
    with race.app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(CoachingSignOff)
            .where(CoachingSignOff.learner_id == people.racer)
        )
        db.session.remove()
    assert count == 1


def test_the_gate_records_completion_once_when_the_last_two_steps_race(race):
    """Two coaches sign the two missing step fours at the same moment: each request alone
    sees one skill still missing unless the gate runs after the other has committed."""
    people = race.people
    data = {"note": "Seen in daily work.", "confirmed": "yes"}
    requests = []
    for learner in (people.finisher, people.closer):
        requests.append((people.emails["manager"], step_path(learner, SALES_SKILLS[4], 4), data))
        requests.append((people.emails["coach"], step_path(learner, SALES_SKILLS[5], 4), data))
    assert run_together(race.app, requests) == [302] * 4
    with race.app.app_context():
        completed = db.session.execute(
            select(OnboardingCompletion.person_id, func.count())
            .where(OnboardingCompletion.reopened_at.is_(None))
            .group_by(OnboardingCompletion.person_id)
        ).all()
        db.session.remove()
    assert sorted(completed) == sorted([(people.finisher, 1), (people.closer, 1)])
