"""How a person reads in SCIM, and what a SCIM User says about a person. Pure: the person
comes in as an object with Uptake's attributes, SCIM JSON as dicts; no database.

| SCIM                                     | Uptake                                   |
|------------------------------------------|------------------------------------------|
| userName                                 | kept as sent; the e-mail when none given |
| emails (primary, else work, else first)  | e-mail (else userName, if an e-mail)     |
| name.givenName + familyName / formatted  | name (else displayName)                  |
| active                                   | active                                   |
| externalId                               | kept as sent                             |
| enterprise employeeNumber                | HR id                                    |
| enterprise department                    | division                                 |
| enterprise manager.value                 | manager (their SCIM id)                  |
| settings.job_role_attribute (title)      | job role (slug or title)                 |
| settings.hire_date_attribute (none)      | hire date (else the day of creation)     |
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from lms.auth.scim import filters
from lms.auth.scim.rules import (
    ENTERPRISE_SCHEMA,
    GROUP_SCHEMA,
    USER_SCHEMA,
    etag_for,
    invalid_value,
    read_bool,
)


@dataclass(frozen=True)
class ScimSettings:
    base_url: str  # ends in /scim/v2
    job_role_attribute: str = "title"
    hire_date_attribute: str | None = None
    # The access roles membership of a group grants: (role, group names, lower-cased).
    role_groups: tuple[tuple[str, frozenset[str]], ...] = ()


def roles_from_groups(group_names, settings: ScimSettings) -> set[str]:
    """The access roles a person's groups grant them: a role when one of its groups is
    among theirs (names regardless of case)."""
    names = {name.lower() for name in group_names}
    return {role for role, granting in settings.role_groups if granting & names}


@dataclass(frozen=True)
class UserFields:
    """What a SCIM User asks of Uptake, as plain values (None: not given)."""

    user_name: str
    external_id: str | None
    email: str
    name: str
    job_role: str | None
    division: str | None
    manager_id: str | None
    employee_id: str | None
    hire_date: str | None
    active: bool
    sent: dict  # name and emails in the provider's own form (ScimIdentity.sent)


def location(settings: ScimSettings, resource_type: str, resource_id) -> str:
    return f"{settings.base_url}/{resource_type}s/{resource_id}"


def user_resource(person, identity, settings: ScimSettings, groups=()) -> dict:
    """The person as a SCIM User, with the groups they are in and meta (its version hashes
    everything else)."""
    enterprise = {"employeeNumber": person.employee_id}
    if person.division is not None:
        enterprise["department"] = person.division.name
    if person.manager is not None:
        enterprise["manager"] = {
            "value": str(person.manager_id),
            "$ref": location(settings, "User", person.manager_id),
        }
    resource = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": str(person.id),
        "externalId": identity.external_id if identity else None,
        "userName": identity.user_name if identity else person.email,
        **_name_and_emails(person, identity),
        "displayName": person.name,
        "active": person.active,
        ENTERPRISE_SCHEMA: enterprise,
        "groups": [
            {
                "value": str(group.id),
                "display": group.display_name,
                "$ref": location(settings, "Group", group.id),
                "type": "direct",
            }
            for group in groups
        ],
    }
    _put(resource, settings.job_role_attribute, person.job_role.slug)
    if settings.hire_date_attribute:
        _put(resource, settings.hire_date_attribute, person.hire_date.isoformat())
    return with_meta(
        _without_empty(resource), "User", location(settings, "User", person.id), person
    )


def group_resource(group, members: list, settings: ScimSettings) -> dict:
    """A pushed group as a SCIM Group, its members as SCIM shows them."""
    resource = {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.id),
        "externalId": group.external_id,
        "displayName": group.display_name,
        "members": [
            {"value": str(person.id), "$ref": location(settings, "User", person.id), "type": "User"}
            for person in members
        ],
    }
    url = location(settings, "Group", group.id)
    return with_meta(_without_empty(resource), "Group", url, group)


def _name_and_emails(person, identity) -> dict:
    """The provider's own form of the name and e-mails while they still give Uptake's name
    and e-mail (a form or an import may have changed them since), and no name if it sent
    none; else Uptake's, with the name split at its first space."""
    sent = (identity.sent if identity is not None else None) or {}
    shown = {}
    if "name" in sent and _name(sent, person.email) == person.name:
        shown["name"] = sent["name"]
    elif "name" in sent or "emails" not in sent:  # else the provider sent no name
        given, _, family = person.name.partition(" ")
        shown["name"] = {"givenName": given, "familyName": family or None}
    emails = sent.get("emails")
    if emails and _chosen_email(emails) == person.email:
        shown["emails"] = emails
    else:
        shown["emails"] = [{"value": person.email, "type": "work", "primary": True}]
    return shown


def with_meta(resource: dict, resource_type: str, url: str, stored) -> dict:
    """meta: what and where it is, when its row was made and changed, and its version."""
    digest = hashlib.sha1(json.dumps(resource, sort_keys=True).encode()).hexdigest()
    meta = {"resourceType": resource_type, "location": url, "version": etag_for(digest)}
    meta["created"] = _timestamp(stored.created_at)
    meta["lastModified"] = _timestamp(max(stored.updated_at, stored.created_at))
    return resource | {"meta": meta}


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _put(resource: dict, path: str, value) -> None:
    names = filters.split_path(path)
    for name in names[:-1]:
        resource = resource.setdefault(name, {})
    resource[names[-1]] = value


def _without_empty(value):
    """SCIM leaves out what has no value (RFC 7643 §2.5)."""
    if isinstance(value, dict):
        kept = {key: _without_empty(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value


# Reading -----------------------------------------------------------------------------------


def read_user(resource, settings: ScimSettings) -> UserFields:
    """What a User (POST or PUT body, or the result of a PATCH) asks; invalidValue naming the
    attribute when a required one is missing or of the wrong kind."""
    if not isinstance(resource, dict):
        raise invalid_value("The body must be a JSON object.")
    user_name = _text(resource, "userName")
    if not user_name:
        raise invalid_value("userName is required.")
    external_id = _text(resource, "externalId")
    for attribute, value, longest in (
        ("userName", user_name, 254),
        ("externalId", external_id, 255),
    ):
        if value is not None and len(value) > longest:
            raise invalid_value(f"{attribute} is longer than {longest} characters.")
    email = _email(resource, user_name)
    active = _first(resource, "active")
    return UserFields(
        user_name=user_name,
        external_id=external_id,
        email=email,
        name=_name(resource, email),
        job_role=_text(resource, settings.job_role_attribute),
        division=_text(resource, f"{ENTERPRISE_SCHEMA}:department"),
        manager_id=_manager_id(resource),
        employee_id=_text(resource, f"{ENTERPRISE_SCHEMA}:employeeNumber"),
        hire_date=_text(resource, settings.hire_date_attribute)
        if settings.hire_date_attribute
        else None,
        active=True if active is None else read_bool(active, "active"),
        sent={
            name: value
            for name in ("name", "emails")
            if (value := filters.get_ignoring_case(resource, name)) is not None
        },
    )


def _first(resource: dict, path: str):
    values = filters.values_at(resource, path)
    return values[0] if values else None


def _text(resource: dict, path: str) -> str | None:
    value = _first(resource, path)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid_value(f"{path} must be text, not {json.dumps(value)}.")
    return str(value).strip() or None


def _email(resource: dict, user_name: str) -> str:
    """The primary e-mail, else the work one, else the first; else userName if it is one."""
    chosen = _chosen_email(filters.values_at(resource, "emails"))
    if chosen:
        return chosen
    if "@" in user_name:
        return user_name.lower()
    raise invalid_value("emails: Uptake needs an e-mail address (or a userName that is one).")


def _chosen_email(emails: list) -> str | None:
    ranked = sorted(
        (e for e in emails if isinstance(e, dict)),
        key=lambda e: (not _is_true(e.get("primary")), str(e.get("type", "")).lower() != "work"),
    )
    for email in ranked:
        if isinstance(email.get("value"), str) and email["value"].strip():
            return email["value"].strip().lower()
    return None


def _is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _name(resource: dict, email: str) -> str:
    given, family = _text(resource, "name.givenName"), _text(resource, "name.familyName")
    joined = " ".join(part for part in (given, family) if part)
    return (
        joined
        or _text(resource, "name.formatted")
        or _text(resource, "displayName")
        or email.partition("@")[0]
    )


def _manager_id(resource: dict) -> str | None:
    """manager.value; Entra ID may send the id itself as the manager's value."""
    manager = _first(resource, f"{ENTERPRISE_SCHEMA}:manager")
    if isinstance(manager, dict):
        manager = manager.get("value")
    if manager is None or (isinstance(manager, str) and not manager.strip()):
        return None
    if not isinstance(manager, str | int):
        raise invalid_value(f"{ENTERPRISE_SCHEMA}:manager.value must be the manager's id.")
    return str(manager).strip()
