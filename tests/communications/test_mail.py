"""E-mail: the file and console back-ends, failures recorded and retried on the next run,
each message delivered once however often `lms notify run` runs."""

import email
import io
from datetime import datetime, timedelta

from lms.communications import mail
from lms.communications.cli import run_pass
from lms.communications.models import MailDelivery
from lms.communications.services import notify
from lms.database import db

# Months after everyone's hire date and the go-live: only the notices made here are due.
T0 = datetime(2027, 3, 1, 9)


class BrokenMailer:
    def send(self, message):
        raise ConnectionRefusedError("smtp.example: connection refused")


def test_the_file_back_end_writes_each_message_once(make_user, mail_config):
    person = make_user(name="Ada Lovelace")
    notify(person, key="k", title="Your plan", body="Three courses.", now=T0, link="/")
    counts = run_pass(T0)
    assert counts["e-mails sent"] == 1
    assert run_pass(T0 + timedelta(minutes=5))["e-mails sent"] == 0
    files = list(mail_config.glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == person.email and message["Subject"] == "Your plan"
    assert "Open in Uptake: http://lms.test/" in message.get_payload()


def test_the_console_back_end_prints_the_message(make_user, mail_config):
    notify(make_user(), key="k", title="Hello there", body="Text", now=T0)
    out = io.StringIO()
    assert run_pass(T0, mailer=mail.ConsoleMailer(out))["e-mails sent"] == 1
    assert "Subject: Hello there" in out.getvalue()


def test_a_failure_is_recorded_keeps_the_notice_and_is_retried_next_run(make_user, mail_config):
    notification = notify(make_user(), key="k", title="t", body="b", now=T0)
    counts = run_pass(T0, mailer=BrokenMailer())
    delivery = db.session.get(MailDelivery, notification.delivery.id)
    assert counts["e-mails failed"] == 1 and delivery.status == "failed"
    assert "connection refused" in delivery.last_error and delivery.attempts == 1
    assert notification.read_at is None  # the in-app notice is still there to read
    assert run_pass(T0 + timedelta(minutes=5))["e-mails sent"] == 1
    assert delivery.status == "sent" and delivery.attempts == 2 and delivery.last_error is None


def test_retries_stop_after_the_last_attempt(make_user, mail_config):
    notification = notify(make_user(), key="k", title="t", body="b", now=T0)
    for minute in range(12):
        run_pass(T0 + timedelta(minutes=minute), mailer=BrokenMailer())
    assert notification.delivery.attempts == mail.rules.MAX_MAIL_ATTEMPTS


def test_mailer_from_config():
    assert mail.mailer_from_config({"MAIL_BACKEND": "none"}) is None
    assert isinstance(mail.mailer_from_config({"MAIL_BACKEND": "console"}), mail.ConsoleMailer)
    smtp = mail.mailer_from_config(
        {
            "MAIL_BACKEND": "smtp",
            "MAIL_SMTP_HOST": "mx",
            "MAIL_SMTP_PORT": 2525,
            "MAIL_SMTP_TLS": True,
        }
    )
    assert (smtp.host, smtp.port, smtp.tls) == ("mx", 2525, True)
