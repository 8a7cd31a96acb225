"""The SP's metadata for the IdP, the log-in page's button, and nothing at all while SAML is
not configured."""

from lms.auth.sso.saml import provider


def test_the_metadata_names_the_entity_the_acs_and_the_certificate(client, idp, app):
    response = client.get("/auth/saml/metadata")
    xml = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "application/samlmetadata+xml"
    assert 'entityID="http://lms.test/auth/saml/metadata"' in xml
    assert 'Location="http://lms.test/auth/saml/acs"' in xml
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in xml
    assert 'WantAssertionsSigned="true"' in xml
    assert 'AuthnRequestsSigned="true"' in xml
    assert "X509Certificate" in xml
    assert provider.entity_id(app.config) == "http://lms.test/auth/saml/metadata"


def test_a_configured_entity_id_is_used(client, idp, app, monkeypatch):
    monkeypatch.setitem(app.config, "SAML_SP_ENTITY_ID", "urn:uptake:contoso")
    xml = client.get("/auth/saml/metadata").get_data(as_text=True)
    assert 'entityID="urn:uptake:contoso"' in xml


def test_the_log_in_page_offers_the_identity_provider(client, idp):
    page = client.get("/login?next=/account").get_data(as_text=True)
    assert "Sign in with Contoso" in page
    assert 'href="/auth/saml/sign-in?next=/account"' in page


def test_without_saml_settings_there_is_no_button_and_no_saml_page(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", None)
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    for path in ("/auth/saml/metadata", "/auth/saml/sign-in"):
        assert client.get(path).status_code == 404
    assert client.post("/auth/saml/acs", data={"SAMLResponse": "x"}).status_code == 404


def test_unreadable_idp_metadata_is_said_plainly(client, idp, app, monkeypatch, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<not metadata")
    monkeypatch.setitem(app.config, "SAML_IDP_METADATA", str(broken))
    response = client.get("/auth/saml/sign-in")
    assert response.status_code == 503
    assert "cannot read the identity provider&#39;s metadata" in response.get_data(as_text=True)
