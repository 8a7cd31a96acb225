"""Fixtures for SCIM tests: a bearer token, and a client that speaks SCIM with it."""

import pytest

from lms.auth.scim.tokens import create_token
from lms.database import db
from tests.conftest import T0

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """The test client with the token's Authorization header, SCIM's content type and
    paths relative to /scim/v2."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def __call__(self, method: str, path: str, body=None, *, token=None, headers=None):
        db.session.commit()  # what the test made is there, as in production, whatever fails
        sent = {"Authorization": f"Bearer {token or self.token}", **(headers or {})}
        return self.client.open(
            "/scim/v2" + path,
            method=method,
            json=body,
            headers=sent,
            content_type="application/scim+json" if body is not None else None,
        )

    def create(self, *user_name, **given):
        """POST a User made of `new_user(...)`; the response's JSON."""
        response = self("POST", "/Users", new_user(*user_name, **given))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def patch(self, path: str, *operations):
        return self("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)})


def new_user(user_name="ann.lee@example.com", *, title="sales_rep", active=True, **extra) -> dict:
    """A User as Entra ID sends one, with `extra` attributes added."""
    user = {
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "active": active,
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"primary": True, "type": "work", "value": user_name}],
        "title": title,
    }
    return user | extra


@pytest.fixture
def scim_token(app):
    """The text of a live token."""
    text = create_token("Entra ID", now=T0, actor=None)[1]
    db.session.commit()
    return text


@pytest.fixture
def scim(client, scim_token):
    return Scim(client, scim_token)
