"""The forwarding rules, with no application: what an answer means, the back-off, how a
refused batch falls back to single statements, and the bytes that go out."""

import random
import time
from datetime import timedelta

import click
import pytest

from lms.xapi.forwarding.cli import IsoDateTime
from lms.xapi.forwarding.outbox import ClaimedItem
from lms.xapi.forwarding.remote import OutgoingStatement, Reply, declared_sha2s, statement_body
from lms.xapi.forwarding.views import age
from lms.xapi.forwarding.worker import (
    DEAD,
    DEFERRED,
    DELIVERED,
    RETRY,
    ForwardPolicy,
    deliver,
    retry_delay,
    verdict,
)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, DELIVERED),
        (204, DELIVERED),
        (409, DELIVERED),  # the remote already has this id: we sent it before
        (None, RETRY),  # no answer: timeout, refused connection
        (301, RETRY),
        (500, RETRY),
        (502, RETRY),
        (503, RETRY),
        (401, RETRY),  # our credentials, not the statement
        (403, RETRY),
        (404, RETRY),
        (408, RETRY),
        (429, RETRY),
        (400, DEAD),
        (413, DEAD),
        (422, DEAD),
    ],
)
def test_what_an_answer_means(status, expected):
    assert verdict(status) == expected


def test_back_off_doubles_up_to_the_cap_with_jitter():
    policy = ForwardPolicy(retry_base=timedelta(seconds=10), retry_cap=timedelta(minutes=10))
    rng = random.Random(4)
    for attempts, full in [(1, 10), (2, 20), (3, 40), (7, 600), (10, 600), (500, 600)]:
        delays = {retry_delay(attempts, policy, rng).total_seconds() for _ in range(50)}
        assert all(full / 2 <= d <= full for d in delays), (attempts, delays)
        assert len(delays) > 40, "jitter spreads the retries"


def test_the_lease_must_outlast_a_batch_of_requests():
    with pytest.raises(ValueError, match="lease"):
        ForwardPolicy(timeout=30, lease=timedelta(minutes=1))
    assert ForwardPolicy(timeout=30, lease=timedelta(minutes=2)).sending_window == 30


class ScriptedLRS:
    """Answers send_batch / send_one from a script, recording what was sent."""

    def __init__(self, batch: int | None, singles: dict[str, int | None] | None = None):
        self.batch, self.singles, self.calls = batch, singles or {}, []

    def send_batch(self, statements, attachments):
        self.calls.append(("batch", [s.statement_id for s in statements]))
        return Reply(self.batch, f"HTTP {self.batch}")

    def send_one(self, statement, attachments):
        self.calls.append(("one", statement.statement_id))
        status = self.singles.get(statement.statement_id, 204)
        return Reply(status, f"HTTP {status}")


def items(*ids: str) -> list[ClaimedItem]:
    return [ClaimedItem(n, 0, OutgoingStatement(i, "{}")) for n, i in enumerate(ids)]


def kinds(outcomes) -> list[tuple[str, str]]:
    return [(o.item.statement.statement_id, o.kind) for o in outcomes]


FAR = float("inf")


def test_an_accepted_batch_is_one_request():
    lrs = ScriptedLRS(200)
    assert kinds(deliver(lrs, items("a", "b"), {}, send_until=FAR)) == [
        ("a", DELIVERED),
        ("b", DELIVERED),
    ]
    assert lrs.calls == [("batch", ["a", "b"])]


def test_a_failing_remote_retries_the_whole_batch_without_singles():
    lrs = ScriptedLRS(503)
    assert kinds(deliver(lrs, items("a", "b"), {}, send_until=FAR)) == [("a", RETRY), ("b", RETRY)]
    assert len(lrs.calls) == 1


def test_a_refused_batch_is_sent_one_by_one_and_only_the_bad_one_dies():
    lrs = ScriptedLRS(400, {"b": 400})
    outcomes = deliver(lrs, items("a", "b", "c"), {}, send_until=FAR)
    assert kinds(outcomes) == [("a", DELIVERED), ("b", DEAD), ("c", DELIVERED)]
    assert outcomes[1].error == "HTTP 400"
    assert lrs.calls[1:] == [("one", "a"), ("one", "b"), ("one", "c")]


def test_a_batch_answered_409_is_not_taken_as_delivered_whole():
    """The remote refuses the whole batch when it has some of it: the others must still go."""
    lrs = ScriptedLRS(409, {"a": 409})
    assert kinds(deliver(lrs, items("a", "b"), {}, send_until=FAR)) == [
        ("a", DELIVERED),
        ("b", DELIVERED),
    ]
    assert ("one", "b") in lrs.calls


def test_when_the_remote_fails_during_singles_the_rest_wait_with_it():
    lrs = ScriptedLRS(400, {"b": 503})
    outcomes = deliver(lrs, items("a", "b", "c"), {}, send_until=FAR)
    assert kinds(outcomes) == [("a", DELIVERED), ("b", RETRY), ("c", RETRY)]
    assert ("one", "c") not in lrs.calls


def test_a_batch_of_one_refused_is_dead_without_a_second_request():
    lrs = ScriptedLRS(400)
    assert kinds(deliver(lrs, items("a"), {}, send_until=FAR)) == [("a", DEAD)]
    assert len(lrs.calls) == 1


def test_nothing_is_sent_once_the_lease_is_nearly_over():
    lrs = ScriptedLRS(200)
    outcomes = deliver(lrs, items("a", "b"), {}, send_until=time.monotonic() - 1)
    assert kinds(outcomes) == [("a", DEFERRED), ("b", DEFERRED)]
    assert lrs.calls == []


def test_statements_go_out_as_their_stored_text():
    first, second = '{"id":"a","result":{"duration":"PT1M30S"}}', '{"id": "b"}'
    batch = [OutgoingStatement("a", first), OutgoingStatement("b", second)]
    assert statement_body([first, second], batch, {}) == (
        "application/json",
        f"[{first},{second}]".encode(),
    )


def test_attachment_data_we_hold_goes_as_multipart_once_per_hash():
    document = '{"id":"a","attachments":[{"sha2":"h1"},{"sha2":"h2"},{"sha2":"h1"}]}'
    assert declared_sha2s(document) == ("h1", "h2", "h1")
    statement = OutgoingStatement("a", document, declared_sha2s(document))
    content_type, body = statement_body(document, [statement], {"h1": ("text/plain", b"hello")})
    boundary = content_type.split('boundary="')[1].rstrip('"')
    assert content_type.startswith("multipart/mixed")
    assert (
        body
        == (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{document}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: h1\r\n\r\nhello\r\n--{boundary}--\r\n"
        ).encode()
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (42, "42 s"),
        (61, "1 min"),
        (3 * 3600 + 5 * 60, "3 h 5 min"),
        (2 * 86400 + 3600, "2 d 1 h"),
    ],
)
def test_ages_read_as_people_say_them(seconds, text):
    assert age(timedelta(seconds=seconds)) == text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-05T09:00:00Z", "2026-10-05 09:00:00"),
        ("2026-10-05T11:00:00+02:00", "2026-10-05 09:00:00"),
        ("2026-10-05T09:00:00", "2026-10-05 09:00:00"),
        ("2026-10-05", "2026-10-05 00:00:00"),
    ],
)
def test_export_times_are_read_as_utc(value, expected):
    assert str(IsoDateTime().convert(value, None, None)) == expected


def test_a_bad_export_time_names_itself():
    with pytest.raises(click.BadParameter, match="'yesterday' is not an ISO 8601 date-time"):
        IsoDateTime().convert("yesterday", None, None)
