"""What the audit log says about a change to a person, in words. Pure: plain values in, text
out."""

from lms.auth.rules import ROLE_ADMIN, ROLE_LEARNER

ROLES = "roles"
FIELD_LABELS = {
    "email": "e-mail",
    "name": "name",
    "job_role": "job role",
    "division": "division",
    "manager": "manager",
    "hire_date": "hire date",
    "employee_id": "HR id",
}


def person_saved(
    name: str, email: str, before: dict | None, after: dict, via: str
) -> list[tuple[str, str, dict]]:
    """What saving a person says, as (kind, summary, details): "added" (`before` None) or
    "changed" (what changed, if anything did), then "roles" when access roles were granted
    or removed. `before` and `after` are their details as plain values, roles included."""
    said = []
    if before is None:
        said.append(("added", f"Added {name} <{email}>.", after | {"via": via}))
        before = {ROLES: []}
    elif changes := detail_changes(before, after):
        said.append(("changed", details_summary(name, changes), {"changes": changes, "via": via}))
    granted, removed = role_changes(before[ROLES], after[ROLES])
    if granted or removed:
        details = {"granted": granted, "removed": removed, "via": via}
        said.append(("roles", roles_summary(name, granted, removed), details))
    return said


def detail_changes(before: dict, after: dict) -> dict[str, list]:
    """Each detail (roles aside) whose value differs, as [before, after]."""
    return {
        field: [before.get(field), value]
        for field, value in after.items()
        if field != ROLES and before.get(field) != value
    }


def role_changes(before, after) -> tuple[list[str], list[str]]:
    """(granted, removed) access roles, sorted. Everyone is a learner, so that one is never
    granted nor removed."""
    before, after = set(before) - {ROLE_LEARNER}, set(after) - {ROLE_LEARNER}
    return sorted(after - before), sorted(before - after)


def roles_summary(name: str, granted: list[str], removed: list[str]) -> str:
    """ "Granted admin to Ann Lee; removed hr." """
    parts = []
    if granted:
        parts.append(f"granted {', '.join(granted)} to {name}")
    if removed:
        parts.append(f"removed {', '.join(removed)} from {name}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def details_summary(name: str, changes: dict[str, list]) -> str:
    """ "Changed Ann Lee: job role sales_rep → sales_manager; division North → (none)." """
    described = "; ".join(
        f"{FIELD_LABELS.get(field, field)} {_shown(old)} → {_shown(new)}"
        for field, (old, new) in changes.items()
    )
    return f"Changed {name}: {described}."


def _shown(value) -> str:
    return "(none)" if value in (None, "") else str(value)


def can_read_audit_log(viewer_roles) -> bool:
    """The audit log is for admins: it says who holds which access and who granted it."""
    return ROLE_ADMIN in viewer_roles
