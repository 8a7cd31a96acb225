"""Who an identity provider's sign-in may be, and which roles its groups give. Pure: plain
values in, answers out."""

from dataclasses import dataclass, field

from lms.auth.rules import ROLE_ADMIN, ROLE_HR

MATCH_BY_EMAIL = "email"
MATCH_BY_HR_ID = "hr_id"


@dataclass(frozen=True)
class SignInSettings:
    """What the company configured (lms.config.sign_in_settings): how people are matched,
    whether unknown people are created, with which job role, and which groups mean HR or admin.
    An empty group list means that role is not the provider's to give or take."""

    match_by: str = MATCH_BY_EMAIL
    create_unknown_people: bool = False
    default_job_role: str | None = None
    hr_groups: frozenset[str] = field(default_factory=frozenset)
    admin_groups: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class PasswordPolicy:
    """Whether people may sign in with a password; when not, only the break-glass account
    (an admin's e-mail) still may, so the company is never locked out by its provider."""

    enabled: bool = True
    break_glass_email: str | None = None


def roles_from_groups(current_roles, groups, settings: SignInSettings) -> set[str]:
    """The roles a person should hold after signing in with these groups. A role whose
    groups are configured follows the provider (granted when in one of its groups, removed
    when in none); a role without configured groups is left as Uptake has it."""
    roles = set(current_roles)
    member_of = set(groups)
    for role, role_groups in ((ROLE_HR, settings.hr_groups), (ROLE_ADMIN, settings.admin_groups)):
        if not role_groups:
            continue
        if member_of & role_groups:
            roles.add(role)
        else:
            roles.discard(role)
    return roles


def may_use_password(email: str | None, policy: PasswordPolicy) -> bool:
    """Passwords work for everyone while password sign-in is on; once it is off, only for
    the break-glass account (compared without regard to case)."""
    if policy.enabled:
        return True
    glass = (policy.break_glass_email or "").strip().lower()
    return bool(glass) and (email or "").strip().lower() == glass


def display_name(name: str | None, email: str) -> str:
    """The name to create a person with: the provider's, else the e-mail's local part."""
    return (name or "").strip() or email.split("@", 1)[0]
