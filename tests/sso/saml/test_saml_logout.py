"""Single logout with pysaml2's IdP, both ways: Uptake's log-out goes on to the IdP with a
signed LogoutRequest; the IdP's signed LogoutRequest ends the person's Uptake sessions, and
one not signed with the IdP's key ends nothing."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from saml2.response import IncorrectlySigned
from saml2.xmldsig import SIG_RSA_SHA1

from lms.auth.sso.saml import provider
from tests.sso.saml.conftest import ANN, IDP_URL, post_answer
from tests.sso.saml_idp.identity_provider import (
    answer,
    identity_provider,
    logout_answer,
    logout_request_to_sp,
    parse_logout_request,
)


def provider_logout(response) -> str:
    """The IdP's logout address Uptake's log-out leads to (a redirect, or a page's link)."""
    if response.status_code == 302:
        return response.headers["Location"]
    return html.unescape(re.search(r'<a href="([^"]+)"', response.get_data(as_text=True))[1])


def test_logging_out_logs_out_at_the_identity_provider_too(client, idp, saml_request, ann):
    assert post_answer(client, answer(idp, saml_request(), email=ANN)).status_code == 302

    location = urlsplit(provider_logout(client.post("/logout")))

    assert (location.netloc, location.path) == ("idp.test", "/slo/redirect")
    logout_request = parse_logout_request(idp, dict(parse_qsl(location.query)))  # signed
    assert logout_request.name_id.text == ANN
    assert logout_request.session_index
    assert client.get("/account").status_code == 302
    forged = dict(parse_qsl(location.query)) | {"SigAlg": SIG_RSA_SHA1}
    with pytest.raises(IncorrectlySigned):
        parse_logout_request(idp, forged)
    back = urlsplit(logout_answer(idp, logout_request))
    assert back.path == "/auth/saml/logged-out"
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/login"


def test_a_password_log_out_does_not_visit_the_identity_provider(client, idp, ann, login):
    login(ann)
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"


def test_a_logout_at_the_identity_provider_ends_the_persons_sessions(
    client, app, idp, saml_request, ann
):
    assert post_answer(client, answer(idp, saml_request(), email=ANN)).status_code == 302
    request_url = urlsplit(logout_request_to_sp(idp, provider.entity_id(app.config), ANN))

    response = app.test_client().get(f"{request_url.path}?{request_url.query}")

    back = urlsplit(response.headers["Location"])
    assert (back.netloc, back.path) == ("idp.test", "/slo/redirect")
    query = dict(parse_qsl(back.query))
    assert {"SAMLResponse", "SigAlg", "Signature"} <= set(query)
    assert client.get("/account").status_code == 302  # Ann's browser is logged out too


def test_an_unsigned_logout_request_ends_nothing(client, app, idp, saml_request, ann):
    assert post_answer(client, answer(idp, saml_request(), email=ANN)).status_code == 302
    entity_id = provider.entity_id(app.config)
    request_url = urlsplit(logout_request_to_sp(idp, entity_id, ANN, sign=False))

    response = app.test_client().get(f"{request_url.path}?{request_url.query}")

    assert response.status_code == 400
    assert "not signed by the identity provider" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200


def test_a_logout_request_signed_with_another_key_ends_nothing(
    client, app, idp, saml_request, ann, tmp_path
):
    assert post_answer(client, answer(idp, saml_request(), email=ANN)).status_code == 302
    (tmp_path / "impostor").mkdir()
    impostor = identity_provider(IDP_URL, tmp_path / "impostor", str(tmp_path / "sp-metadata.xml"))
    request_url = urlsplit(logout_request_to_sp(impostor, provider.entity_id(app.config), ANN))

    response = app.test_client().get(f"{request_url.path}?{request_url.query}")

    assert response.status_code == 400
    assert client.get("/account").status_code == 200
