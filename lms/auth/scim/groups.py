"""Groups: Uptake's access roles HR and admin, as SCIM Groups whose members are the people
who hold them. An identity provider pushes membership; each grant or removal goes through
change_roles, audited as any other. Never commits: the caller does."""

from datetime import datetime

from sqlalchemy import select

from lms.auth import services as people
from lms.auth.models import User, UserRole
from lms.auth.scim import filters
from lms.auth.scim.mapping import GROUP_NAMES, ScimSettings, group_resource
from lms.auth.scim.models import ScimIdentity
from lms.auth.scim.rules import ScimError, invalid_value
from lms.auth.scim.services import get_user, not_found
from lms.database import db


def group_members(role: str) -> list[User]:
    """Who holds the role, as SCIM shows people (the DELETEd left out)."""
    query = (
        select(User)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == role))
        .outerjoin(ScimIdentity, ScimIdentity.user_id == User.id)
        .where(ScimIdentity.deprovisioned_at.is_(None))
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def get_group(group_id: str, settings: ScimSettings) -> dict:
    if group_id not in GROUP_NAMES:
        raise not_found("Group", group_id)
    return group_resource(group_id, group_members(group_id), settings)


def list_groups(tree, settings: ScimSettings) -> list[dict]:
    resources = [get_group(role, settings) for role in GROUP_NAMES]
    return [r for r in resources if tree is None or filters.matches(tree, r)]


def set_group(role: str, resource, *, now: datetime, via: str) -> None:
    """Make the role's holders the group's members (PUT, or the result of a PATCH): those
    added are granted it, those left out lose it. Its name is Uptake's own."""
    if not isinstance(resource, dict):
        raise invalid_value("The body must be a JSON object.")
    name = resource.get("displayName")
    if name is not None and name != GROUP_NAMES[role]:
        raise ScimError(400, f"displayName of group {role} is {GROUP_NAMES[role]}.", "mutability")
    members = resource.get("members") or []
    if not isinstance(members, list):
        raise invalid_value('members must be a list of {"value": id}.')
    wanted = {_member_id(member) for member in members}
    holders = {str(person.id): person for person in group_members(role)}
    for member_id in sorted(wanted - holders.keys()):
        person = _member(member_id)
        people.change_roles(person, person.roles | {role}, now=now, via=via)
    for member_id in sorted(holders.keys() - wanted):
        person = holders[member_id]
        people.change_roles(person, person.roles - {role}, now=now, via=via)


def _member_id(member) -> str:
    value = member.get("value") if isinstance(member, dict) else member
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise invalid_value("members: each member needs the person's id as its value.")
    return str(value)


def _member(member_id: str) -> User:
    try:
        return get_user(member_id)[0]
    except ScimError:
        raise invalid_value(f"members: {member_id!r} is no person in Uptake.") from None
