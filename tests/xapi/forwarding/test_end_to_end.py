"""From the LRS endpoint to the enterprise LRS: a statement stored while forwarding is on is
queued in the same transaction, and the worker delivers it, attachment and all, to a second
live Uptake (a conformant LRS) on its own database; re-sending it there changes nothing."""

import base64
import hashlib
import json
from datetime import timedelta
from urllib.request import Request, urlopen

import pytest

from lms.clock import utcnow
from lms.database import db
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from lms.xapi.forwarding.remote import forwarding_lrs
from lms.xapi.forwarding.worker import ForwardPolicy, forward_batch
from lms.xapi.lrs.multipart import parse_multipart
from lms.xapi.models import OutboxItem, Statement
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_statements
from tests.conftest import T0
from tests.live import live_uptake
from tests.xapi.statement_data import statement

POLICY = ForwardPolicy(batch_size=10, timeout=5, lease=timedelta(minutes=1))
NOTE = b"here is a simple attachment"


@pytest.fixture(scope="module")
def enterprise_lrs(tmp_path_factory):
    """Another Uptake, served on its own database in a thread: (endpoint, key, secret)."""
    with live_uptake(
        tmp_path_factory.mktemp("enterprise-lrs"), seed=_forwarder_credentials
    ) as live:
        key, secret = live.seeded
        yield f"{live.url}/xapi/", key, secret


def _forwarder_credentials() -> tuple[str, str]:
    client, secret = create_client("Uptake forwarder", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
    return client.key, secret


@pytest.fixture
def forwarding_on(app, monkeypatch, enterprise_lrs):
    endpoint, key, secret = enterprise_lrs
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", endpoint)
    monkeypatch.setitem(app.config, "LRS_FORWARD_USERNAME", key)
    monkeypatch.setitem(app.config, "LRS_FORWARD_PASSWORD", secret)
    return lrs_settings()


def queued(statement_id: str) -> OutboxItem | None:
    db.session.expire_all()
    query = db.select(OutboxItem).join(Statement).where(Statement.statement_id == statement_id)
    return db.session.scalar(query)


def store(document: dict, settings) -> None:
    store_statements([document], authority=None, client_id=None, now=utcnow(), settings=settings)


def test_the_outbox_item_is_written_in_the_statements_transaction(forwarding_on):
    kept, undone = statement(), statement()
    store(kept, forwarding_on)
    assert queued(kept["id"]) is not None  # before any commit: the same transaction
    savepoint = db.session.begin_nested()
    store(undone, forwarding_on)
    savepoint.rollback()
    assert queued(undone["id"]) is None
    assert db.session.scalar(db.select(Statement).filter_by(statement_id=undone["id"])) is None


def test_nothing_is_queued_when_forwarding_is_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", None)
    document = statement()
    store(document, lrs_settings())
    assert queued(document["id"]) is None


def test_a_posted_statement_reaches_the_enterprise_lrs_with_its_attachment(
    client, lrs_headers, forwarding_on
):
    sha2 = hashlib.sha256(NOTE).hexdigest()
    header = {"usageType": "http://example.com/usage/note", "display": {"en-US": "note"}}
    header |= {"contentType": "text/plain", "length": len(NOTE), "sha2": sha2}
    document = statement(attachments=[header])
    response = post_multipart(client, lrs_headers, document)
    assert response.status_code == 200, response.get_data(as_text=True)

    lrs = forwarding_lrs(forwarding_on, timeout=POLICY.timeout)
    report = forward_batch(lrs, worker_id="e2e", policy=POLICY)
    assert (report.claimed, report.delivered) == (1, 1)
    remote = fetch(forwarding_on, document["id"])
    assert remote["parts"] == [NOTE]
    for key in ("id", "actor", "verb", "object", "attachments"):
        assert remote["statement"][key] == document[key]

    # As after a crash between sending and recording: the re-send changes nothing remotely.
    queued(document["id"]).delivered_at = None
    db.session.commit()
    assert forward_batch(lrs, worker_id="e2e", policy=POLICY).delivered == 1
    assert fetch(forwarding_on, document["id"])["statement"] == remote["statement"]


def post_multipart(client, headers, document):
    boundary = "forward-test-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(document)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {document['attachments'][0]['sha2']}\r\n\r\n"
        ).encode()
        + NOTE
        + f"\r\n--{boundary}--\r\n".encode()
    )
    content_type = f'multipart/mixed; boundary="{boundary}"'
    return client.post("/xapi/statements", data=body, content_type=content_type, headers=headers)


def fetch(settings, statement_id: str) -> dict:
    """The statement and its attachment data, as the enterprise LRS returns them."""
    token = base64.b64encode(f"{settings.forward_username}:{settings.forward_password}".encode())
    url = f"{settings.forward_endpoint}statements?statementId={statement_id}&attachments=true"
    headers = {"Authorization": f"Basic {token.decode()}", "X-Experience-API-Version": "1.0.3"}
    with urlopen(Request(url, headers=headers), timeout=5) as response:
        boundary = response.headers["Content-Type"].partition("; boundary=")[2]
        parts = parse_multipart(response.read(), boundary)
    return {"statement": json.loads(parts[0][1]), "parts": [data for _, data in parts[1:]]}
