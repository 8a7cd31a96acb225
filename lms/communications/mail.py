"""E-mail back-ends (SMTP, a directory of .eml files, the console) and delivering the
queued messages.

Delivery claims a batch of queued messages with row locks that other senders skip
(PostgreSQL `FOR UPDATE SKIP LOCKED`; on SQLite a writing transaction holds the one write
lock), so two senders never send the same message. A message sent but whose transaction then
failed to commit would go again: delivery is at least once, and that window is one batch."""

import smtplib
import sys
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import or_, select

from lms.communications import rules
from lms.communications.models import MailDelivery, Notification
from lms.database import db

BATCH = 50


class SmtpMailer:
    def __init__(self, host, port, *, username=None, password=None, tls=False, timeout=20):
        self.host, self.port, self.tls, self.timeout = host, port, tls, timeout
        self.username, self.password = username, password

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class FileMailer:
    """Each message as an .eml file in a directory: for local use and tests."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        (self.directory / f"{name}.eml").write_bytes(bytes(message))


class ConsoleMailer:
    """Each message printed to standard output."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        stream = self.stream or sys.stdout
        stream.write(message.as_string() + "\n" + "-" * 72 + "\n")
        stream.flush()


def mailer_from_config(config) -> "SmtpMailer | FileMailer | ConsoleMailer | None":
    """The back-end MAIL_BACKEND names; None for "none" (no e-mail at all)."""
    backend = config.get("MAIL_BACKEND", "none")
    if backend == "smtp":
        return SmtpMailer(
            config["MAIL_SMTP_HOST"],
            config["MAIL_SMTP_PORT"],
            username=config.get("MAIL_SMTP_USER"),
            password=config.get("MAIL_SMTP_PASSWORD"),
            tls=config.get("MAIL_SMTP_TLS", False),
        )
    if backend == "file":
        return FileMailer(config["MAIL_FILE_DIR"])
    if backend == "console":
        return ConsoleMailer()
    return None


def compose(delivery: MailDelivery, *, sender: str, base_url: str) -> EmailMessage:
    """The e-mail of a notification: its title, its text, a link back into Uptake."""
    notification: Notification = delivery.notification
    message = EmailMessage()
    message["From"] = sender
    message["To"] = delivery.to_address
    message["Subject"] = notification.title
    message["Message-ID"] = make_msgid(f"uptake-{delivery.id}", domain="uptake.local")
    lines = [notification.body, ""]
    if notification.link:
        lines.append(f"Open in Uptake: {base_url}{notification.link}")
    lines.append(f"Your notifications: {base_url}/notifications")
    if not notification.essential:
        lines.append("You can mute messages like this one on that page.")
    message.set_content("\n".join(lines))
    return message


def claim_batch(*, started_at: datetime, limit: int = BATCH) -> list[MailDelivery]:
    """Queued messages not yet tried in this run (failures wait for the next run), locked
    for this sender; others skip them."""
    return list(
        db.session.scalars(
            select(MailDelivery)
            .where(
                MailDelivery.status.in_(("pending", "failed")),
                MailDelivery.attempts < rules.MAX_MAIL_ATTEMPTS,
                or_(
                    MailDelivery.last_attempt_at.is_(None),
                    MailDelivery.last_attempt_at < started_at,
                ),
            )
            .order_by(MailDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def deliver_batch(mailer, *, sender: str, base_url: str, now: datetime, started_at: datetime):
    """Send one claimed batch; returns (sent, failed). A failure is recorded with its error
    and retried on the next run; the in-app notification is untouched either way."""
    sent = failed = 0
    for delivery in claim_batch(started_at=started_at):
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            mailer.send(compose(delivery, sender=sender, base_url=base_url))
        except (OSError, smtplib.SMTPException) as exc:
            delivery.status, delivery.last_error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
            failed += 1
        else:
            delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
            sent += 1
    db.session.flush()
    return sent, failed
