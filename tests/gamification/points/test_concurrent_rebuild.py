"""Concurrent batches on PostgreSQL are decided in the order the rebuild replays them: after
several clients post at once about the same people (per-object awards, daily caps,
cool-downs and voids, where order decides who earns what), `rebuild` finds no difference.
Each client runs in its own thread with its own session and connection, so the test uses a
database of its own with committed data."""

from datetime import timedelta

import pytest

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.database import db
from lms.gamification.points.rebuild import rebuild
from tests.conftest import FAST_HASH, T0, app_of_its_own, load_reference_data, run_at_once
from tests.databases import BACKEND
from tests.gamification.ledger_support import RULESET, VIEWED, crm, post, void

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent writers need PostgreSQL (SQLite has one)"
)
CLIENTS, BATCHES, PER_BATCH = 4, 12, 8


def two_people() -> None:
    load_reference_data()
    for name in ("ann", "ben"):
        person = User(
            email=f"{name}@example.com",
            name=name,
            job_role=get_job_role("sales_rep"),
            division=get_or_create_division("North"),
            hire_date=T0.date(),
            password_hash=FAST_HASH,
        )
        person.set_roles({"learner"})
        db.session.add(person)


@pytest.fixture
def shared(tmp_path):
    with app_of_its_own(tmp_path, two_people) as app:
        yield app


def client_posts(app, n: int, start) -> None:
    """One client's batches: updates of a few shared leads (one award per lead and person,
    3 points a statement up to 10 a day), report views (a cool-down), and now and then the
    void of one of its earlier statements."""
    with app.app_context():
        people = db.session.query(User).order_by(User.email).all()
        start.wait(timeout=30)
        earlier = []
        for b in range(BATCHES):
            moment = T0 + timedelta(minutes=b)
            batch = [
                crm(people[(n + k) % 2], obj=f"https://crm.example/leads/{k % 4}", at=moment)
                for k in range(PER_BATCH)
            ]
            batch.append(crm(people[b % 2], VIEWED, "https://crm.example/reports/1", at=moment))
            if b % 4 == 3:
                batch.append(void(earlier[b - 2]["id"], at=moment))
            post(batch, now=moment)
            db.session.commit()
            earlier.append(batch[0])
        db.session.remove()


def test_a_rebuild_after_concurrent_clients_finds_no_difference(shared):
    run_at_once(lambda n, start: client_posts(shared, n, start), CLIENTS, timeout=120)
    with shared.app_context():
        assert rebuild(RULESET, now=T0 + timedelta(days=1)) == []
        db.session.remove()
