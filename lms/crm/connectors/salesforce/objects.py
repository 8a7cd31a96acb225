"""The Salesforce objects read as record streams, and which Salesforce field fills each
canonical field (lms.crm.connectors.base.CANONICAL_FIELDS)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lms.crm.connectors.base import ACCOUNT, CASE, CONTACT, LEAD, OPPORTUNITY, TASK

SYSTEM_FIELDS = (
    "Id",
    "CreatedById",
    "CreatedDate",
    "LastModifiedById",
    "LastModifiedDate",
    "SystemModstamp",
)


@dataclass(frozen=True)
class RecordObject:
    """One Salesforce object read as a record stream. `fields` maps each canonical field to
    the Salesforce fields that may hold it, best first: the first the API user can read is
    used ("Account.Name" needs AccountId readable)."""

    object: str  # base.LEAD, ...
    native: str
    name_field: str
    fields: Mapping[str, tuple[str, ...]]
    extra: tuple[str, ...] = ()


def _address(prefix: str) -> dict[str, tuple[str, ...]]:
    return {
        "street": (f"{prefix}Street",),
        "city": (f"{prefix}City",),
        "postcode": (f"{prefix}PostalCode",),
        "country": (f"{prefix}CountryCode", f"{prefix}Country"),  # the ISO code where kept
    }


_PERSON = {
    "first_name": ("FirstName",),
    "last_name": ("LastName",),
    "name": ("Name",),
    "title": ("Title",),
    "email": ("Email",),
    "phone": ("Phone",),
}
_RECORD_OBJECTS = (
    RecordObject(
        LEAD,
        "Lead",
        "Name",
        _PERSON
        | _address("")
        | {
            "company": ("Company",),
            "website": ("Website",),
            "industry": ("Industry",),
            "status": ("Status",),
            "source": ("LeadSource",),
            "rating": ("Rating",),
            "description": ("Description",),
        },
        extra=("IsConverted", "ConvertedDate"),
    ),
    RecordObject(
        CONTACT,
        "Contact",
        "Name",
        _PERSON
        | _address("Mailing")
        | {
            "company": ("Account.Name",),
            "source": ("LeadSource",),
            "description": ("Description",),
        },
    ),
    RecordObject(
        ACCOUNT,
        "Account",
        "Name",
        {"name": ("Name",), "phone": ("Phone",), "website": ("Website",)}
        | {"industry": ("Industry",), "rating": ("Rating",), "source": ("AccountSource",)}
        | _address("Billing")
        | {"description": ("Description",)},
    ),
    RecordObject(
        OPPORTUNITY,
        "Opportunity",
        "Name",
        {"name": ("Name",), "company": ("Account.Name",), "stage": ("StageName",)}
        | {"amount": ("Amount",), "close_date": ("CloseDate",), "probability": ("Probability",)}
        | {"source": ("LeadSource",), "description": ("Description",)},
    ),
    RecordObject(
        CASE,
        "Case",
        "CaseNumber",
        {"subject": ("Subject",), "status": ("Status",), "priority": ("Priority",)}
        | {"source": ("Origin",), "company": ("Account.Name",), "email": ("SuppliedEmail",)}
        | {"description": ("Description",)},
    ),
    RecordObject(
        TASK,
        "Task",
        "Subject",
        {"subject": ("Subject",), "status": ("Status",), "priority": ("Priority",)}
        | {"due_date": ("ActivityDate",), "description": ("Description",)},
    ),
)
RECORD_OBJECTS = {spec.object: spec for spec in _RECORD_OBJECTS}


def field_map(spec: RecordObject, readable: set[str]) -> dict[str, str]:
    """Which Salesforce field fills each canonical field: the first candidate among the
    `readable` fields of the object's describe (a field no candidate of which is readable is
    left out)."""
    return {
        canonical: chosen
        for canonical, candidates in spec.fields.items()
        if (chosen := next((c for c in candidates if _readable(c, readable)), None))
    }


def select_of(spec: RecordObject, fields: Mapping[str, str]) -> list[str]:
    """The fields a record query selects: system fields, the name, extras, the mapped fields."""
    return _unique([*SYSTEM_FIELDS, spec.name_field, *spec.extra, *fields.values()])


def value(record: Mapping[str, Any], name: str) -> Any:
    """A field's value; "Account.Name" reads the related record's (None where it has none)."""
    found: Any = record
    for part in name.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    return found


def _readable(candidate: str, readable: set[str]) -> bool:
    relation, _, _ = candidate.partition(".")
    return f"{relation}Id" in readable if "." in candidate else candidate in readable


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))
