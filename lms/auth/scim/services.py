"""Provisioning people and their access roles from an identity provider. Every change goes
through the people services the CSV import and the admin's form use (create_person,
update_person, deactivate_person, reactivate_person, change_roles), so curricula, coaching,
adoption and the audit log follow as they do for an import. Never commits: the caller does."""

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.auth import services as people
from lms.auth.models import JobRole, User
from lms.auth.people_import import person_problems
from lms.auth.scim import filters
from lms.auth.scim.mapping import (
    ScimSettings,
    UserFields,
    user_resource,
)
from lms.auth.scim.models import ScimGroup, ScimGroupMember, ScimIdentity
from lms.auth.scim.rules import ENTERPRISE_SCHEMA, ScimError, invalid_value
from lms.database import db
from lms.dates import parse_date
from lms.errors import FieldError

UNIQUE_FIELDS = {"email": "emails", "employee_id": f"{ENTERPRISE_SCHEMA}:employeeNumber"}


def not_found(resource_type: str, resource_id) -> ScimError:
    return ScimError(404, f"There is no {resource_type} with id {resource_id!r}.")


# Reading -----------------------------------------------------------------------------------


def _provisioned():
    """People as SCIM shows them: everyone in Uptake but those the provider DELETEd."""
    return (
        select(User, ScimIdentity)
        .outerjoin(ScimIdentity, ScimIdentity.user_id == User.id)
        .where(ScimIdentity.deprovisioned_at.is_(None))
        .options(selectinload(User.manager))
    )


def get_user(user_id: str) -> tuple[User, ScimIdentity | None]:
    """The person with this SCIM id (Uptake's own id); 404 if none, or DELETEd."""
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10):
        raise not_found("User", user_id)
    row = db.session.execute(_provisioned().where(User.id == int(user_id))).first()
    if row is None:
        raise not_found("User", user_id)
    return row.User, row.ScimIdentity


def memberships(user_ids) -> dict[int, list[ScimGroup]]:
    """The groups each person is in, by their id."""
    rows = db.session.execute(
        select(ScimGroupMember.user_id, ScimGroup)
        .join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
        .where(ScimGroupMember.user_id.in_(list(user_ids)))
        .order_by(ScimGroup.id)
    )
    found: dict[int, list[ScimGroup]] = {}
    for user_id, group in rows:
        found.setdefault(user_id, []).append(group)
    return found


def user_json(person: User, identity: ScimIdentity | None, settings: ScimSettings) -> dict:
    """The person as a SCIM User, with the groups they are in."""
    return user_resource(person, identity, settings, memberships([person.id]).get(person.id, []))


def _users_json(rows, settings: ScimSettings) -> list[dict]:
    groups = memberships([row.User.id for row in rows])
    return [
        user_resource(row.User, row.ScimIdentity, settings, groups.get(row.User.id, []))
        for row in rows
    ]


def list_users(tree, offset: int, limit: int, settings: ScimSettings) -> tuple[int, list[dict]]:
    """(how many match, the page of them as SCIM Users), in id order. The filter's top-level
    equalities on userName, e-mail, externalId, id and employeeNumber narrow the query; the
    whole filter is then applied to each candidate."""
    query = _provisioned().order_by(User.id)
    if tree is None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = db.session.execute(query.offset(offset).limit(limit)).all()
        return total, _users_json(rows, settings)
    query = _narrowed(query, filters.equalities(tree))
    rows = db.session.execute(query).all()
    found = [
        resource for resource in _users_json(rows, settings) if filters.matches(tree, resource)
    ]
    return len(found), found[offset : offset + limit]


def _narrowed(query, equal: dict[str, str]):
    if "username" in equal:
        key = equal["username"].lower()
        query = query.where(
            (ScimIdentity.user_name_key == key)
            | (ScimIdentity.user_id.is_(None) & (User.email == key))
        )
    for path in ("emails.value", "emails"):
        if path in equal:
            query = query.where(User.email == equal[path].lower())
    if "externalid" in equal:
        query = query.where(ScimIdentity.external_id == equal["externalid"])
    if "id" in equal:
        wanted = equal["id"]
        query = query.where(User.id == (int(wanted) if wanted.isdigit() else -1))
    employee_number = f"{ENTERPRISE_SCHEMA}:employeeNumber".lower()
    if employee_number in equal:
        query = query.where(User.employee_id == equal[employee_number])
    return query


# Writing -----------------------------------------------------------------------------------


def create_user(fields: UserFields, settings: ScimSettings, *, now: datetime, via: str) -> User:
    """A new person, through create_person as for an import; `via` (the token) goes into
    the audit log. A person the provider DELETEd before comes back (same e-mail or
    userName): changed, reactivated, shown again."""
    returning = _deprovisioned_match(fields)
    if returning is not None:
        returning.deprovisioned_at = None
        return replace_user(returning.user, fields, settings, now=now, via=via)
    _check_user_name(fields.user_name, None)
    details = _details(fields, settings, None, now=now)
    person = _saving(lambda: people.create_person(details, now=now, via=via))
    _save_identity(person, fields)
    _set_active(person, fields.active, now=now, via=via)
    return person


def replace_user(
    person: User, fields: UserFields, settings: ScimSettings, *, now: datetime, via: str
) -> User:
    """Everything the provider says about a person, through update_person. Roles are left
    as they are: Groups grant them."""
    _check_user_name(fields.user_name, person)
    details = _details(fields, settings, person, now=now)
    _saving(lambda: people.update_person(person, details, now=now, via=via))
    _save_identity(person, fields)
    _set_active(person, fields.active, now=now, via=via)
    return person


def deprovision_user(person: User, *, now: datetime, via: str) -> None:
    """DELETE: Uptake never deletes a person (their learning record stays). They are
    deactivated, and SCIM no longer shows them."""
    identity = db.session.get(ScimIdentity, person.id)
    if identity is None:
        identity = ScimIdentity(user=person, **_user_name_columns(person.email))
        db.session.add(identity)
    identity.deprovisioned_at = now
    _set_active(person, False, now=now, via=via)


def _saving(save):
    """Run a people service; its refusals become SCIM errors naming the attribute."""
    try:
        return save()
    except FieldError as exc:
        attribute = UNIQUE_FIELDS.get(exc.field)
        if attribute is not None:
            raise ScimError(409, f"{attribute}: {exc}", "uniqueness") from exc
        raise invalid_value(f"{_attribute(exc.field)}: {exc}") from exc


def _set_active(person: User, active: bool, *, now: datetime, via: str) -> None:
    if person.active and not active:
        people.deactivate_person(None, person, now=now, via=via)
    elif active and not person.active:
        people.reactivate_person(person, actor=None, now=now, via=via)


def _deprovisioned_match(fields: UserFields) -> ScimIdentity | None:
    return db.session.scalar(
        select(ScimIdentity)
        .join(User, User.id == ScimIdentity.user_id)
        .where(
            ScimIdentity.deprovisioned_at.is_not(None),
            (ScimIdentity.user_name_key == fields.user_name.lower())
            | (User.email == fields.email.lower()),
        )
        .limit(1)
    )


def _check_user_name(user_name: str, person: User | None) -> None:
    """A userName names one person, regardless of case; so does an e-mail SCIM shows as one."""
    key = user_name.lower()
    holder = db.session.scalar(select(ScimIdentity).where(ScimIdentity.user_name_key == key))
    holder_id = holder.user_id if holder is not None else None
    if holder is None:
        holder_id = db.session.scalar(
            select(User.id)
            .outerjoin(ScimIdentity, ScimIdentity.user_id == User.id)
            .where(User.email == key, ScimIdentity.user_id.is_(None))
        )
    if holder_id is not None and (person is None or holder_id != person.id):
        raise ScimError(409, f"userName {user_name} is already in use.", "uniqueness")


def _user_name_columns(user_name: str) -> dict:
    return {"user_name": user_name, "user_name_key": user_name.lower()}


def _save_identity(person: User, fields: UserFields) -> None:
    identity = db.session.get(ScimIdentity, person.id)
    if identity is None:
        identity = ScimIdentity(user_id=person.id)
        db.session.add(identity)
    for column, value in _user_name_columns(fields.user_name).items():
        setattr(identity, column, value)
    identity.external_id = fields.external_id
    identity.sent = fields.sent or None
    db.session.flush()


# What a User says, checked as an import row is -----------------------------------------------


def _attribute(field: str, settings: ScimSettings | None = None) -> str:
    """The SCIM attribute an import column or form field stands for."""
    names = {
        "email": "emails",
        "name": "name",
        "division": f"{ENTERPRISE_SCHEMA}:department",
        "employee_id": f"{ENTERPRISE_SCHEMA}:employeeNumber",
        "manager_email": f"{ENTERPRISE_SCHEMA}:manager",
    }
    if settings is not None:
        names["job_role"] = settings.job_role_attribute
        names["hire_date"] = settings.hire_date_attribute or "hire date"
    return names.get(field, field)


def _details(fields: UserFields, settings: ScimSettings, person: User | None, *, now):
    job_role = _job_role(fields.job_role, settings, person)
    manager = _manager(fields.manager_id)
    hire_date = fields.hire_date or _kept_hire_date(person, now)
    raw = {
        "email": fields.email,
        "name": fields.name,
        "job_role": job_role,
        "division": fields.division or "",
        "manager_email": manager.email if manager else "",
        "hire_date": hire_date,
        "employee_id": fields.employee_id or "",
        "roles": "",
    }
    problems = person_problems(raw, {job_role})
    if problems:
        detail = "; ".join(f"{_attribute(p.column, settings)} {p.message}" for p in problems)
        raise invalid_value(detail + ".")
    return people.PersonDetails(
        email=fields.email,
        name=fields.name,
        job_role=job_role,
        division=fields.division,
        manager=manager,
        hire_date=parse_date(hire_date),
        roles=set(person.roles) if person else set(),
        employee_id=fields.employee_id,
    )


def _kept_hire_date(person: User | None, now: datetime) -> str:
    """Without the attribute: the hire date Uptake has, else the day of creation."""
    day: date = person.hire_date if person is not None else now.date()
    return day.isoformat()


def _job_role(text: str | None, settings: ScimSettings, person: User | None) -> str:
    """The job role's slug, from its slug or its title regardless of case. Without the
    attribute a person keeps the job role they have; a new person must have one."""
    roles = list(db.session.scalars(select(JobRole).order_by(JobRole.slug)))
    if text is None and person is not None:
        return person.job_role.slug
    for role in roles:
        if text is not None and text.lower() in (role.slug.lower(), role.title.lower()):
            return role.slug
    valid = ", ".join(role.slug for role in roles)
    said = "is required" if text is None else f"{text!r} is not a job role in Uptake"
    raise invalid_value(f"{settings.job_role_attribute} {said}; use one of: {valid}.")


def _manager(manager_id: str | None) -> User | None:
    if manager_id is None:
        return None
    try:
        manager, _identity = get_user(manager_id)
    except ScimError:
        raise invalid_value(
            f"{ENTERPRISE_SCHEMA}:manager.value {manager_id!r} is no person in Uptake."
        ) from None
    return manager
