"""A real third-party client against a live Uptake: tincan's RemoteLRS saves, reads, pages
through and voids statements over HTTP."""

import uuid

import pytest
from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    LanguageMap,
    RemoteLRS,
    Statement,
    StatementRef,
    Verb,
)

from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from tests.conftest import T0
from tests.live import live_uptake

VERB_ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """A RemoteLRS talking to Uptake served on its own database in a thread."""
    with live_uptake(tmp_path_factory.mktemp("remote-lrs"), seed=_credentials) as live:
        key, secret = live.seeded
        yield RemoteLRS(
            endpoint=f"{live.url}/xapi/", username=key, password=secret, version="1.0.3"
        )


def _credentials() -> tuple[str, str]:
    client, secret = create_client("tincan", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
    return client.key, secret


def a_statement(verb: str = VERB_ANSWERED, name: str = "Quiz question 1") -> Statement:
    return Statement(
        id=str(uuid.uuid4()),
        actor=Agent(name="Ann Lee", mbox="mailto:ann.lee@example.com"),
        verb=Verb(id=verb, display=LanguageMap({"en-US": "answered"})),
        object=Activity(
            id="http://lms.test/quizzes/1/questions/1",
            definition=ActivityDefinition(name=LanguageMap({"en-US": name})),
        ),
    )


def test_about(lrs):
    response = lrs.about()
    assert response.success
    assert "1.0.3" in response.content.version


def test_save_and_retrieve_a_statement(lrs):
    statement = a_statement()
    saved = lrs.save_statement(statement)
    assert saved.success, saved.data
    fetched = lrs.retrieve_statement(str(statement.id))
    assert fetched.success, fetched.data
    assert str(fetched.content.id) == str(statement.id)
    assert fetched.content.actor.mbox == "mailto:ann.lee@example.com"
    assert fetched.content.stored is not None and fetched.content.authority is not None


def test_save_a_batch_and_page_through_a_query(lrs):
    verb = f"http://example.com/verbs/{uuid.uuid4()}"
    batch = [a_statement(verb=verb) for _ in range(3)]
    saved = lrs.save_statements(batch)
    assert saved.success, saved.data
    first = lrs.query_statements({"verb": Verb(id=verb), "limit": 2})
    assert first.success, first.data
    assert len(first.content.statements) == 2 and first.content.more
    second = lrs.more_statements(first.content)
    assert second.success, second.data
    listed = [str(s.id) for s in first.content.statements + second.content.statements]
    assert listed == [str(s.id) for s in reversed(batch)]


def test_query_by_agent(lrs):
    other = Agent(mbox=f"mailto:{uuid.uuid4()}@example.com")
    statement = a_statement()
    statement.actor = other
    assert lrs.save_statement(statement).success
    found = lrs.query_statements({"agent": other})
    assert found.success, found.data
    assert [str(s.id) for s in found.content.statements] == [str(statement.id)]


def test_void_a_statement(lrs):
    statement = a_statement()
    assert lrs.save_statement(statement).success
    voiding = Statement(
        actor=Agent(mbox="mailto:admin@example.com"),
        verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
        object=StatementRef(id=str(statement.id)),
    )
    assert lrs.save_statement(voiding).success
    assert not lrs.retrieve_statement(str(statement.id)).success
    voided = lrs.retrieve_voided_statement(str(statement.id))
    assert voided.success and str(voided.content.id) == str(statement.id)


def test_a_conflicting_statement_is_refused(lrs):
    statement = a_statement()
    assert lrs.save_statement(statement).success
    statement.object.definition.name = LanguageMap({"en-US": "Something else"})
    statement.verb = Verb(id="http://example.com/verbs/other")
    refused = lrs.save_statement(statement)
    assert not refused.success and refused.response.status == 409
