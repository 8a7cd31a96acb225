"""Groups the identity provider pushes. Each is kept with its members; membership of a group
named in SCIM_HR_GROUPS or SCIM_ADMIN_GROUPS grants that access role, and leaving the last
such group (or its being renamed or deleted) removes it: the provider governs those roles
for the people in its groups. Each grant or removal goes through change_roles, audited as
any other. Never commits: the caller does."""

from datetime import datetime

from sqlalchemy import delete, insert, select

from lms.auth import services as people
from lms.auth.models import User
from lms.auth.scim import filters
from lms.auth.scim.mapping import ScimSettings, group_resource, roles_from_groups
from lms.auth.scim.models import ScimGroup, ScimGroupMember, ScimIdentity
from lms.auth.scim.rules import ScimError, invalid_value
from lms.auth.scim.services import get_user, memberships, not_found
from lms.database import db


def get_group(group_id: str) -> ScimGroup:
    group = None
    if group_id.isascii() and group_id.isdigit() and len(group_id) <= 10:
        group = db.session.get(ScimGroup, int(group_id))
    if group is None:
        raise not_found("Group", group_id)
    return group


def group_json(group: ScimGroup, settings: ScimSettings) -> dict:
    """The group as SCIM shows it: its members but those the provider DELETEd."""
    query = (
        select(User)
        .join(ScimGroupMember, ScimGroupMember.user_id == User.id)
        .outerjoin(ScimIdentity, ScimIdentity.user_id == User.id)
        .where(ScimGroupMember.group_id == group.id, ScimIdentity.deprovisioned_at.is_(None))
        .order_by(User.id)
    )
    return group_resource(group, list(db.session.scalars(query)), settings)


def list_groups(tree, settings: ScimSettings) -> list[dict]:
    """Every group that passes the filter, oldest first."""
    found = db.session.scalars(select(ScimGroup).order_by(ScimGroup.id))
    resources = (group_json(group, settings) for group in found)
    return [r for r in resources if tree is None or filters.matches(tree, r)]


def create_group(resource, settings: ScimSettings, *, now: datetime, via: str) -> ScimGroup:
    name = _display_name(resource, None)
    group = ScimGroup(display_name=name, display_name_key=name.lower(), created_at=now)
    group.updated_at = now
    db.session.add(group)
    db.session.flush()
    replace_group(group, resource, settings, now=now, via=via)
    return group


def replace_group(
    group: ScimGroup, resource, settings: ScimSettings, *, now: datetime, via: str
) -> None:
    """Everything the provider says about a group (PUT, or the result of a PATCH): its
    name, externalId and members; the roles its members hold follow."""
    name, wanted = _display_name(resource, group), _member_ids(resource)
    external_id = filters.get_ignoring_case(resource, "externalId")
    if external_id is not None and not isinstance(external_id, str):
        raise invalid_value("externalId must be text.")
    current = {person.id for person in group.members}
    affected = current | wanted if name != group.display_name else current ^ wanted
    before = _granted(affected, settings)
    group.display_name, group.display_name_key = name, name.lower()
    group.external_id, group.updated_at = external_id, now
    _set_members(group, current, wanted)
    _follow_roles(affected, before, settings, now=now, via=via)


def delete_group(group: ScimGroup, settings: ScimSettings, *, now: datetime, via: str) -> None:
    """The group goes; its members lose the roles only it granted them."""
    affected = {person.id for person in group.members}
    before = _granted(affected, settings)
    db.session.delete(group)
    db.session.flush()
    _follow_roles(affected, before, settings, now=now, via=via)


def _display_name(resource, group: ScimGroup | None) -> str:
    if not isinstance(resource, dict):
        raise invalid_value("The body must be a JSON object.")
    name = filters.get_ignoring_case(resource, "displayName")
    if not isinstance(name, str) or not name.strip():
        raise invalid_value("displayName is required.")
    name = name.strip()
    if len(name) > 255:
        raise invalid_value("displayName is longer than 255 characters.")
    holder = db.session.scalar(select(ScimGroup).where(ScimGroup.display_name_key == name.lower()))
    if holder is not None and holder is not group:
        raise ScimError(409, f"displayName {name} is already in use.", "uniqueness")
    return name


def _member_ids(resource: dict) -> set[int]:
    members = filters.get_ignoring_case(resource, "members") or []
    if not isinstance(members, list):
        raise invalid_value('members must be a list of {"value": id}.')
    return {_member(member).id for member in members}


def _member(member) -> User:
    value = member.get("value") if isinstance(member, dict) else member
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise invalid_value("members: each member needs the person's id as its value.")
    try:
        return get_user(str(value))[0]
    except ScimError:
        raise invalid_value(f"members: {value!r} is no person in Uptake.") from None


def _set_members(group: ScimGroup, current: set[int], wanted: set[int]) -> None:
    if current - wanted:
        db.session.execute(
            delete(ScimGroupMember).where(
                ScimGroupMember.group_id == group.id,
                ScimGroupMember.user_id.in_(current - wanted),
            )
        )
    if wanted - current:
        rows = [{"group_id": group.id, "user_id": user_id} for user_id in wanted - current]
        db.session.execute(insert(ScimGroupMember), rows)
    db.session.flush()
    db.session.expire(group, ["members"])


def _granted(user_ids: set[int], settings: ScimSettings) -> dict[int, set[str]]:
    """The roles each person's groups grant them."""
    groups = memberships(user_ids)
    return {
        user_id: roles_from_groups((g.display_name for g in groups.get(user_id, [])), settings)
        for user_id in user_ids
    }


def _follow_roles(user_ids, before, settings: ScimSettings, *, now: datetime, via: str) -> None:
    """Grant what the groups grant now; remove what they granted before and no longer do."""
    after = _granted(user_ids, settings)
    for user_id in sorted(user_ids):
        if before[user_id] != after[user_id]:
            person = db.session.get(User, user_id)
            roles = (person.roles - (before[user_id] - after[user_id])) | after[user_id]
            people.change_roles(person, roles, now=now, via=via)
