"""The forwarding worker: sends outbox items to the enterprise LRS in batches.

Each batch is claimed and committed before anything is sent (other workers then see the
lease), sent with no transaction open, and its outcomes recorded and committed. A worker
killed anywhere in between leaves its items leased; when the lease runs out another worker
claims and re-sends them, and the remote answers 409/204 for any it already has, which
counts as delivered. Nothing is dropped for a remote that is down: retries back off, capped.

Leases are short (90 s by default) and renewed while a batch is in flight: before each
request, once half the sending window has gone, the worker extends the lease on the items
it still holds. So a killed worker's batch waits about a minute and a half, not five, and a
slow but live worker never loses its batch to another.

One bad statement never holds back the others and never stops a worker: a refused batch is
sent one by one, and a statement that cannot be sent at all (an error of ours, not the
remote's) is dead-lettered alone with the error.
"""

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from lms.clock import utcnow
from lms.database import db
from lms.xapi.forwarding import outbox
from lms.xapi.forwarding.outbox import ClaimedItem
from lms.xapi.forwarding.remote import ForwardingLRS, Reply

DELIVERED, RETRY, DEAD, DEFERRED = "delivered", "retry", "dead", "deferred"
# 4xx that are about the remote or our access to it, not about the statement: the same
# statement may well be taken later, so these are retried rather than dead-lettered.
RETRYABLE_4XX = frozenset({401, 403, 404, 407, 408, 425, 429})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ForwardPolicy:
    batch_size: int = 100
    timeout: float = 20.0  # seconds the remote may stay silent on one request
    lease: timedelta = timedelta(seconds=90)  # renewed while the batch is in flight
    retry_base: timedelta = timedelta(seconds=15)
    retry_cap: timedelta = timedelta(minutes=30)
    idle_wait: float = 5.0  # seconds between looks at an empty queue

    def __post_init__(self):
        # Sending stops `3 * timeout` before the lease ends (see sending_window): a request
        # may use the timeout on each of connect, send and receive.
        if self.lease.total_seconds() < 4 * self.timeout:
            raise ValueError("the lease must be at least four request timeouts long")
        if self.batch_size < 1:
            raise ValueError("the batch size must be at least 1")

    @property
    def sending_window(self) -> float:
        """Seconds after a claim in which a request may still be started."""
        return self.lease.total_seconds() - 3 * self.timeout


@dataclass(frozen=True)
class Outcome:
    item: ClaimedItem
    kind: str  # DELIVERED | RETRY | DEAD | DEFERRED
    error: str = ""


@dataclass
class ForwardReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    deferred: int = 0

    def add(self, other: "ForwardReport") -> None:
        for name in ("claimed", "delivered", "retried", "dead", "deferred"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def verdict(status: int | None) -> str:
    """What one answer means: 2xx, and 409 (the remote already has that id, and we send
    statements exactly as stored), are delivered; no answer, a redirect, a 5xx, or a 4xx about
    the remote rather than the statement is retried; any other 4xx is dead."""
    if status is not None and (200 <= status < 300 or status == 409):
        return DELIVERED
    if status is None or status < 400 or status >= 500 or status in RETRYABLE_4XX:
        return RETRY
    return DEAD


def retry_delay(attempts: int, policy: ForwardPolicy, rng: random.Random) -> timedelta:
    """Exponential back-off from retry_base, doubling per attempt up to retry_cap, with
    "equal jitter" (a random half of the delay added to the other half) so that items
    which failed together, and several workers, do not all come back at the same moment."""
    exponent = min(max(attempts - 1, 0), 32)  # 2**32 * base is past any cap: stop growing
    delay = min(policy.retry_base * 2**exponent, policy.retry_cap)
    return delay * (0.5 + rng.random() / 2)


@dataclass
class Lease:
    """When a batch may still start a request: until `send_until` (time.monotonic), and
    `renew` (which extends the lease in the database and says whether it still holds)
    moves that on by `window` seconds once half of it has gone."""

    send_until: float
    renew: Callable[[], bool] | None = None
    window: float = 0.0

    def may_send(self) -> bool:
        now = time.monotonic()
        renewing = self.renew is not None and now >= self.send_until - self.window / 2
        if renewing and self.renew():
            self.send_until = now + self.window
        return time.monotonic() < self.send_until


def deliver(
    lrs: ForwardingLRS,
    items: list[ClaimedItem],
    attachments: dict,
    *,
    send_until: float,
    renew: Callable[[], bool] | None = None,
    window: float = 0.0,
) -> list[Outcome]:
    """Send the batch in one request. A batch is all or nothing at the remote, so if it is
    refused (a 4xx, or 409 because the remote has some of it), or cannot be sent at all,
    each statement goes alone, and one bad statement cannot hold back the others."""
    lease = Lease(send_until, renew, window)
    if not lease.may_send():
        return [Outcome(item, DEFERRED) for item in items]
    reply = _send(lrs.send_batch, [item.statement for item in items], attachments)
    kind = verdict(reply.status) if reply else DEAD
    if reply and (kind == RETRY or (kind == DELIVERED and reply.status != 409)):
        return [Outcome(item, kind, reply.detail) for item in items]
    if reply and len(items) == 1:
        return [Outcome(items[0], kind, reply.detail)]
    return _one_by_one(lrs, items, attachments, lease)


def _send(send: Callable, statements, attachments) -> Reply | None:
    """The remote's reply, or None when the request could not even be made from these
    statements (a fault of ours: the statement goes to the dead letters with the error)."""
    try:
        return send(statements, attachments)
    except Exception:
        log.exception("could not send %d statement(s) to the LRS", _count(statements))
        return None


def _count(statements) -> int:
    return len(statements) if isinstance(statements, list) else 1


def _one_by_one(lrs, items, attachments, lease: Lease) -> list[Outcome]:
    """Each statement alone; if the remote fails meanwhile, the rest wait with it."""
    outcomes = []
    for index, item in enumerate(items):
        if not lease.may_send():
            return outcomes + [Outcome(rest, DEFERRED) for rest in items[index:]]
        try:
            reply = lrs.send_one(item.statement, attachments)
        except Exception as exc:
            log.exception("could not send statement %s", item.statement.statement_id)
            outcomes.append(Outcome(item, DEAD, f"could not be sent: {exc!r}"[:500]))
            continue
        kind = verdict(reply.status)
        if kind == RETRY:
            return outcomes + [Outcome(rest, RETRY, reply.detail) for rest in items[index:]]
        outcomes.append(Outcome(item, kind, reply.detail))
    return outcomes


def forward_batch(
    lrs: ForwardingLRS,
    *,
    worker_id: str,
    policy: ForwardPolicy,
    clock: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
) -> ForwardReport:
    """Claim one batch, send it and record the outcomes. Commits: the claim before sending,
    the outcomes after; no transaction stays open while the remote is waited on."""
    started = time.monotonic()
    ids = outbox.claim_due(worker_id, now=clock(), lease=policy.lease, limit=policy.batch_size)
    db.session.commit()
    if not ids:
        return ForwardReport()
    items, attachments = outbox.load_claimed(ids)
    db.session.commit()

    def renew() -> bool:
        held = outbox.renew_lease(ids, worker_id, until=clock() + policy.lease)
        db.session.commit()
        return held

    outcomes = deliver(
        lrs,
        items,
        attachments,
        send_until=started + policy.sending_window,
        renew=renew,
        window=policy.sending_window,
    )
    report = record_outcomes(outcomes, worker_id, policy, now=clock(), rng=rng or random.Random())
    db.session.commit()
    return report


def record_outcomes(
    outcomes: list[Outcome], worker_id: str, policy: ForwardPolicy, *, now: datetime, rng
) -> ForwardReport:
    """Write each outcome to its outbox item."""
    by_kind = {
        kind: [o for o in outcomes if o.kind == kind] for kind in (DELIVERED, RETRY, DEAD, DEFERRED)
    }
    outbox.record_delivered([o.item.outbox_id for o in by_kind[DELIVERED]], now=now)
    retries = [
        (o.item.outbox_id, now + retry_delay(o.item.attempts + 1, policy, rng), o.error)
        for o in by_kind[RETRY]
    ]
    outbox.record_retries(retries, worker_id, now=now)
    outbox.record_dead([(o.item.outbox_id, o.error) for o in by_kind[DEAD]], worker_id, now=now)
    outbox.release([o.item.outbox_id for o in by_kind[DEFERRED]], worker_id)
    return ForwardReport(
        claimed=len(outcomes),
        delivered=len(by_kind[DELIVERED]),
        retried=len(retries),
        dead=len(by_kind[DEAD]),
        deferred=len(by_kind[DEFERRED]),
    )


@dataclass
class Worker:
    """A forwarding loop. `stop` ends it between batches (a signal handler sets it)."""

    lrs: ForwardingLRS
    worker_id: str
    policy: ForwardPolicy = field(default_factory=ForwardPolicy)
    stop: threading.Event = field(default_factory=threading.Event)
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    on_batch: Callable[[ForwardReport], None] | None = None
    on_error: Callable[[Exception], None] | None = None

    def run_once(self) -> ForwardReport:
        """Forward what is due now and return. Bounded by the number due at the start, so
        items released back to the queue cannot keep it going."""
        batches = math.ceil(outbox.count_due(self.clock()) / self.policy.batch_size) + 1
        db.session.commit()
        return self._run(max_batches=batches, wait_when_idle=False)

    def run_forever(self) -> ForwardReport:
        """Forward until stopped, looking again every idle_wait seconds when nothing is due."""
        return self._run(max_batches=None, wait_when_idle=True)

    def _run(self, *, max_batches: int | None, wait_when_idle: bool) -> ForwardReport:
        totals, batches = ForwardReport(), 0
        while not self.stop.is_set() and (max_batches is None or batches < max_batches):
            batches += 1
            try:
                report = forward_batch(
                    self.lrs,
                    worker_id=self.worker_id,
                    policy=self.policy,
                    clock=self.clock,
                    rng=self.rng,
                )
            except Exception as exc:
                # The database went away (restart, failover) or refused a write, or something
                # unforeseen: the claimed items keep their lease and come back when it ends.
                # A one-off run reports it; a long-running worker logs it and goes on.
                db.session.rollback()
                if not wait_when_idle:
                    raise
                if not isinstance(exc, SQLAlchemyError):
                    log.exception("forwarding batch failed; retrying after the lease")
                if self.on_error:
                    self.on_error(exc)
                self.stop.wait(self.policy.idle_wait)
                continue
            totals.add(report)
            if report.claimed and self.on_batch:
                self.on_batch(report)
            if not report.claimed:
                if not wait_when_idle:
                    break
                self.stop.wait(self.policy.idle_wait)
        return totals
