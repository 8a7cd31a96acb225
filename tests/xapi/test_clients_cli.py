"""`lms xapi client create|list|revoke`."""

import base64
import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms.database import db
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from lms.xapi.models import LrsClient
from tests.conftest import T0
from tests.xapi.documents.support import Lrs, state_params


def created(output: str) -> tuple[str, str]:
    key = re.search(r"^key:\s+(\S+)$", output, re.M).group(1)
    secret = re.search(r"^secret:\s+(\S+)$", output, re.M).group(1)
    return key, secret


def test_create_prints_key_and_secret_and_stores_a_hash(runner):
    result = runner.invoke(
        args=[
            "xapi",
            "client",
            "create",
            "--name",
            "CRM",
            "--scope",
            SCOPE_WRITE,
            "--scope",
            SCOPE_READ_ALL,
        ]
    )
    assert result.exit_code == 0, result.output
    key, secret = created(result.output)
    client = db.session.scalar(select(LrsClient).where(LrsClient.key == key))
    assert client.name == "CRM"
    assert client.scopes == f"{SCOPE_READ_ALL} {SCOPE_WRITE}"
    assert check_password_hash(client.secret_hash, secret)
    assert "cannot be shown again" in result.output


def test_the_created_credentials_work_at_the_lrs(runner, client):
    result = runner.invoke(
        args=["xapi", "client", "create", "--name", "Course", "--scope", SCOPE_WRITE]
    )
    key, secret = created(result.output)
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    lrs = Lrs(client, {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
    assert lrs.put("/activities/state", state_params(), body={"a": 1}).status_code == 204


def test_an_unknown_scope_is_refused_with_the_valid_ones_listed(runner):
    result = runner.invoke(args=["xapi", "client", "create", "--name", "CRM", "--scope", "all"])
    assert result.exit_code != 0
    assert "'all' is not one of" in result.output
    assert SCOPE_WRITE in result.output
    assert db.session.scalar(select(LrsClient)) is None


def test_a_scope_is_required(runner):
    result = runner.invoke(args=["xapi", "client", "create", "--name", "CRM"])
    assert result.exit_code != 0
    assert "--scope" in result.output


def test_a_blank_name_is_refused(runner):
    result = runner.invoke(
        args=["xapi", "client", "create", "--name", "  ", "--scope", SCOPE_WRITE]
    )
    assert result.exit_code != 0
    assert "Give the client a name." in result.output


def test_list_shows_every_client_and_its_status(runner):
    live = create_client("CRM", {SCOPE_WRITE}, now=T0)[0]
    old = create_client("Old course", {SCOPE_READ_ALL}, now=T0)[0]
    old.revoked_at = T0
    db.session.commit()
    result = runner.invoke(args=["xapi", "client", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(live.key in line and "CRM" in line and "active" in line for line in lines)
    assert any(old.key in line and "revoked 2026-10-05 09:00" in line for line in lines)


def test_list_with_no_clients_says_how_to_make_one(runner):
    result = runner.invoke(args=["xapi", "client", "list"])
    assert "lms xapi client create" in result.output


def test_revoke_refuses_the_client_at_the_lrs(runner, client):
    key, secret = created(
        runner.invoke(
            args=["xapi", "client", "create", "--name", "C", "--scope", SCOPE_WRITE]
        ).output
    )
    result = runner.invoke(args=["xapi", "client", "revoke", key])
    assert result.exit_code == 0
    assert "401" in result.output
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    lrs = Lrs(client, {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
    assert lrs.put("/activities/state", state_params(), body={"a": 1}).status_code == 401


def test_revoke_of_an_unknown_key_fails_clearly(runner):
    result = runner.invoke(args=["xapi", "client", "revoke", "nope"])
    assert result.exit_code != 0
    assert "No LRS client has the key 'nope'" in result.output


def test_revoking_twice_says_so(runner):
    client = create_client("CRM", {SCOPE_WRITE}, now=T0)[0]
    db.session.commit()
    runner.invoke(args=["xapi", "client", "revoke", client.key])
    result = runner.invoke(args=["xapi", "client", "revoke", client.key])
    assert result.exit_code == 0
    assert "already revoked" in result.output
