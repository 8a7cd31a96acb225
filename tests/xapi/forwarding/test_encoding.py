"""Forwarding sends the stored bytes exactly: UTF-8 statements in any script and binary
attachment data, checked byte for byte at a stub LRS; one poison statement among them is
dead-lettered alone, and every other statement arrives exactly once."""

import hashlib
import json
import threading
from datetime import timedelta

from lms.database import db
from lms.xapi.forwarding.outbox import ClaimedItem
from lms.xapi.forwarding.remote import OutgoingStatement, forwarding_lrs
from lms.xapi.forwarding.worker import DEAD, DELIVERED, ForwardPolicy, Worker, deliver
from lms.xapi.models import Attachment, OutboxItem, Statement
from lms.xapi.settings import lrs_settings
from tests.xapi.forwarding.stub_lrs import StubLRS
from tests.xapi.statement_rows import add_statements, statement_document

POLICY = ForwardPolicy(batch_size=10, timeout=5, lease=timedelta(minutes=1))
NAMES = ["Łukasz Nowak", "Γιώργος Παπαδόπουλος", "王小明", "Chloé Dupont 🚀"]
BINARY = bytes(range(256)) * 4


def stored_as_the_lrs_does(document: dict) -> str:
    """The LRS stores UTF-8 JSON text, not ASCII escapes (lms.xapi.validation.prepare)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def add_named(names: list[str], **extra) -> list[dict]:
    documents = []
    for n, name in enumerate(names):
        document = statement_document(n=n, **extra)
        document["actor"]["name"] = name
        documents.append(document)
    statements = add_statements(documents=documents)
    for statement, document in zip(statements, documents, strict=True):
        statement.document = stored_as_the_lrs_does(document)
    db.session.flush()
    return documents


def run_once() -> None:
    worker = Worker(forwarding_lrs(lrs_settings(), timeout=5), "enc-1", POLICY)
    worker.run_once()
    db.session.expire_all()


def test_names_in_any_script_go_out_as_the_stored_utf8_bytes(stub):
    documents = add_named(NAMES)
    run_once()
    assert stub.accepted == {d["id"]: 1 for d in documents}
    body = stub.received[0].body
    expected = "[" + ",".join(stored_as_the_lrs_does(d) for d in documents) + "]"
    assert body == expected.encode("utf-8")
    assert [s["actor"]["name"] for s in stub.stored.values()] == NAMES


def test_binary_attachment_data_goes_out_byte_for_byte(stub):
    sha2 = hashlib.sha256(BINARY).hexdigest()
    header = {"usageType": "http://example.com/usage/scan", "display": {"en-US": "scan"}}
    header |= {"contentType": "application/octet-stream", "length": len(BINARY), "sha2": sha2}
    db.session.add(Attachment(sha2=sha2, content_type="application/octet-stream", content=BINARY))
    add_named(["Łukasz Nowak"], attachments=[header])
    run_once()
    assert stub.attachments == {sha2: BINARY}
    assert "Łukasz Nowak".encode() in stub.received[0].body


def test_a_poison_statement_is_dead_lettered_alone_and_the_rest_arrive_once(stub):
    documents = add_named([*NAMES, "Poison Pill", "Ann Lee"])
    poison = documents[4]["id"]
    stub.refuse.add(poison)
    run_once()
    others = {d["id"]: 1 for d in documents if d["id"] != poison}
    assert stub.accepted == others  # each exactly once
    items = db.session.scalars(db.select(OutboxItem)).all()
    dead = [item for item in items if item.dead_at is not None]
    assert len(dead) == 1 and f"statement {poison} refused" in dead[0].last_error
    assert sum(item.delivered_at is not None for item in items) == len(others)


def test_a_stored_document_the_remote_cannot_read_dies_alone(stub):
    """Not even JSON: a fault of ours, which must not hold back the statements around it."""
    documents = add_named(["Łukasz Nowak", "Broken", "王小明"])
    query = db.select(Statement).filter_by(statement_id=documents[1]["id"])
    broken = db.session.scalars(query).one()
    broken.document = '{"id": "' + documents[1]["id"] + '", "actor": '
    db.session.flush()
    run_once()
    assert set(stub.accepted) == {documents[0]["id"], documents[2]["id"]}
    dead = db.session.scalars(db.select(OutboxItem).where(OutboxItem.dead_at.is_not(None)))
    assert [item.statement_pk for item in dead] == [broken.id]


def test_a_statement_that_cannot_be_encoded_is_dead_and_the_others_go(stub, app):
    """A lone surrogate cannot be UTF-8: sending raises in our own code, not at the remote.
    The batch is split, the bad one is dead with the error, the others are delivered."""
    good = [statement_document(n=n) for n in range(2)]
    bad = '{"id": "bad", "actor": {"name": "' + chr(0xD800) + '"}}'  # a lone surrogate
    items = [
        ClaimedItem(1, 0, OutgoingStatement(good[0]["id"], stored_as_the_lrs_does(good[0]))),
        ClaimedItem(2, 0, OutgoingStatement("bad", bad)),
        ClaimedItem(3, 0, OutgoingStatement(good[1]["id"], stored_as_the_lrs_does(good[1]))),
    ]
    lrs = forwarding_lrs(lrs_settings(), timeout=5)
    outcomes = deliver(lrs, items, {}, send_until=float("inf"))
    assert [o.kind for o in outcomes] == [DELIVERED, DEAD, DELIVERED]
    assert "UnicodeEncodeError" in outcomes[1].error
    assert stub.accepted == {good[0]["id"]: 1, good[1]["id"]: 1}


def test_an_lrs_that_asks_for_no_credentials_gets_none(app, monkeypatch, runner):
    with StubLRS(open_access=True) as stub:
        monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", stub.endpoint)
        monkeypatch.setitem(app.config, "LRS_FORWARD_USERNAME", None)
        monkeypatch.setitem(app.config, "LRS_FORWARD_PASSWORD", None)
        add_named(["Chloé Dupont"])
        result = runner.invoke(args=["xapi", "forward", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 delivered" in result.stdout


def test_a_reply_that_is_not_utf8_is_retried_not_held_against_the_statements(stub):
    """A proxy's Latin-1 error page on a 502 is an answer like any other: the batch is
    retried with the page in its error, and no statement goes to the dead letters."""
    add_named(["Łukasz Nowak", "Chloé Dupont"])
    stub.script.append((502, "<h1>Passerelle défaillante</h1>".encode("latin-1")))
    run_once()
    items = db.session.scalars(db.select(OutboxItem)).all()
    assert [item.dead_at for item in items] == [None, None]
    assert {item.last_error for item in items} == {"HTTP 502: <h1>Passerelle d\ufffdfaillante</h1>"}


def test_an_attachment_hash_that_is_not_a_string_holds_back_nothing(stub):
    """A stored document whose attachment declares a list as its sha2 once failed the whole
    batch as it was loaded, so the worker stopped on it at every lease; now only it dies."""
    header = {"usageType": "http://example.com/usage/scan", "display": {"en-US": "scan"}}
    header |= {"contentType": "application/octet-stream", "length": 1, "sha2": ["not", "a"]}
    documents = [statement_document(n=0), statement_document(n=1, attachments=[header])]
    add_statements(documents=documents)
    run_once()
    assert stub.accepted == {documents[0]["id"]: 1}
    dead = db.session.scalars(db.select(OutboxItem).where(OutboxItem.dead_at.is_not(None)))
    assert [item.last_error.startswith("HTTP 400") for item in dead] == [True]


def test_a_refusal_holding_a_nul_is_recorded_and_the_statement_dies_alone(stub):
    """PostgreSQL text cannot hold NUL: a remote's reply with one once failed the recording
    of the whole batch, which came back at every lease, for ever."""
    documents = add_named(["Łukasz Nowak"])
    stub.script.append((400, b'{"message": "bad \x00 byte"}'))
    run_once()
    item = db.session.scalars(db.select(OutboxItem)).one()
    assert item.dead_at is not None and item.locked_by is None
    assert item.last_error == 'HTTP 400: {"message": "bad \ufffd byte"}'
    assert stub.accepted == {} and documents


def test_the_long_running_worker_goes_on_past_bad_rows(stub):
    """The poison the remote refuses and a document not even JSON die alone; the worker
    delivers every other statement once and is still looking for work afterwards."""
    documents = add_named([*NAMES, "Poison Pill", "Broken"])
    stub.refuse.add(documents[4]["id"])
    broken = db.session.scalars(db.select(Statement).filter_by(statement_id=documents[5]["id"]))
    broken.one().document = "{not json"
    db.session.commit()
    looks = []
    policy = ForwardPolicy(batch_size=10, timeout=5, lease=POLICY.lease, idle_wait=0.05)
    lrs = forwarding_lrs(lrs_settings(), timeout=5)
    worker = Worker(lrs, "enc-long", policy, on_batch=looks.append)
    stopper = threading.Timer(1.0, worker.stop.set)
    stopper.start()
    try:
        totals = worker.run_forever()
    finally:
        stopper.cancel()
    assert stub.accepted == {d["id"]: 1 for d in documents[:4]}
    assert (totals.delivered, totals.dead) == (4, 2) and len(looks) == 1
