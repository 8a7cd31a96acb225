"""Writing the audit log and reading it. The services that change roles, people and settings
call `record` in their own transaction, so an entry exists exactly when its change does.
Entries are only ever added. Never commits: the caller does."""

from datetime import date, datetime

from sqlalchemy import Select, insert, select

from lms.auth.audit import rules
from lms.auth.models import AuditEntry, User
from lms.database import db

PERSON, LRS_CLIENT, OUTBOX = "person", "lrs_client", "outbox"
ADOPTION_TARGET, CONTEST = "adoption_target", "contest"
CRM_CONNECTION, CRM_ACCOUNT = "crm_connection", "crm_account"

PERSON_ADDED = "person.added"
PERSON_CHANGED = "person.changed"
ROLES_CHANGED = "person.roles"
PERSON_DEACTIVATED = "person.deactivated"
PERSON_REACTIVATED = "person.reactivated"
PASSWORD_LINK_ISSUED = "person.password_link"
CHAMPION_NAMED = "champion.named"
CHAMPION_REMOVED = "champion.removed"
COACH_DELEGATED = "coaching.delegated"
COACH_DELEGATION_REVOKED = "coaching.delegation_revoked"
LRS_CLIENT_CREATED = "lrs_client.created"
LRS_CLIENT_REVOKED = "lrs_client.revoked"
DEAD_LETTER_RETRIED = "forwarding.retried"
DEAD_LETTERS_RETRIED = "forwarding.retried_all"
ADOPTION_TARGET_SET = "adoption.target"
CONTEST_SAVED = "contest.saved"
CRM_CONNECTED = "crm.connected"
CRM_ACCOUNT_MATCHED = "crm.account_matched"
SCIM_TOKEN, SCIM_TOKEN_CREATED, SCIM_TOKEN_REVOKED = "scim_token", "scim.token", "scim.revoked"
SIGN_IN_LINKED = "sign_in.linked"
SIGN_IN_REFUSED = "sign_in.refused"
SIGN_IN_UNLINKED = "sign_in.unlinked"

PERSON_SAVED = {"added": PERSON_ADDED, "changed": PERSON_CHANGED, "roles": ROLES_CHANGED}

ACTIONS = {
    PERSON_ADDED: "Person added",
    PERSON_CHANGED: "Person changed",
    ROLES_CHANGED: "Access roles granted or removed",
    PERSON_DEACTIVATED: "Person deactivated",
    PERSON_REACTIVATED: "Person reactivated",
    PASSWORD_LINK_ISSUED: "Password link issued",
    CHAMPION_NAMED: "CRM champion named",
    CHAMPION_REMOVED: "CRM champion removed",
    COACH_DELEGATED: "Coach delegated",
    COACH_DELEGATION_REVOKED: "Coach delegation revoked",
    LRS_CLIENT_CREATED: "LRS client created",
    LRS_CLIENT_REVOKED: "LRS client revoked",
    DEAD_LETTER_RETRIED: "Dead letter sent again",
    DEAD_LETTERS_RETRIED: "Every dead letter sent again",
    ADOPTION_TARGET_SET: "Adoption target set",
    CONTEST_SAVED: "Contest created or changed",
    CRM_CONNECTED: "CRM connected",
    CRM_ACCOUNT_MATCHED: "CRM user matched to a person",
    SCIM_TOKEN_CREATED: "SCIM token created",
    SCIM_TOKEN_REVOKED: "SCIM token revoked",
    SIGN_IN_LINKED: "Identity-provider account linked",
    SIGN_IN_REFUSED: "Identity-provider sign-in refused",
    SIGN_IN_UNLINKED: "Identity-provider accounts unlinked",
}


def record(
    action: str,
    subject_type: str,
    subject_id: int | None,
    summary: str,
    *,
    actor: User | None,
    now: datetime,
    details: dict | None = None,
) -> AuditEntry:
    """Add one entry; `actor` None means the command line or the system made the change."""
    entry = AuditEntry(**_values(action, subject_type, subject_id, summary, actor, now, details))
    db.session.add(entry)
    return entry


def _values(action, subject_type, subject_id, summary, actor, now, details) -> dict:
    return {
        "at": now,
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "summary": summary,
        "details": details,
    }


def person_snapshot(person: User) -> dict:
    """What an admin or an import can change about a person, as plain values."""
    return {
        "email": person.email,
        "name": person.name,
        "job_role": person.job_role.slug if person.job_role else None,
        "division": person.division.name if person.division else None,
        "manager": person.manager.email if person.manager else None,
        "hire_date": person.hire_date.isoformat() if person.hire_date else None,
        "employee_id": person.employee_id,
        "roles": sorted(person.roles),
    }


def record_people_saved(
    saved: list[tuple[User, dict | None]],
    *,
    actor: User | None,
    now: datetime,
    via: str | None = None,
) -> None:
    """For each (person, their snapshot before, None if just added): an entry for their
    details and one for their access roles, each only when something changed
    (`rules.person_saved`). `via` says how: an import; else the form when an admin made the
    change, the command line when nobody did. One insert, however many people."""
    via = via or ("form" if actor is not None else "command line")
    rows = [
        _values(PERSON_SAVED[kind], PERSON, person.id, summary, actor, now, details)
        for person, before in saved
        for kind, summary, details in rules.person_saved(
            person.name, person.email, before, person_snapshot(person), via
        )
    ]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def record_saved(
    action: str,
    subject_type: str,
    subject_id: int,
    label: str,
    before: dict | None,
    after: dict,
    *,
    actor: User | None,
    now: datetime,
) -> None:
    """After a setting (`label`, such as "contest Q4 leads") is created (`before` None) or
    changed: one entry with the values, or with what changed; none when nothing did. Values
    that JSON cannot hold (dates) are kept as text."""
    after = {field: _plain(value) for field, value in after.items()}
    if before is None:
        summary, details = f"Created {label}.", after
    else:
        before = {field: _plain(value) for field, value in before.items()}
        details = {"changes": rules.detail_changes(before, after)}
        if not details["changes"]:
            return
        summary = rules.details_summary(label, details["changes"])
    record(action, subject_type, subject_id, summary, actor=actor, now=now, details=details)


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def record_about(
    person: User, action: str, summary: str, *, actor, now, details=None
) -> AuditEntry:
    return record(action, PERSON, person.id, summary, actor=actor, now=now, details=details)


def select_entries(*, person_id: int | None = None, action: str | None = None) -> Select:
    """Entries, newest first; only those about one person, or of one action, when asked."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if person_id is not None:
        query = query.where(AuditEntry.subject_type == PERSON, AuditEntry.subject_id == person_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return query


def list_recent_about(person: User, limit: int = 10) -> list[AuditEntry]:
    """The latest entries about a person, newest first, for their page."""
    return list(db.session.scalars(select_entries(person_id=person.id).limit(limit)))
