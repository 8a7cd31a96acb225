"""The storing service itself: people linked, activities defined, outbox written, index rows,
speed (lms.xapi.store)."""

import dataclasses
import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from lms.database import db
from lms.xapi.errors import XapiError
from lms.xapi.models import Activity, OutboxItem, Statement, StatementActivity, StatementAgent
from lms.xapi.settings import lrs_settings
from lms.xapi.store.identifiers import mbox_sha1sum
from lms.xapi.store.write import (
    link_statements_to,
    prepare_batch,
    store_statements,
    write_batch,
)
from tests.conftest import T0
from tests.xapi.statement_data import ACTIVITY, statement

pytestmark = pytest.mark.usefixtures("app")  # each test in its own rolled-back transaction


def store(*statements, settings=None, **kwargs):
    return store_statements(
        list(statements),
        authority=kwargs.get("authority"),
        client_id=None,
        now=kwargs.get("now", T0),
        settings=settings or lrs_settings(),
    )


def row(statement_id: str) -> Statement:
    return db.session.scalar(select(Statement).where(Statement.statement_id == statement_id))


@pytest.mark.parametrize(
    "actor",
    [
        lambda user: {"mbox": f"mailto:{user.email}"},
        lambda user: {"mbox": f"mailto:{user.email.upper()}"},
        lambda user: {"mbox_sha1sum": mbox_sha1sum(user.email)},
        lambda user: {"account": {"homePage": "http://lms.test", "name": f"uptake-{user.id}"}},
    ],
    ids=["mbox", "mbox in capitals", "mbox_sha1sum", "account"],
)
def test_statements_about_a_known_person_are_theirs(make_user, actor):
    user = make_user()
    [statement_id] = store(statement(actor=actor(user)))
    assert row(statement_id).user_id == user.id


def test_statements_about_someone_unknown_are_linked_when_they_appear(make_user):
    [statement_id] = store(statement(actor={"mbox": "mailto:newhire@example.com"}))
    assert row(statement_id).user_id is None
    user = make_user(email="newhire@example.com")
    assert link_statements_to(user, lrs_settings()) == 1
    db.session.expire_all()
    assert row(statement_id).user_id == user.id


def test_an_authority_given_replaces_the_statements_own():
    authority = {"objectType": "Agent", "account": {"homePage": "http://crm", "name": "crm"}}
    [statement_id] = store(statement(authority={"mbox": "mailto:x@y.z"}), authority=authority)
    assert json.loads(row(statement_id).document)["authority"] == authority


def test_without_an_authority_uptake_is_the_authority():
    [statement_id] = store(statement())
    assert json.loads(row(statement_id).document)["authority"]["name"] == "Uptake"


def test_each_new_statement_is_queued_for_forwarding_when_configured():
    settings = dataclasses.replace(lrs_settings(), forward_endpoint="http://remote.test/xapi/")
    s = statement()
    store(s, statement(), settings=settings)
    store(s, settings=settings)  # already stored: nothing new to forward
    assert db.session.scalar(select(func.count()).select_from(OutboxItem)) == 2


def test_nothing_is_queued_without_a_forward_endpoint():
    store(statement())
    assert db.session.scalar(select(func.count()).select_from(OutboxItem)) == 0


def test_activity_definitions_are_merged_into_the_canonical_one():
    store(statement(object={"id": ACTIVITY, "definition": {"name": {"en-US": "CRM basics"}}}))
    store(
        statement(
            object={
                "id": ACTIVITY,
                "definition": {"name": {"de": "CRM-Grundlagen"}, "type": "http://e.com/course"},
            }
        )
    )
    definition = json.loads(
        db.session.scalar(select(Activity.definition).where(Activity.activity_id == ACTIVITY))
    )
    assert definition == {
        "name": {"en-US": "CRM basics", "de": "CRM-Grundlagen"},
        "type": "http://e.com/course",
    }


def test_a_repeated_statement_changes_no_definition():
    s = statement(object={"id": ACTIVITY, "definition": {"name": {"en-US": "First"}}})
    store(s)
    store(s)
    again = statement(id=s["id"], object={"id": ACTIVITY, "definition": {"name": {"en-US": "X"}}})
    with pytest.raises(Exception) as refused:
        store(again)
    assert getattr(refused.value, "status", None) == 409
    stored = db.session.scalar(select(Activity.definition).where(Activity.activity_id == ACTIVITY))
    assert json.loads(stored)["name"] == {"en-US": "First"}


def test_index_rows_mark_core_and_related_mentions():
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:sub@example.com"},
        "verb": {"id": "http://e.com/v"},
        "object": {"id": "http://e.com/sub-activity"},
    }
    s = statement(
        actor={"objectType": "Group", "member": [{"mbox": "mailto:m@example.com"}]},
        object=sub,
        context={
            "instructor": {"mbox": "mailto:teacher@example.com"},
            "contextActivities": {"parent": [{"id": "http://e.com/parent"}]},
        },
    )
    [statement_id] = store(s)
    pk = row(statement_id).id
    agents = dict(
        db.session.execute(
            select(StatementAgent.agent_key, StatementAgent.core).where(
                StatementAgent.statement_pk == pk
            )
        ).all()
    )
    assert agents["agent|mbox|mailto:m@example.com"] is True
    assert agents["agent|mbox|mailto:teacher@example.com"] is False
    assert agents["agent|mbox|mailto:sub@example.com"] is False
    activities = dict(
        db.session.execute(
            select(StatementActivity.activity_id, StatementActivity.core).where(
                StatementActivity.statement_pk == pk
            )
        ).all()
    )
    assert activities == {"http://e.com/sub-activity": False, "http://e.com/parent": False}


def test_batches_of_100_store_quickly():
    """A loose guard on the bulk path (bench/xapi.py measures the real figure)."""
    batches = [[statement(id=str(uuid.uuid4())) for _ in range(100)] for _ in range(10)]
    started = time.perf_counter()
    for batch in batches:
        store(*batch)
    assert time.perf_counter() - started < 5
    assert db.session.scalar(select(func.count()).select_from(Statement)) >= 1000


def test_a_batch_prepared_to_skip_what_is_stored_keeps_no_copy_and_skips_it():
    settings = lrs_settings()
    [stored_id] = store(statement())
    again, new = statement(id=stored_id, result={"completion": True}), statement()  # (built anew)

    def prepared(keep_given):
        return prepare_batch(
            [again, new],
            authority=None,
            client_id=None,
            now=T0,
            settings=settings,
            keep_given=keep_given,
        )

    lean = prepared(False)
    assert lean.statements is None and lean.ids() == [stored_id, new["id"]]
    with pytest.raises(ValueError, match="can only skip_stored"):
        write_batch(lean, settings=settings)
    written = write_batch(lean, settings=settings, skip_stored=True)
    assert [fresh.document["id"] for fresh in written.fresh] == [new["id"]]
    with pytest.raises(XapiError, match="a different statement is already stored"):
        write_batch(prepared(True), settings=settings)
