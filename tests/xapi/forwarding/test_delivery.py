"""Forwarding to a stub enterprise LRS that fails, hangs, refuses and recovers: every
statement arrives exactly once, the refused one waits as a dead letter, and a worker that
dies mid-batch loses nothing."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.clock import utcnow
from lms.database import db
from lms.xapi.forwarding import outbox
from lms.xapi.forwarding.remote import ForwardingLRS
from lms.xapi.forwarding.worker import ForwardPolicy, ForwardReport, Worker, forward_batch
from lms.xapi.models import Attachment, OutboxItem, Statement
from tests.conftest import T0
from tests.xapi.forwarding.stub_lrs import HANG, PASSWORD, USERNAME, StubLRS
from tests.xapi.statement_rows import add_statements, statement_document

TIMEOUT = 0.3  # seconds; the stub's hang lasts longer
POLICY = ForwardPolicy(
    batch_size=10,
    timeout=TIMEOUT,
    lease=timedelta(minutes=5),
    retry_base=timedelta(seconds=30),
    retry_cap=timedelta(minutes=30),
    idle_wait=0.05,
)


class FakeClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def stub(app):  # `app`: each test then runs in its own rolled-back transaction
    with StubLRS(hang_for=3.0) as stub:
        yield stub


def lrs_for(endpoint: str, password: str = PASSWORD) -> ForwardingLRS:
    return ForwardingLRS(
        endpoint=endpoint, username=USERNAME, password=password, version="1.0.3", timeout=TIMEOUT
    )


def drain(lrs, clock, *, worker_id="worker-1", rounds=30) -> ForwardReport:
    """Forward batches until none is due (bounded by `rounds`)."""
    totals = ForwardReport()
    for _ in range(rounds):
        report = forward_batch(lrs, worker_id=worker_id, policy=POLICY, clock=clock)
        if not report.claimed:
            return totals
        totals.add(report)
    raise AssertionError(f"still forwarding after {rounds} batches")


def items_by_statement() -> dict[str, OutboxItem]:
    db.session.expire_all()
    rows = db.session.execute(select(OutboxItem, Statement.statement_id).join(Statement))
    return {statement_id: item for item, statement_id in rows}


def resent_after_acceptance(stub: StubLRS) -> list[str]:
    """Ids that reached the stub again after it had stored them."""
    accepted, again = set(), []
    for request in stub.received:
        again += [i for i in request.ids if i in accepted]
        if request.status in (200, 204):
            accepted.update(request.ids)
    return again


def test_failures_hang_and_refusal_then_recovery(stub, client, login, make_user):
    statements = add_statements(25)
    ids = [s.statement_id for s in statements]
    bad = ids[14]
    stub.script.extend([503, HANG])
    stub.refuse.add(bad)
    lrs, clock = lrs_for(stub.endpoint), FakeClock(T0 + timedelta(minutes=1))

    assert forward_batch(lrs, worker_id="w", policy=POLICY, clock=clock).retried == 10  # 503
    started = time.monotonic()
    assert forward_batch(lrs, worker_id="w", policy=POLICY, clock=clock).retried == 10  # hang
    assert time.monotonic() - started < 2, "the timeout, not the hang, ended the wait"
    assert stub.received[-1].status == HANG
    assert forward_batch(lrs, worker_id="w", policy=POLICY, clock=clock).delivered == 5
    assert not forward_batch(lrs, worker_id="w", policy=POLICY, clock=clock).claimed, "backing off"

    clock.now += timedelta(hours=1)
    totals = drain(lrs, clock)
    assert (totals.delivered, totals.dead, totals.retried) == (19, 1, 0)
    assert set(stub.stored) == set(ids) - {bad}
    assert set(stub.accepted.values()) == {1}
    assert resent_after_acceptance(stub) == []
    items = items_by_statement()
    assert items[bad].dead_at is not None and items[bad].delivered_at is None
    assert "HTTP 400" in items[bad].last_error and bad in items[bad].last_error
    assert all(items[i].delivered_at for i in ids if i != bad)
    assert items[ids[0]].attempts == 2 and items[ids[12]].attempts == 2

    # The remote's administrator fixes their side; ours puts the dead letter back.
    stub.refuse.clear()
    login(make_user(roles=("admin",)))
    page = client.get("/lrs/outbox").get_data(as_text=True)
    assert bad in page and "HTTP 400" in page
    assert client.post(f"/lrs/outbox/{items[bad].id}/retry").status_code == 302
    clock.now = utcnow()
    assert drain(lrs, clock).delivered == 1
    assert set(stub.stored) == set(ids) and set(stub.accepted.values()) == {1}
    assert items_by_statement()[bad].delivered_at is not None


def test_a_worker_killed_mid_batch_loses_nothing(stub):
    statements = add_statements(8)
    lrs, clock = lrs_for(stub.endpoint), FakeClock(T0 + timedelta(minutes=1))
    claimed = outbox.claim_due("doomed", now=clock(), lease=POLICY.lease, limit=5)
    db.session.commit()
    doomed_items, attachments = outbox.load_claimed(claimed)
    assert lrs.send_batch([i.statement for i in doomed_items], attachments).status == 200
    # ...and the worker is killed before it records the answer.

    assert forward_batch(lrs, worker_id="survivor", policy=POLICY, clock=clock).claimed == 3
    clock.now += POLICY.lease - timedelta(seconds=1)
    assert not forward_batch(lrs, worker_id="survivor", policy=POLICY, clock=clock).claimed
    clock.now += timedelta(seconds=1)
    report = forward_batch(lrs, worker_id="survivor", policy=POLICY, clock=clock)
    assert (report.claimed, report.delivered) == (5, 5)  # the remote answered 409, then 204s

    assert set(stub.stored) == {s.statement_id for s in statements}
    assert set(stub.accepted.values()) == {1}
    # The dead worker's late news cannot undo what the survivor recorded.
    outbox.record_retries([(claimed[0], clock.now, "late")], "doomed", now=clock.now)
    outbox.record_dead([(claimed[1], "late")], "doomed", now=clock.now)
    items = items_by_statement()
    assert all(item.delivered_at and not item.dead_at for item in items.values())


def test_nothing_is_lost_while_the_remote_is_down_for_hours(stub):
    statements = add_statements(5)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down, clock = lrs_for(f"http://127.0.0.1:{closed_port}/xapi/"), FakeClock(T0)
    for _ in range(20):  # ten hours
        clock.now += timedelta(minutes=30)
        report = forward_batch(down, worker_id="w", policy=POLICY, clock=clock)
        assert (report.claimed, report.retried) == (5, 5)
    items = items_by_statement().values()
    assert {item.attempts for item in items} == {20}
    assert all(
        not item.dead_at and item.next_attempt_at - clock.now <= POLICY.retry_cap for item in items
    )
    assert all("could not reach the LRS" in item.last_error for item in items)

    clock.now += POLICY.retry_cap
    assert drain(lrs_for(stub.endpoint), clock).delivered == 5
    assert set(stub.stored) == {s.statement_id for s in statements}


def test_statements_arrive_exactly_as_stored(stub):
    statements = add_statements(3)
    forward_batch(
        lrs_for(stub.endpoint),
        worker_id="w",
        policy=POLICY,
        clock=FakeClock(T0 + timedelta(hours=1)),
    )
    assert stub.received[0].body == ("[" + ",".join(s.document for s in statements) + "]").encode()
    assert stub.received[0].content_type == "application/json"


def test_attachment_data_travels_with_its_statement(stub):
    data = b"here is a simple attachment"
    sha2 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
    declared = {"usageType": "http://example.com/usage", "display": {"en-US": "note"}}
    declared |= {"contentType": "text/plain", "length": len(data), "sha2": sha2}
    linked = declared | {"fileUrl": "http://example.com/note.txt", "sha2": "0" * 64}
    db.session.add(Attachment(sha2=sha2, content_type="text/plain", content=data))
    with_data = statement_document(attachments=[declared])
    add_statements(documents=[with_data, statement_document(attachments=[linked])])
    report = forward_batch(
        lrs_for(stub.endpoint),
        worker_id="w",
        policy=POLICY,
        clock=FakeClock(T0 + timedelta(hours=1)),
    )
    assert report.delivered == 2
    assert stub.received[0].content_type.startswith("multipart/mixed")
    assert stub.attachments == {sha2: data}


def test_credentials_the_remote_refuses_are_retried_not_dead_lettered(stub):
    add_statements(2)
    report = forward_batch(
        lrs_for(stub.endpoint, "wrong"),
        worker_id="w",
        policy=POLICY,
        clock=FakeClock(T0 + timedelta(hours=1)),
    )
    assert (report.retried, report.dead) == (2, 0)
    assert all("HTTP 401" in item.last_error for item in items_by_statement().values())


def test_the_long_running_worker_forwards_until_stopped(stub):
    add_statements(25)
    batches = []
    worker = Worker(lrs_for(stub.endpoint), "w", POLICY, on_batch=batches.append)
    stopper = threading.Timer(0.5, worker.stop.set)
    stopper.start()
    try:
        totals = worker.run_forever()  # returns once stopped; every look in between is idle
    finally:
        stopper.cancel()
    assert totals.delivered == 25 and len(batches) == 3
    assert len(stub.stored) == 25


def test_the_long_running_worker_waits_out_a_database_failure(stub, monkeypatch):
    from sqlalchemy.exc import OperationalError

    add_statements(3)
    db.session.commit()  # the worker's rollback after the failure must not take them away
    real_claim, failures, errors = outbox.claim_due, [OperationalError("claim", {}, None)], []

    def flaky_claim(*args, **kwargs):
        if failures:
            raise failures.pop()
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", flaky_claim)
    worker = Worker(lrs_for(stub.endpoint), "w", POLICY, on_error=errors.append)
    worker.on_batch = lambda report: worker.stop.set()
    guard = threading.Timer(5, worker.stop.set)  # should the test fail, it still ends
    guard.start()
    try:
        assert worker.run_forever().delivered == 3
    finally:
        guard.cancel()
    assert len(errors) == 1
