"""Two requests racing on one document: the one that read a version another has since
replaced loses (compare-and-set on the ETag), and nothing it sent is stored."""

import pytest
from sqlalchemy import update

from lms.database import db
from lms.xapi.errors import XapiError
from lms.xapi.models import Document
from lms.xapi.store import documents
from lms.xapi.store.concurrency import Preconditions
from lms.xapi.store.documents import STATE, DocumentKey
from tests.conftest import T0

KEY = DocumentKey(STATE, "progress", activity_id="http://a.example.com", agent_key="agent|mbox|x")


@pytest.fixture
def stale(app, monkeypatch):
    """A stored document, then changed by "another request" after this one read it."""
    documents.put_document(
        KEY, b'{"a": 1}', "application/json", Preconditions(), now=T0, concurrency_required=False
    )
    snapshot = documents.get_document(KEY)
    read_etag = snapshot.etag
    db.session.execute(
        update(Document)
        .where(Document.id == snapshot.id)
        .values(content=b'{"other": 1}', etag="0" * 40),
        execution_options={"synchronize_session": False},
    )
    monkeypatch.setattr(documents, "get_document", lambda key: snapshot)
    return read_etag


def current_content() -> bytes:
    db.session.expire_all()
    return db.session.scalar(
        db.select(Document.content).where(Document.document_id == KEY.document_id)
    )


def test_a_put_that_lost_the_race_is_409_without_preconditions(stale):
    with pytest.raises(XapiError) as error:
        documents.put_document(
            KEY,
            b'{"b": 2}',
            "application/json",
            Preconditions(),
            now=T0,
            concurrency_required=False,
        )
    assert error.value.status == 409
    assert current_content() == b'{"other": 1}'


def test_a_put_that_lost_the_race_is_412_with_if_match(stale):
    pre = Preconditions(if_match=f'"{stale}"')
    with pytest.raises(XapiError) as error:
        documents.put_document(
            KEY, b'{"b": 2}', "application/json", pre, now=T0, concurrency_required=False
        )
    assert error.value.status == 412
    assert current_content() == b'{"other": 1}'


def test_a_merge_that_lost_the_race_keeps_the_other_write(stale):
    with pytest.raises(XapiError) as error:
        documents.post_document(KEY, b'{"b": 2}', "application/json", Preconditions(), now=T0)
    assert error.value.status == 409
    assert current_content() == b'{"other": 1}'


def test_a_delete_with_if_match_that_lost_the_race_is_412(stale):
    with pytest.raises(XapiError) as error:
        documents.delete_document(KEY, Preconditions(if_match=f'"{stale}"'))
    assert error.value.status == 412
    assert current_content() == b'{"other": 1}'


def test_two_creations_of_one_document_leave_the_first(app, monkeypatch):
    documents.put_document(
        KEY, b"first", "text/plain", Preconditions(), now=T0, concurrency_required=False
    )
    monkeypatch.setattr(documents, "get_document", lambda key: None)  # read before the first wrote
    with pytest.raises(XapiError) as error:
        documents.put_document(
            KEY, b"second", "text/plain", Preconditions(), now=T0, concurrency_required=False
        )
    assert error.value.status == 409
    assert current_content() == b"first"
