"""The sign-in settings read from the environment (lms.config.sign_in_settings)."""

import pytest

from lms.config import ConfigError, from_environment


def settings(tmp_path, **env):
    return from_environment(tmp_path, {"SECRET_KEY": "x", **env})


def test_nothing_configured_keeps_passwords_and_no_provider(tmp_path):
    config = settings(tmp_path)
    assert config["PASSWORD_SIGN_IN"] is True
    assert config["OIDC_ISSUER"] is None
    assert config["SSO_CREATE_UNKNOWN_PEOPLE"] is False


def test_a_provider_needs_its_client(tmp_path):
    with pytest.raises(ConfigError, match="OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"):
        settings(tmp_path, OIDC_ISSUER="https://login.example.com/")
    config = settings(
        tmp_path,
        OIDC_ISSUER="https://login.example.com/",
        OIDC_CLIENT_ID="a",
        OIDC_CLIENT_SECRET="b",
    )
    assert config["OIDC_ISSUER"] == "https://login.example.com"
    assert config["OIDC_SCOPES"] == "openid email profile"


def test_groups_are_comma_separated(tmp_path):
    config = settings(tmp_path, SSO_HR_GROUPS="Uptake HR, 4f1c ,", SSO_ADMIN_GROUPS="")
    assert config["SSO_HR_GROUPS"] == frozenset({"Uptake HR", "4f1c"})
    assert config["SSO_ADMIN_GROUPS"] == frozenset()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SSO_MATCH_BY": "name"}, "SSO_MATCH_BY"),
        ({"SSO_CREATE_UNKNOWN_PEOPLE": "on"}, "SSO_DEFAULT_JOB_ROLE"),
        ({"SSO_CREATE_UNKNOWN_PEOPLE": "maybe"}, "SSO_CREATE_UNKNOWN_PEOPLE"),
    ],
)
def test_a_bad_setting_is_named(tmp_path, env, named):
    with pytest.raises(ConfigError, match=named):
        settings(tmp_path, **env)
