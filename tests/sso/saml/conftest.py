"""SAML sign-in against pysaml2's own IdP: Uptake's SP key pair and the IdP's, each side's
metadata written where the other reads it."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from lms.auth.sso.saml import provider
from lms.database import db
from tests.browser.conftest import browser, page  # noqa: F401  (Chromium, for the walk)
from tests.sso.saml_idp.identity_provider import (
    identity_provider,
    idp_metadata,
    make_key_pair,
    parse_signed_request,
)

IDP_URL = "http://idp.test"
ANN = "ann.saml@example.com"


def saml_settings(directory, idp_metadata_file) -> dict:
    """Uptake's SAML settings with a fresh SP key pair in `directory`."""
    key_file, cert_file = make_key_pair(directory, "sp")
    return {
        "SAML_IDP_METADATA": str(idp_metadata_file),
        "SAML_SP_KEY_FILE": key_file,
        "SAML_SP_CERT_FILE": cert_file,
        "SAML_SP_ENTITY_ID": None,
        "SAML_CLOCK_SKEW_SECONDS": 60,
        "SAML_BUTTON_LABEL": "Contoso",
        "SAML_ATTRIBUTE_EMAIL": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "SAML_ATTRIBUTE_HR_ID": "http://schemas.microsoft.com/identity/claims/employeeid",
        "SAML_ATTRIBUTE_NAME": "http://schemas.microsoft.com/identity/claims/displayname",
        "SAML_ATTRIBUTE_GROUPS": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    }


def connect(app_config, directory, idp_url: str):
    """Configure Uptake for the IdP at `idp_url` and that IdP for Uptake: Uptake's settings
    are put in `app_config`; the pysaml2 Server is returned."""
    idp_file, sp_file = directory / "idp-metadata.xml", directory / "sp-metadata.xml"
    app_config.update(saml_settings(directory, idp_file))
    sp_file.write_text(provider.sp_metadata(app_config))
    server = identity_provider(idp_url, directory, str(sp_file))
    idp_file.write_text(idp_metadata(server))
    return server


@pytest.fixture
def idp(app, tmp_path, monkeypatch):
    """pysaml2's IdP in-process, trusted by the test app (its settings restored after)."""
    for name in [name for name in app.config if name.startswith("SAML_")]:
        monkeypatch.setitem(app.config, name, app.config.get(name))
    return connect(app.config, tmp_path, IDP_URL)


@pytest.fixture
def saml_request(client, idp):
    """Start a sign-in at Uptake: the AuthnRequest it sends the IdP, as the IdP reads it."""

    def start(next_url: str | None = None):
        query = {"next": next_url} if next_url else {}
        response = client.get("/auth/saml/sign-in", query_string=query)
        assert response.status_code == 302, response.get_data(as_text=True)
        location = urlsplit(response.headers["Location"])
        assert location.netloc == "idp.test"
        return parse_signed_request(idp, dict(parse_qsl(location.query)))

    return start


def post_answer(client, saml_response: str):
    return client.post("/auth/saml/acs", data={"SAMLResponse": saml_response})


@pytest.fixture
def ann(make_user):
    """A person the IdP signs in, committed (a refused sign-in rolls back to here)."""
    person = make_user(email=ANN, name="Ann Saml")
    db.session.commit()
    return person
