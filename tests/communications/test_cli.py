"""`lms notify run --once`, and the mail settings it reads."""

from pathlib import Path

import pytest

from lms.config import ConfigError, mail_settings


def test_notify_run_once_reports_what_it_did(runner, make_user):
    make_user()
    result = runner.invoke(args=["notify", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "communications:" in result.output and "e-mails sent: 0" in result.output


def test_the_interval_must_be_sensible(runner):
    result = runner.invoke(args=["notify", "run", "--interval", "0"])
    assert result.exit_code == 2 and "--interval" in result.output


def test_mail_settings_default_to_in_app_only(tmp_path):
    settings = mail_settings({}, tmp_path)
    assert settings["MAIL_BACKEND"] == "none" and settings["MAIL_FILE_DIR"] == tmp_path / "mail"


def test_mail_settings_read_smtp(tmp_path):
    settings = mail_settings(
        {
            "MAIL_BACKEND": "smtp",
            "MAIL_SMTP_HOST": "mx",
            "MAIL_SMTP_PORT": "465",
            "MAIL_SMTP_TLS": "1",
            "MAIL_FILE_DIR": "/var/mail/uptake",
        },
        tmp_path,
    )
    assert (settings["MAIL_SMTP_PORT"], settings["MAIL_SMTP_TLS"]) == (465, True)
    assert settings["MAIL_FILE_DIR"] == Path("/var/mail/uptake")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND"),
        ({"MAIL_BACKEND": "smtp"}, "MAIL_SMTP_HOST"),
        ({"MAIL_SMTP_PORT": "smtp"}, "MAIL_SMTP_PORT"),
        ({"MAIL_SMTP_PORT": "70000"}, "MAIL_SMTP_PORT"),
    ],
)
def test_bad_mail_settings_name_the_setting(tmp_path, environ, named):
    with pytest.raises(ConfigError, match=named):
        mail_settings(environ, tmp_path)


class Stop(Exception):
    """Raised by the patched sleep to end the long-running loop."""


def test_the_long_running_mode_keeps_going_after_a_failed_pass(runner, monkeypatch):
    from lms.communications import cli

    passes, naps = [], []

    def flaky_pass(now):
        passes.append(now)
        if len(passes) == 1:
            raise RuntimeError("database went away")
        return {"communications": 0}

    def sleep(seconds):
        naps.append(seconds)
        if len(naps) == 2:
            raise Stop

    monkeypatch.setattr(cli, "run_pass", flaky_pass)
    monkeypatch.setattr(cli.time, "sleep", sleep)
    result = runner.invoke(args=["notify", "run", "--interval", "60"])
    assert isinstance(result.exception, Stop)
    assert len(passes) == 2 and naps == [60, 60]
    assert "pass failed: database went away" in result.output
    assert "communications: 0" in result.output
