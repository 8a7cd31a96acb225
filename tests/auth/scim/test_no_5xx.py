"""Property: no body an identity provider (or anyone holding a token) sends to SCIM gets a
5xx."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from tests.auth.scim.conftest import ENTERPRISE, new_user
from tests.property_settings import bounded

NAMES = ["op", "path", "value", "userName", "emails", "name", "active", "members", "schemas"]
NAMES += ["Operations", "title", "type", "primary", ENTERPRISE, "manager", "department"]
WORDS = [ENTERPRISE, "emails", "members", "name.givenName", 'emails[type eq "work"].value']
WORDS += [
    "active",
    "1",
    "add",
    "Replace",
    "remove",
    "urn:ietf:params:scim:api:messages:2.0:PatchOp",
]
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.sampled_from(WORDS),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)
    ),
    max_leaves=10,
)
REQUESTS = ["POST /Users", "PUT /Users/{id}", "PATCH /Users/{id}", "PATCH /Groups/hr"]
REQUESTS += ["PUT /Groups/hr", "POST /Users/.search", "POST /.search", "POST /Groups"]


@bounded("SCIM_PROPERTY_EXAMPLES", 60)
@given(body=VALUES, call=st.sampled_from(REQUESTS))
def test_no_body_gets_a_server_error(scim, body, call):
    made = scim("POST", "/Users", new_user(f"{uuid.uuid4().hex}@example.com")).get_json()
    method, path = call.split(" ")
    response = scim(method, path.format(id=made["id"]), body)
    assert response.status_code < 500, response.get_json()
    assert response.mimetype == "application/scim+json"
