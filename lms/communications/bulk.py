"""Notifications for many people at once: what a batch of statements brings (a CRM sync can
award thousands of badges) is recorded in one INSERT, not one a person."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.bulk_writes import insert_rows
from lms.communications import rules
from lms.communications.models import MailDelivery, Notification
from lms.communications.services import Notice, mail_enabled, muted_among, notification_row
from lms.database import db
from lms.localisation import written_for
from lms.value_lists import among, with_pairs


def send_written(addressed: list[tuple[int, Callable[[], Notice]]], *, now: datetime) -> None:
    """`send_many`, each notice written — its builder called — in its recipient's language
    and time zone (`written_for`): one read of their settings for them all."""
    if not addressed:
        return
    ids = {user_id for user_id, _ in addressed}
    query = select(User.id, User.locale, User.time_zone).where(among(User.id, ids))
    settings = {row.id: row for row in db.session.execute(query)}
    notices = []
    for user_id, write in addressed:
        with written_for(settings[user_id]):
            notices.append((user_id, write()))
    send_many(notices, now=now)


def send_many(addressed: list[tuple[int, Notice]], *, now: datetime) -> None:
    """`send` for many (person id, notice) pairs at once, each once per (person, key), the
    muted preferences read here: one INSERT for them all, whatever their number (a batch
    of CRM statements can award thousands of badges), and, when e-mail is on, one read of
    the notifications it made and one INSERT of their e-mail."""
    if not addressed:
        return
    if not all(rules.is_safe_link(notice.link) for _, notice in addressed):
        raise ValueError("notification links are paths inside Uptake")
    muted = muted_among({user_id for user_id, _ in addressed})
    rows = {
        (user_id, notice.key[:200]): notification_row(
            user_id, notice, now=now, muted=user_id in muted and not notice.essential
        )
        for user_id, notice in addressed
    }
    insert_rows(Notification.__table__, list(rows.values()), ignore_duplicates=True)
    if mail_enabled():
        wanted = {
            (user_id, notice.key[:200]) for user_id, notice in addressed if notice.wants_email
        }
        _queue_mail_of_new(wanted, now=now)


def _queue_mail_of_new(pairs: set[tuple[int, str]], *, now: datetime) -> None:
    """E-mail for the notifications just made (made `now`, no e-mail yet) among these
    (person, key) pairs, by `rules.should_email`."""
    if not pairs:
        return
    query = with_pairs(
        select(
            Notification.id, Notification.essential, Notification.muted, User.email, User.active
        ),
        Notification.user_id,
        Notification.key,
        pairs,
    )
    query = (
        query.join(User, User.id == Notification.user_id)
        .outerjoin(MailDelivery, MailDelivery.notification_id == Notification.id)
        .where(Notification.created_at == now, MailDelivery.id.is_(None))
    )
    deliveries = [
        {
            "notification_id": id_,
            "to_address": email,
            "status": "pending",
            "attempts": 0,
            "queued_at": now,
        }
        for id_, essential, muted, email, active in db.session.execute(query)
        if rules.should_email(wants_email=True, essential=essential, muted=muted, active=active)
    ]
    insert_rows(MailDelivery.__table__, deliveries)
