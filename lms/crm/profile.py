"""The Uptake CRM-usage xAPI profile: how one CRM event becomes one statement. Pure.

The profile's document (JSON-LD, xAPI Profiles 1.0) is content/crm/crm-usage-profile.jsonld;
the README's "CRM usage profile" explains it. Verbs come from registries where one fits
(Activity Streams create and update, ADL logged-in); `converted` and `viewed-report` are the
profile's own (a report view has its own verb so that adoption, which classifies statements
by verb and activity id only, can tell report use from any other view). The IRIs are fixed
for every installation, so the point rules and adoption classes in content/ match them
whichever CRM the statements came from."""

import hashlib
import re
import uuid
from datetime import datetime
from urllib.parse import quote

from lms.crm.connectors.base import (
    CONVERTED,
    CREATED,
    LOGGED_IN,
    REPORT,
    UPDATED,
    VIEWED,
    CrmEvent,
)

PROFILE = "https://uptake.dev/xapi/profiles/crm-usage"

VERBS = {  # CrmEvent.action -> (verb IRI, English display)
    CREATED: ("http://activitystrea.ms/schema/1.0/create", "created"),
    UPDATED: ("http://activitystrea.ms/schema/1.0/update", "updated"),
    CONVERTED: (f"{PROFILE}/verbs/converted", "converted"),
    LOGGED_IN: ("https://w3id.org/xapi/adl/verbs/logged-in", "logged in"),
    VIEWED: (f"{PROFILE}/verbs/viewed-report", "viewed report"),
}
APPLICATION = "application"  # the object of a log-in: the CRM itself
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")  # what `quote` leaves as it is


def activity_type(crm_object: str) -> str:
    """A record's type (lead, contact, …), `report`, or `application` (the CRM)."""
    return f"{PROFILE}/activity-types/{crm_object}"


EXTENSION_EVENT_ID = f"{PROFILE}/extensions/event-id"  # context: the CRM's own event id
EXTENSION_CRM_USER = f"{PROFILE}/extensions/crm-user"  # context: the CRM's id of who did it
EXTENSION_NATIVE_TYPE = f"{PROFILE}/extensions/native-type"  # context: "Lead", "incidents"
EXTENSION_FAILED_CHECKS = f"{PROFILE}/extensions/failed-checks"  # result: data-quality checks
# Statement ids are UUIDv5 under this namespace, from the CRM, its event and the actor.
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, PROFILE)
_NAMESPACE_BYTES = STATEMENT_NAMESPACE.bytes


def statement_id(crm_base_url: str, event_id: str, actor_key: str) -> str:
    """The same CRM event about the same actor always gets the same id: a re-sync or an
    overlapping window stores nothing twice. The actor is part of it so that, once an
    unknown CRM user is matched to a person, their earlier events can be stored again as
    that person's."""
    name = "\n".join((crm_base_url.rstrip("/"), event_id, actor_key))
    return _uuid5(name)


def _uuid5(name: str) -> str:
    """`str(uuid.uuid5(STATEMENT_NAMESPACE, name))` (RFC 4122 4.3: SHA-1 of the namespace and
    the name, with the version and variant bits set), without building a UUID object: a sync
    names a hundred thousand statements a minute."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def activity_id(crm_base_url: str, event: CrmEvent) -> str:
    """The record's (or report's) IRI under the CRM's address; the CRM itself for a log-in.
    Built, not taken from `event.url`, so that it never changes with the CRM's page layout."""
    base = crm_base_url.rstrip("/")
    if event.object is None or event.record_id is None:
        return base
    record_id = event.record_id
    if not _UNRESERVED.fullmatch(record_id):  # most CRMs' ids need no quoting
        record_id = quote(record_id, safe="")
    return f"{base}/{event.object}/{record_id}"


def crm_user_agent(crm_base_url: str, crm_id: str, name: str) -> dict:
    """A CRM user no person is matched to: an account on the CRM."""
    account = {"homePage": crm_base_url.rstrip("/"), "name": crm_id}
    return {"objectType": "Agent", "name": name[:200] or crm_id, "account": account}


def build_statement(
    event: CrmEvent,
    *,
    actor: dict,
    actor_key: str,
    crm_base_url: str,
    crm_title: str,
    score: float | None = None,
    failed_checks: tuple[str, ...] = (),
) -> dict:
    """The statement of one CRM event. A record event judged for data quality carries the
    score (result.score.scaled, 0..1) and the keys of the checks it failed."""
    verb, display = VERBS[event.action]
    kind = event.object or APPLICATION
    definition: dict = {"type": activity_type(kind), "name": {"en-US": _name(event, crm_title)}}
    if event.url:
        definition["moreInfo"] = event.url
    extensions = {EXTENSION_EVENT_ID: event.event_id, EXTENSION_CRM_USER: event.user_id}
    if event.native_type:
        extensions[EXTENSION_NATIVE_TYPE] = event.native_type
    statement = {
        "id": statement_id(crm_base_url, event.event_id, actor_key),
        "actor": actor,
        "verb": {"id": verb, "display": {"en-US": display}},
        "object": {
            "objectType": "Activity",
            "id": activity_id(crm_base_url, event),
            "definition": definition,
        },
        "context": {"platform": crm_title[:100], "extensions": extensions},
        "timestamp": _timestamp(event.at),
    }
    if score is not None:
        statement["result"] = {
            "score": {"scaled": round(score, 4)},
            "extensions": {EXTENSION_FAILED_CHECKS: list(failed_checks)},
        }
    return statement


def _name(event: CrmEvent, crm_title: str) -> str:
    if event.object is None:
        return crm_title
    label = "Report" if event.object == REPORT else event.object.capitalize()
    return (event.record_name or f"{label} {event.record_id}")[:200]


def _timestamp(at: datetime) -> str:
    return at.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
