"""`lms xapi forward`: --once sends what is due and exits; the long-running worker stops
cleanly after its batch on SIGTERM; without an endpoint it refuses to start."""

import os
import signal
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event

from lms.clock import utcnow
from lms.database import db
from lms.xapi.forwarding import outbox
from lms.xapi.models import OutboxItem
from tests.conftest import T0
from tests.xapi.statement_rows import add_statements


def undelivered() -> int:
    db.session.expire_all()
    query = db.select(db.func.count()).select_from(OutboxItem)
    return db.session.scalar(query.where(OutboxItem.delivered_at.is_(None)))


def test_once_forwards_what_is_due_in_batches_and_exits(runner, stub):
    add_statements(12)
    args = ["xapi", "forward", "--once", "--batch-size", "5", "--worker-id", "cli-1"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "12 delivered, 0 to retry later, 0 dead-lettered." in result.stdout
    assert result.stderr.count("batch of") == 3
    assert f"Forwarding to {stub.endpoint} as cli-1" in result.stderr
    assert len(stub.stored) == 12 and undelivered() == 0


def test_once_with_the_remote_down_leaves_everything_queued(runner, stub):
    add_statements(3)
    stub.script.append(503)
    result = runner.invoke(args=["xapi", "forward", "--once", "--timeout", "2"])
    assert result.exit_code == 0, result.output
    assert "0 delivered, 3 to retry later" in result.stdout
    assert undelivered() == 3


def test_sigterm_stops_the_worker_after_its_batch(runner, stub):
    add_statements(4)
    before = signal.getsignal(signal.SIGTERM)

    def terminate():
        # Only while the worker's handler is installed: never kill the test run itself.
        if signal.getsignal(signal.SIGTERM) is not before:
            os.kill(os.getpid(), signal.SIGTERM)

    timer = threading.Timer(0.5, terminate)
    timer.start()
    try:
        result = runner.invoke(args=["xapi", "forward", "--worker-id", "long-1"])
    finally:
        timer.cancel()
    assert result.exit_code == 0, result.output
    assert "SIGTERM: stopping after this batch" in result.stderr
    assert "4 delivered" in result.stdout
    assert signal.getsignal(signal.SIGTERM) is before


def test_without_an_endpoint_the_worker_refuses_to_start(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", None)
    result = runner.invoke(args=["xapi", "forward", "--once"])
    assert result.exit_code == 1
    assert "Forwarding is off: set LRS_FORWARD_ENDPOINT" in result.output


def test_backfill_queues_what_was_stored_before_forwarding_once(runner, stub):
    add_statements(5, stored=T0, queue=False)  # stored while forwarding was off
    add_statements(2, stored=T0 + timedelta(hours=1))  # already queued
    args = ["xapi", "forward", "--backfill", "--since", "2026-10-05T09:00:02Z"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "3 statements stored since 2026-10-05 09:00:02 UTC queued." in result.stdout
    assert runner.invoke(args=args).stdout.startswith("0 statements")  # nothing twice
    assert undelivered() == 5
    runner.invoke(args=["xapi", "forward", "--once"])
    assert len(stub.stored) == 5 and set(stub.accepted.values()) == {1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backfill"], "--backfill and --since go together"),
        (["--since", "2026-10-01T00:00:00Z"], "--backfill and --since go together"),
        (["--backfill", "--since", "yesterday"], "'--since': 'yesterday' is not an ISO 8601"),
        (["--backfill", "--since", "9999-12-31T00:00:00"], "'--since'"),
    ],
)
def test_backfill_needs_a_valid_since(runner, stub, args, message):
    result = runner.invoke(args=["xapi", "forward", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_backfill_with_forwarding_off_says_so_and_queues_nothing(runner, app, monkeypatch):
    add_statements(2, queue=False)
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", None)
    result = runner.invoke(args=["xapi", "forward", "--backfill", "--since", "2026-01-01"])
    assert result.exit_code == 1
    assert "Forwarding is off: set LRS_FORWARD_ENDPOINT" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxItem)) == 0


def test_backfill_works_in_bounded_batches_in_stored_order(app):
    """Five statements, two at a time: three rounds, each queued after the one before."""
    statements = add_statements(5, stored=T0, queue=False)
    inserts = []

    def count_inserts(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(f"INSERT INTO {OutboxItem.__tablename__}"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        assert outbox.backfill(since=T0, now=utcnow(), batch=2) == 5
    finally:
        event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert len(inserts) == 3
    query = db.select(OutboxItem.statement_pk).order_by(OutboxItem.id)
    assert list(db.session.scalars(query)) == [s.id for s in statements]
    assert outbox.backfill(since=T0, now=utcnow(), batch=2) == 0
