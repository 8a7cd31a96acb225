"""Which Uptake person a statement's actor is, whichever identifier the sender used: mbox,
mbox_sha1sum (looked up in users.email_sha1), or an account on Uptake's home page (the HR id,
or `uptake-<id>`)."""

from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from lms.auth.models import User
from lms.database import db
from lms.value_lists import among
from lms.xapi.store.identifiers import person_agent, person_keys, uptake_user_id

if TYPE_CHECKING:
    from lms.xapi.settings import LrsSettings


def match_key(key: str) -> str:
    """Actor keys compared the way people are: e-mail addresses without regard to case."""
    return key.lower() if key.startswith("agent|mbox|") else key


def users_by_agent_key(keys: set[str], home_page: str) -> dict[str, int]:
    """match_key(actor key) -> user id for the keys that name a person, in one query
    however many keys there are."""
    emails, user_ids, account_names, hashes = set(), set(), set(), set()
    account_prefix = f"agent|account|{home_page}|"
    for key in keys:
        if key.startswith("agent|mbox|mailto:"):
            emails.add(key[len("agent|mbox|mailto:") :].lower())
        elif key.startswith(account_prefix):
            name = key[len(account_prefix) :]
            account_names.add(name)
            if (user_id := uptake_user_id(name)) is not None:
                user_ids.add(user_id)
        elif key.startswith("agent|mbox_sha1sum|"):
            hashes.add(key[len("agent|mbox_sha1sum|") :])
    conditions = []
    if emails:
        conditions.append(among(User.email, emails))
    if user_ids:
        conditions.append(among(User.id, user_ids))
    if account_names:
        conditions.append(among(User.employee_id, account_names))
    if hashes:
        conditions.append(among(User.email_sha1, hashes))
    columns = select(User.id, User.email, User.employee_id)
    rows = list(db.session.execute(columns.where(or_(*conditions)))) if conditions else []
    found: dict[str, int] = {}
    for user_id, email, hr_id in rows:
        keys = person_keys(email=email, employee_id=hr_id, user_id=user_id, home_page=home_page)
        for key in keys:
            found[match_key(key)] = user_id
    return found


def keys_of_user(user: User, home_page: str) -> set[str]:
    """Every actor key this person may appear under."""
    return person_keys(
        email=user.email,
        employee_id=user.employee_id,
        user_id=user.id,
        home_page=home_page,
    )


def uptake_agent(user: User, settings: "LrsSettings") -> dict:
    """How Uptake's own statements name this person (XAPI_ACTOR_IDENTIFIER)."""
    return person_agent(
        name=user.name,
        email=user.email,
        employee_id=user.employee_id,
        user_id=user.id,
        mode=settings.actor_identifier,
        home_page=settings.base_url,
    )
