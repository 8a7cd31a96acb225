"""What the provider's answers mean (lms.auth.sso.oidc.rules), and the claims read from an
ID token under the configured names: no app."""

from dataclasses import replace

import pytest

from lms.auth.sso.oidc.protocol import sign_in_claims
from lms.auth.sso.oidc.rules import (
    OidcRefused,
    check_callback,
    check_state,
    groups_from,
    signing_algorithms,
)
from tests.sso.test_oidc_tokens import SETTINGS


def test_only_public_key_algorithms_are_accepted():
    metadata = {"id_token_signing_alg_values_supported": ["HS256", "none", "ES256", "RS256"]}
    assert signing_algorithms(metadata) == ["ES256", "RS256"]
    assert signing_algorithms({}) == ["RS256"]
    assert signing_algorithms({"id_token_signing_alg_values_supported": ["none"]}) == ["RS256"]


@pytest.mark.parametrize(("expected", "returned"), [("a", "b"), ("a", None), (None, "a")])
def test_a_state_that_is_not_this_sign_ins_is_refused(expected, returned):
    with pytest.raises(OidcRefused, match="did not start here"):
        check_state(expected, returned)


def test_the_callback_gives_the_code_or_the_providers_refusal():
    assert check_callback({"code": "c"}) == "c"
    with pytest.raises(OidcRefused, match="did not sign you in: consent_required"):
        check_callback({"error": "consent_required"})
    with pytest.raises(OidcRefused, match="no authorization code"):
        check_callback({})


def test_groups_come_as_a_list_or_a_single_name():
    assert groups_from(["a", 7]) == ("a", "7")
    assert groups_from("HR") == ("HR",)
    assert groups_from(None) == ()


def test_the_claims_are_read_under_the_configured_names():
    settings = replace(SETTINGS, email_claim="upn", hr_id_claim="employeeNumber")
    claims = sign_in_claims(
        settings,
        {
            "sub": "s1",
            "upn": "ann@example.com",
            "name": "Ann",
            "employeeNumber": 17,
            "groups": "HR",
        },
    )
    assert (claims.email, claims.hr_id, claims.groups, claims.subject) == (
        "ann@example.com",
        "17",
        ("HR",),
        "s1",
    )
    assert claims.provider == "oidc"


def test_an_e_mail_the_provider_has_not_verified_is_refused():
    with pytest.raises(OidcRefused, match="not verified"):
        sign_in_claims(SETTINGS, {"sub": "s1", "email": "a@b.c", "email_verified": False})
