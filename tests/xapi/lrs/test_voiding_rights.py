"""Who may void what: an LRS client voids only the statements it stored, unless it holds the
statements/void scope; Uptake's own statements likewise. A voiding statement that arrives
before its target voids it on arrival only if it could have voided it when stored."""

from lms.clock import utcnow
from lms.database import db
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_VOID, SCOPE_WRITE
from lms.xapi.models import Statement
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_statements
from tests.xapi.lrs.test_statements_write import voiding
from tests.xapi.statement_data import post, statement


def is_voided(statement_id: str) -> bool:
    db.session.expire_all()
    query = db.select(Statement.voided).filter_by(statement_id=statement_id)
    return db.session.scalar(query)


def test_a_client_voids_its_own_statements(client, make_client):
    _, crm = make_client(SCOPE_WRITE, SCOPE_READ_ALL, name="CRM")
    target = statement()
    assert post(client, crm, target).status_code == 200
    assert post(client, crm, voiding(target["id"])).status_code == 200
    assert is_voided(target["id"])


def test_a_client_may_not_void_another_clients_statement(client, make_client):
    _, crm = make_client(SCOPE_WRITE, name="CRM")
    _, quiz_tool = make_client(SCOPE_WRITE, name="Quiz tool")
    target = statement()
    post(client, crm, target)
    response = post(client, quiz_tool, voiding(target["id"]))
    assert response.status_code == 403
    assert "needs the statements/void scope" in response.json["error"]["message"]
    assert not is_voided(target["id"])


def test_the_void_scope_voids_any_clients_statement(client, make_client):
    _, crm = make_client(SCOPE_WRITE, name="CRM")
    _, admin_tool = make_client(SCOPE_WRITE, SCOPE_VOID, name="Records admin")
    target = statement()
    post(client, crm, target)
    assert post(client, admin_tool, voiding(target["id"])).status_code == 200
    assert is_voided(target["id"])


def test_uptakes_own_statements_need_the_void_scope(client, make_client, app):
    target = statement()
    store_statements(
        [target], authority=None, client_id=None, now=utcnow(), settings=lrs_settings()
    )
    _, crm = make_client(SCOPE_WRITE, name="CRM")
    assert post(client, crm, voiding(target["id"])).status_code == 403


def test_voiding_ahead_of_the_target_only_counts_for_the_clients_own(client, make_client):
    _, crm = make_client(SCOPE_WRITE, name="CRM")
    _, prankster = make_client(SCOPE_WRITE, name="Prankster")
    mine, theirs = statement(), statement()
    assert post(client, crm, voiding(mine["id"])).status_code == 200  # target not seen yet
    assert post(client, prankster, voiding(theirs["id"])).status_code == 200
    post(client, crm, mine)
    post(client, crm, theirs)
    assert is_voided(mine["id"])
    assert not is_voided(theirs["id"])


def test_the_new_client_page_says_who_may_void(client, make_user, login):
    login(make_user(roles={"admin"}))
    page = client.get("/lrs/clients/new").get_data(as_text=True)
    assert f'value="{SCOPE_VOID}"' in page
    assert "without it a client voids only the statements it stored" in page
