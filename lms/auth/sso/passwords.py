"""Whether passwords may be used, when the company signs in through its identity provider:
PASSWORD_SIGN_IN=off leaves them to the BREAK_GLASS_EMAIL account alone."""

from collections.abc import Mapping

from lms.auth.models import User
from lms.auth.sso.rules import PasswordPolicy, may_use_password
from lms.auth.tokens import read_password_token
from lms.database import db
from lms.errors import DomainError

SWITCHED_OFF = (
    "Password sign-in is switched off for this company (PASSWORD_SIGN_IN=off): sign in "
    "through your identity provider."
)


class PasswordSignInOff(DomainError):
    """Someone other than the break-glass account tried to use or get a password."""

    def __init__(self, message: str = SWITCHED_OFF):
        super().__init__(message)


def password_policy(config: Mapping) -> PasswordPolicy:
    """The policy the application is configured with (lms.config.sign_in_settings)."""
    return PasswordPolicy(
        enabled=config.get("PASSWORD_SIGN_IN", True),
        break_glass_email=config.get("BREAK_GLASS_EMAIL"),
    )


def check_password_sign_in(email: str | None, policy: PasswordPolicy) -> None:
    """Refuse a password before it is even checked, unless passwords are on or this is the
    break-glass account: the answer is the same whether the e-mail is anyone's or not."""
    if not may_use_password(email, policy):
        raise PasswordSignInOff()


def check_password_link(token: str, policy: PasswordPolicy, *, secret: str, max_age: int) -> None:
    """While passwords are off, a one-time password link works for the break-glass account
    only (a bad or expired link says so, as it always does)."""
    if policy.enabled:
        return
    user_id, _ = read_password_token(token, secret, max_age)
    person = db.session.get(User, user_id)
    check_password_sign_in(person.email if person else None, policy)


def may_have_password(person: User, policy: PasswordPolicy) -> bool:
    """Whether a password link may be issued for this person."""
    return may_use_password(person.email, policy)
