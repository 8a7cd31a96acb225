"""Throttling log-in attempts by client address and by e-mail (rules: lms.auth.rules,
FAILED_LOGIN_LIMITS). Services: flush, never commit; the log-in view commits the count even
when the log-in is refused."""

import hashlib
from datetime import datetime

from sqlalchemy import delete, or_, select

from lms.auth import rules
from lms.auth.models import LoginThrottle
from lms.database import db


def account_digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def _keys(email: str, address: str) -> dict[str, str]:
    account = account_digest(email)
    return {
        "pair": f"pair:{address}:{account}",
        "address": f"address:{address}",
        "account": f"account:{account}",
    }


def is_throttled(email: str, address: str, *, now: datetime) -> bool:
    """Whether any of the attempt's keys is locked just now."""
    keys = list(_keys(email, address).values())
    locks = db.session.scalars(
        select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys))
    )
    return any(rules.is_locked(locked_until, now) for locked_until in locks)


def record_failure(email: str, address: str, *, now: datetime) -> None:
    """Count one failed attempt under each of its keys, locking those at their limit."""
    account = account_digest(email)
    for scope, key in _keys(email, address).items():
        row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        if row is None:
            row = LoginThrottle(key=key, account=account if scope != "address" else None)
            db.session.add(row)
        row.failures, row.window_started_at = rules.failures_in_window(
            row.failures or 0, row.window_started_at, now
        )
        limit = rules.FAILED_LOGIN_LIMITS[scope]
        row.locked_until = rules.lock_after_failure(row.failures, now, limit)
    db.session.flush()


def forget_pair(email: str, address: str) -> None:
    """A successful log-in clears the count of its own address for that e-mail."""
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.key == _keys(email, address)["pair"])
    )


def forget_account(email: str) -> None:
    """A new password or a reactivation clears every count of that e-mail."""
    account = account_digest(email)
    db.session.execute(
        delete(LoginThrottle).where(
            or_(LoginThrottle.account == account, LoginThrottle.key == f"account:{account}")
        )
    )
