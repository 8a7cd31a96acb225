"""Who an identity provider's sign-in is: the one place OpenID Connect and SAML 2.0 both
call. Never commits and never reads the request: the caller does."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from lms.auth import services
from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.auth.sso import rules
from lms.auth.sso.models import SignInLink
from lms.database import db
from lms.errors import DomainError


class SignInRefused(DomainError):
    """The provider vouched for someone Uptake will not sign in; the message says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignInClaims:
    """What a provider says about the person signing in, already checked (signature,
    issuer, audience, time) by the protocol's own module. `subject` is the provider's
    lasting id for the account; `provider` names the provider ("oidc", "saml")."""

    email: str | None
    hr_id: str | None
    name: str | None
    groups: tuple[str, ...]
    provider: str
    subject: str


def sign_in_settings(config: Mapping) -> rules.SignInSettings:
    """The matching settings from the application's configuration (lms.config)."""
    return rules.SignInSettings(
        match_by=config.get("SSO_MATCH_BY", rules.MATCH_BY_EMAIL),
        create_unknown_people=config.get("SSO_CREATE_UNKNOWN_PEOPLE", False),
        default_job_role=config.get("SSO_DEFAULT_JOB_ROLE"),
        hr_groups=frozenset(config.get("SSO_HR_GROUPS", ())),
        admin_groups=frozenset(config.get("SSO_ADMIN_GROUPS", ())),
    )


def person_for_sign_in(
    claims: SignInClaims, *, now: datetime, settings: rules.SignInSettings | None = None
) -> User:
    """The person these claims sign in. The account's link from an earlier sign-in wins;
    else the person with the HR id (when matching by HR id) or the e-mail (any case); else,
    only when the company allows it, a new person made as an import makes them. Inactive
    people are refused. The provider's groups then set the HR and admin roles it governs,
    recorded in the audit log. A person keeps one account per provider: another account
    with their e-mail or HR id (an address handed on to someone new, say) is refused until
    an admin unlinks the first (`unlink_sign_ins`). `settings` default to the application's."""
    settings = settings or sign_in_settings(current_app.config)
    link = _link_for(claims)
    person = link.user if link else _match(claims, settings)
    if person is None:
        person = _create_person(claims, settings, now=now)
    if not person.active:
        raise SignInRefused(
            f"{person.email} has been deactivated in Uptake. Ask HR if this is a mistake."
        )
    if link is None:
        _check_no_other_account(person, claims)
        link = _link(person, claims, now=now)
    link.last_signed_in_at = now
    _apply_groups(person, claims, settings, now=now)
    return person


def _link_for(claims: SignInClaims) -> SignInLink | None:
    return db.session.scalar(
        select(SignInLink).where(
            SignInLink.provider == claims.provider, SignInLink.subject == claims.subject
        )
    )


def _match(claims: SignInClaims, settings: rules.SignInSettings) -> User | None:
    """The person with the claimed HR id, or with the claimed e-mail, as configured."""
    if settings.match_by == rules.MATCH_BY_HR_ID:
        if not claims.hr_id:
            raise SignInRefused(
                "Your identity provider did not send your HR id, which Uptake matches people "
                "by. Ask IT to release the HR id claim to Uptake."
            )
        return db.session.scalar(select(User).where(User.employee_id == claims.hr_id.strip()))
    if not claims.email:
        raise SignInRefused(
            "Your identity provider did not send your e-mail address. Ask IT to release "
            "the e-mail claim to Uptake."
        )
    return services.get_user_by_email(claims.email)  # e-mails are kept in lower case


def _create_person(claims: SignInClaims, settings: rules.SignInSettings, *, now) -> User:
    """Just-in-time creation, through the same service as an admin's form, so curricula and
    the audit log follow. Off unless the company switched it on."""
    who = claims.email or claims.hr_id or claims.subject
    if not settings.create_unknown_people:
        raise SignInRefused(
            f"Uptake has nobody matching {who}. People come from HR: ask HR to add you."
        )
    if not claims.email or not settings.default_job_role:
        raise SignInRefused(
            f"Uptake cannot add {who}: it needs an e-mail and a default job role "
            "(SSO_DEFAULT_JOB_ROLE)."
        )
    details = services.PersonDetails(
        email=claims.email,
        name=rules.display_name(claims.name, claims.email),
        job_role=settings.default_job_role,
        division=None,
        manager=None,
        hire_date=now.date(),
        roles=rules.roles_from_groups(set(), claims.groups, settings),
        employee_id=claims.hr_id,
    )
    try:
        return services.create_person(details, now=now, via=_via(claims))
    except DomainError as exc:
        raise SignInRefused(f"Uptake cannot add {who}: {exc}") from exc


def _check_no_other_account(person: User, claims: SignInClaims) -> None:
    linked = db.session.scalar(
        select(SignInLink.id).where(
            SignInLink.user_id == person.id, SignInLink.provider == claims.provider
        )
    )
    if linked is not None:
        raise SignInRefused(
            f"{person.email} already signs in with another {claims.provider} account. If "
            "this is a new account for the same person, ask an administrator to unlink the old "
            "one."
        )


def unlink_sign_ins(person: User, *, now: datetime, actor: User | None = None) -> int:
    """Forget every provider account linked to a person (their account was replaced): the
    next sign-in matches them by e-mail or HR id again. Returns how many were linked."""
    links = list(db.session.scalars(select(SignInLink).where(SignInLink.user_id == person.id)))
    for link in links:
        db.session.delete(link)
    if links:
        accounts = [f"{link.provider}:{link.subject}" for link in links]
        summary = f"Unlinked {person.name}'s identity-provider accounts ({', '.join(accounts)})."
        details = {"accounts": accounts}
        audit.record_about(
            person, audit.SIGN_IN_UNLINKED, summary, actor=actor, now=now, details=details
        )
    return len(links)


def _link(person: User, claims: SignInClaims, *, now: datetime) -> SignInLink:
    link = SignInLink(
        provider=claims.provider,
        subject=claims.subject,
        user=person,
        linked_at=now,
        last_signed_in_at=now,
    )
    db.session.add(link)
    summary = f"Linked {person.name}'s {claims.provider} account ({claims.subject})."
    details = {"provider": claims.provider, "subject": claims.subject, "email": claims.email}
    audit.record_about(person, audit.SIGN_IN_LINKED, summary, actor=None, now=now, details=details)
    return link


def _apply_groups(person: User, claims: SignInClaims, settings, *, now: datetime) -> None:
    """The roles the provider's groups give, through the people service's role change
    (which records a grant or removal in the audit log, and does nothing when none)."""
    wanted = rules.roles_from_groups(person.roles, claims.groups, settings)
    services.change_roles(person, wanted, now=now, via=_via(claims))


def _via(claims: SignInClaims) -> str:
    return f"{claims.provider} sign-in"


def record_refused(provider: str, reason: str, *, now: datetime, who: str | None) -> None:
    """An audit entry for a refused sign-in, written after the refused attempt is rolled
    back, so that nothing but the entry remains of it."""
    summary = f"Refused a {provider} sign-in{f' for {who}' if who else ''}: {reason}"
    details = {"provider": provider, "who": who, "reason": reason}
    audit.record(
        audit.SIGN_IN_REFUSED, audit.PERSON, None, summary, actor=None, now=now, details=details
    )
