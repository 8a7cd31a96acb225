"""SAML's settings (lms.config.saml_settings): off unless the IdP's metadata is named; then
Uptake's key and certificate must be files. Pure: no app."""

import pytest

from lms.config import ConfigError, saml_settings


def test_saml_is_off_by_default_with_entra_ids_claim_names():
    settings = saml_settings({})
    assert settings["SAML_IDP_METADATA"] is None
    assert settings["SAML_CLOCK_SKEW_SECONDS"] == 60
    assert settings["SAML_ATTRIBUTE_EMAIL"].endswith("/identity/claims/emailaddress")


def test_with_metadata_the_key_and_certificate_must_be_files(tmp_path):
    key, cert = tmp_path / "sp.key", tmp_path / "sp.crt"
    key.write_text("key")
    env = {"SAML_IDP_METADATA": "https://login.example/metadata", "SAML_SP_KEY_FILE": str(key)}
    with pytest.raises(ConfigError, match="SAML_SP_CERT_FILE must name a PEM file"):
        saml_settings(env)
    cert.write_text("cert")
    settings = saml_settings(
        env | {"SAML_SP_CERT_FILE": str(cert), "SAML_ATTRIBUTE_EMAIL": "email"}
    )
    assert settings["SAML_SP_CERT_FILE"] == str(cert)
    assert settings["SAML_ATTRIBUTE_EMAIL"] == "email"


def test_a_clock_skew_that_is_not_a_whole_number_stops_the_start():
    with pytest.raises(ConfigError, match="SAML_CLOCK_SKEW_SECONDS"):
        saml_settings({"SAML_CLOCK_SKEW_SECONDS": "a minute"})
