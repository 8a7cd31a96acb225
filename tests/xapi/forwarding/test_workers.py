"""Several workers at once on PostgreSQL (claims with FOR UPDATE SKIP LOCKED and a lease):
no statement is sent twice, none is skipped. The workers run in threads, each with its own
session and connection, so they use a database of their own rather than the per-test
rolled-back transaction."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from lms.database import db
from lms.xapi.forwarding.remote import ForwardingLRS
from lms.xapi.forwarding.worker import ForwardPolicy, ForwardReport, Worker
from lms.xapi.models import OutboxItem, Statement
from tests.conftest import app_of_its_own, run_at_once
from tests.databases import BACKEND
from tests.xapi.forwarding.stub_lrs import PASSWORD, USERNAME, StubLRS
from tests.xapi.statement_rows import add_statements

pytestmark = pytest.mark.skipif(
    BACKEND != "postgresql", reason="concurrent claiming is a PostgreSQL matter (SKIP LOCKED)"
)
WORKERS, STATEMENTS = 3, 300
POLICY = ForwardPolicy(batch_size=7, timeout=5, lease=timedelta(minutes=1), retry_base=timedelta(0))


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    with app_of_its_own(tmp_path_factory.mktemp("workers")) as app:
        yield app


@pytest.fixture
def statement_ids(own_app) -> list[str]:
    """STATEMENTS stored statements, all due; the tables emptied first."""
    with own_app.app_context():
        db.session.execute(delete(OutboxItem))
        db.session.execute(delete(Statement))
        ids = [s.statement_id for s in add_statements(STATEMENTS)]
        db.session.commit()
        db.session.remove()
    return ids


def run_workers(app, endpoint: str) -> list[ForwardReport]:
    """WORKERS threads, started together, each forwarding until nothing is due."""
    reports = [None] * WORKERS

    def work(n: int, start) -> None:
        lrs = ForwardingLRS(
            endpoint=endpoint, username=USERNAME, password=PASSWORD, version="1.0.3", timeout=5
        )
        with app.app_context():
            start.wait(timeout=10)
            reports[n] = Worker(lrs, f"worker-{n}", POLICY).run_once()
            db.session.remove()

    run_at_once(work, WORKERS)
    return reports


def undelivered(app) -> int:
    with app.app_context():
        query = (
            select(func.count()).select_from(OutboxItem).where(OutboxItem.delivered_at.is_(None))
        )
        count = db.session.scalar(query)
        db.session.remove()
    return count


def test_three_workers_send_every_statement_exactly_once(own_app, statement_ids):
    with StubLRS(delay=0.01) as stub:
        reports = run_workers(own_app, stub.endpoint)
    sent = stub.sent_ids()
    assert set(sent) == set(statement_ids), "none skipped"
    assert set(sent.values()) == {1}, "none sent twice"
    assert sum(r.delivered for r in reports) == STATEMENTS
    assert sum(1 for r in reports if r.claimed) >= 2, "the workers really shared the queue"
    assert undelivered(own_app) == 0


def test_with_failures_among_them_every_statement_is_stored_once(own_app, statement_ids):
    with StubLRS(delay=0.005) as stub:
        stub.script.extend([503, 500, 503])
        reports = run_workers(own_app, stub.endpoint)
    assert set(stub.stored) == set(statement_ids)
    assert set(stub.accepted.values()) == {1}
    assert sum(r.retried for r in reports) == 3 * POLICY.batch_size
    assert undelivered(own_app) == 0
