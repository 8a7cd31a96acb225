"""Recording notifications (once per person and key), queueing their e-mail, reading and
muting them, and the record of what was sent."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager

from lms.auth.models import User
from lms.communications import rules
from lms.communications.models import MailDelivery, Notification, NotificationPreference
from lms.database import db
from lms.value_lists import among


@dataclass(frozen=True)
class Notice:
    """What one message says; the same notice may go to many people."""

    key: str
    title: str
    body: str
    essential: bool = False
    link: str | None = None
    wants_email: bool = True


def notify(
    person: User,
    *,
    key: str,
    title: str,
    body: str,
    now: datetime,
    essential: bool = False,
    link: str | None = None,
) -> Notification | None:
    """Record an in-app notification once per (person, key): a second call with the same key
    does nothing and returns None. Queues an e-mail when mail is configured, unless the
    person muted non-essential messages and this one is not essential."""
    notice = Notice(key, title, body, essential, link)
    new_id = send(person, notice, now=now, muted=not essential and is_muted(person.id))
    return None if new_id is None else db.session.get(Notification, new_id)


def send(person: User, notice: Notice, *, now: datetime, muted: bool) -> int | None:
    """`notify` for bulk senders, who know already whether the person muted: the new
    notification's id, or None when this person had it already."""
    if not rules.is_safe_link(notice.link):
        raise ValueError(f"notification links are paths inside Uptake, not {notice.link!r}")
    muted = muted and not notice.essential
    new_id = _insert_once(person.id, notice, now=now, muted=muted)
    if new_id is None:
        return None
    wanted = rules.should_email(
        wants_email=notice.wants_email,
        essential=notice.essential,
        muted=muted,
        active=person.active,
    )
    if wanted and mail_enabled():
        db.session.add(MailDelivery(notification_id=new_id, to_address=person.email, queued_at=now))
    return new_id


def _insert_once(user_id: int, notice: Notice, *, now: datetime, muted: bool) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING: the unique key decides, even between two senders
    running at once (the second waits for the first's commit, then inserts nothing)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Notification)
        .values(**notification_row(user_id, notice, now=now, muted=muted))
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(Notification.id)
    )
    return db.session.execute(statement).scalar()


def notification_row(user_id: int, notice: Notice, *, now: datetime, muted: bool) -> dict:
    return {
        "user_id": user_id,
        "key": notice.key[:200],
        "kind": rules.kind_of(notice.key)[:40],
        "title": notice.title[:200],
        "body": notice.body,
        "link": notice.link,
        "essential": notice.essential,
        "muted": muted,
        "created_at": now,
    }


def mail_enabled() -> bool:
    return current_app.config.get("MAIL_BACKEND", "none") != "none"


# Muting --------------------------------------------------------------------------------------


def is_muted(user_id: int) -> bool:
    preference = db.session.get(NotificationPreference, user_id)
    return bool(preference and preference.mute_non_essential)


def muted_among(user_ids: set[int]) -> set[int]:
    """Those of these people who muted non-essential messages."""
    return set(
        db.session.scalars(
            select(NotificationPreference.user_id).where(
                among(NotificationPreference.user_id, user_ids),
                NotificationPreference.mute_non_essential.is_(True),
            )
        )
    )


def muted_user_ids() -> set[int]:
    return set(
        db.session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.mute_non_essential.is_(True)
            )
        )
    )


def set_muted(person: User, muted: bool, *, now: datetime) -> NotificationPreference:
    """Mute (or unmute) non-essential messages from now on; one row per person."""
    preference = db.session.get(NotificationPreference, person.id)
    if preference is None:
        preference = NotificationPreference(user_id=person.id)
        db.session.add(preference)
    preference.mute_non_essential = bool(muted)
    preference.updated_at = now
    db.session.flush()
    return preference


# The person's own notifications --------------------------------------------------------------


def list_notifications(person: User):
    """A select of the person's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == person.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def count_unread(person: User) -> int:
    """Unread notifications that were not muted."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == person.id,
            Notification.read_at.is_(None),
            Notification.muted.is_(False),
        )
    )


def navigation_label(unread: int) -> str:
    """ "Notifications", with the unread count when there are any."""
    return _("Notifications (%(unread)s)", unread=unread) if unread else _("Notifications")


def get_own_notification(person: User, notification_id: int) -> Notification | None:
    """The notification if it is this person's; anyone else's is None (404)."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification and notification.user_id == person.id else None


def mark_read(notification: Notification, *, now: datetime) -> None:
    if notification.read_at is None:
        notification.read_at = now
        db.session.flush()


def mark_all_read(person: User, *, now: datetime) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == person.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return result.rowcount


def mark_read_by_keys(user_id: int, keys: tuple[str, ...], *, now: datetime) -> None:
    """The person's unread notifications with these keys are read from now (what they
    asked for is done)."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.key.in_(keys),
            Notification.read_at.is_(None),
        )
        .values(read_at=now),
        execution_options={"synchronize_session": False},
    )


# The record of what was sent (admins) ---------------------------------------------------------

MAIL_FILTERS = {"none": "No e-mail", "pending": "Waiting", "sent": "Sent", "failed": "Failed"}


@dataclass(frozen=True)
class SentFilters:
    query: str = ""
    kind: str = ""
    mail: str = ""
    since: date | None = None
    until: date | None = None


def search_sent(filters: SentFilters):
    """A select of notifications (with person and e-mail loaded), newest first, filtered by
    person (name or e-mail), kind, e-mail status and the days it was sent (inclusive)."""
    stmt = (
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .outerjoin(MailDelivery, MailDelivery.notification_id == Notification.id)
        .options(contains_eager(Notification.user), contains_eager(Notification.delivery))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if filters.query:
        pattern = f"%{filters.query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if filters.kind:
        stmt = stmt.where(Notification.kind == filters.kind)
    if filters.mail == "none":
        stmt = stmt.where(MailDelivery.id.is_(None))
    elif filters.mail in MAIL_FILTERS:
        stmt = stmt.where(MailDelivery.status == filters.mail)
    if filters.since:
        stmt = stmt.where(
            Notification.created_at >= datetime.combine(filters.since, datetime.min.time())
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time())
        stmt = stmt.where(Notification.created_at < end)
    return stmt


def list_kinds() -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).distinct().order_by(Notification.kind))
    )
