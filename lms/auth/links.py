"""One-time password links as people receive them: a full URL on the public BASE_URL."""

from datetime import datetime

from flask import current_app, url_for

from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.auth.services import password_link_token
from lms.auth.sso.passwords import PasswordSignInOff, may_have_password, password_policy


def password_links(people) -> list[tuple[str, str]]:
    """(e-mail, link) for each person who may have a password (everyone, unless password
    sign-in is off: lms.auth.sso.passwords). Build them before committing: afterwards every
    person would be reloaded from the database one by one."""
    secret, base_url = current_app.config["SECRET_KEY"], current_app.config["BASE_URL"]
    policy = password_policy(current_app.config)
    people = [person for person in people if may_have_password(person, policy)]
    # A request context of its own, so this works from the command line as in a request.
    with current_app.test_request_context():
        return [
            (
                person.email,
                base_url + url_for("auth.set_password", token=password_link_token(person, secret)),
            )
            for person in people
        ]


def issue_password_link(person: User, *, actor: User | None, now: datetime) -> str:
    """A new one-time link for one person (who lost theirs, say). Whoever holds it can set
    the password, so the audit log records who issued it (`actor` None: the command line).
    While password sign-in is off, only the break-glass account gets one."""
    if not may_have_password(person, password_policy(current_app.config)):
        raise PasswordSignInOff()
    [(_, link)] = password_links([person])
    summary = f"Issued a password link for {person.name}."
    audit.record_about(person, audit.PASSWORD_LINK_ISSUED, summary, actor=actor, now=now)
    return link
