"""Short leases, renewed while a batch is in flight: a slow live worker keeps its batch, and
a killed worker's batch is taken over as soon as its short lease has run out."""

from datetime import timedelta

from lms.clock import utcnow
from lms.database import db
from lms.xapi.forwarding import outbox
from lms.xapi.forwarding.remote import forwarding_lrs
from lms.xapi.forwarding.worker import ForwardPolicy, Worker, forward_batch
from lms.xapi.models import OutboxItem
from lms.xapi.settings import lrs_settings
from tests.conftest import T0
from tests.xapi.statement_rows import add_statements


def test_the_default_lease_is_short():
    assert ForwardPolicy().lease <= timedelta(seconds=90)


def test_the_lease_is_renewed_in_the_database_while_a_slow_batch_is_in_flight(stub, monkeypatch):
    """A sending window of 1 s and a remote taking 0.6 s a request: the batch, refused and
    sent one by one, outlives its first window. Each renewal pushes locked_until on, the
    worker still holds every item, and nothing is put back unsent."""
    policy = ForwardPolicy(batch_size=10, timeout=1, lease=timedelta(seconds=4))
    statements = add_statements(3)
    stub.refuse.add(statements[0].statement_id)
    stub.delay = 0.6
    renewals, renew = [], outbox.renew_lease

    def observed_renew(ids, worker_id, *, until):
        held = renew(ids, worker_id, until=until)
        locked = db.session.scalars(
            db.select(OutboxItem.locked_until).where(OutboxItem.id.in_(ids))
        )
        renewals.append((held, until, set(locked)))
        return held

    monkeypatch.setattr(outbox, "renew_lease", observed_renew)
    claimed_at = utcnow()
    report = Worker(forwarding_lrs(lrs_settings(), timeout=1), "slow-1", policy).run_once()
    assert (report.delivered, report.dead, report.deferred) == (2, 1, 0)
    assert renewals, "a batch outliving its window must renew its lease"
    for held, until, locked in renewals:
        assert held and locked == {until} and until > claimed_at + policy.lease


def test_an_expired_short_lease_is_taken_over(stub):
    """A worker claims with the default lease and is killed: the batch is not claimable a
    second before its lease ends, and is taken over and delivered once it has."""
    policy = ForwardPolicy()
    statements = add_statements(3)
    lrs = forwarding_lrs(lrs_settings(), timeout=policy.timeout)
    claimed_at = T0 + timedelta(minutes=1)
    assert outbox.claim_due("killed", now=claimed_at, lease=policy.lease, limit=10)
    db.session.commit()  # ...and the worker dies without a word

    def batch_at(now):
        return forward_batch(lrs, worker_id="heir", policy=policy, clock=lambda: now)

    assert batch_at(claimed_at + policy.lease - timedelta(seconds=1)).claimed == 0
    assert batch_at(claimed_at + policy.lease).delivered == 3
    assert set(stub.accepted) == {s.statement_id for s in statements}
    assert set(stub.accepted.values()) == {1}
