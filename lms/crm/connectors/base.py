"""The one interface every CRM connector implements, and the values it speaks in.

A connector knows one CRM's API and nothing of Uptake's database: it reads what changed since
a cursor it made itself, and says who did it, when, to which record, and what the record now
holds. Everything after that (matching CRM users to people, judging data quality, statements,
points) is the same for every CRM (`lms.crm.sync`).

Times are naive UTC (`lms.clock`); field names in `CrmEvent.fields` are the canonical ones
below, so one data-quality file (content/crm/data_quality.yaml) serves every CRM."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

# The CRM objects Uptake understands; each connector maps its own onto these.
LEAD, CONTACT, ACCOUNT, OPPORTUNITY, CASE, TASK = (
    "lead",
    "contact",
    "account",
    "opportunity",
    "case",
    "task",
)
RECORD_OBJECTS = (LEAD, CONTACT, ACCOUNT, OPPORTUNITY, CASE, TASK)
REPORT = "report"  # the object of a report view

# What a person did (CrmEvent.action).
CREATED, UPDATED, CONVERTED, LOGGED_IN, VIEWED = (
    "created",
    "updated",
    "converted",
    "logged_in",
    "viewed",
)
ACTIONS = (CREATED, UPDATED, CONVERTED, LOGGED_IN, VIEWED)

# Canonical field names a connector fills in CrmEvent.fields (only those it can read; a
# field the CRM has but which is empty is given as None or "", not left out).
CANONICAL_FIELDS = (
    "first_name",
    "last_name",
    "name",  # account or opportunity name; a person's full name when the CRM has no parts
    "title",
    "company",  # a lead's or contact's company / account name
    "email",
    "phone",
    "website",
    "industry",
    "street",
    "city",
    "postcode",
    "country",  # ISO 3166-1 alpha-2 where the CRM gives a code; else as written
    "status",  # lead / case status
    "source",  # lead source
    "rating",
    "stage",  # opportunity stage
    "amount",
    "close_date",  # ISO date
    "probability",
    "priority",  # case / task priority
    "subject",  # case / task subject
    "description",
    "due_date",  # task due date (ISO date)
)


@dataclass(frozen=True)
class CrmUser:
    """A user of the CRM, as it names them. `crm_id` is the CRM's own, stable id."""

    crm_id: str
    name: str
    email: str | None = None
    hr_id: str | None = None  # the employee number, where the CRM keeps one
    active: bool = True


@dataclass(frozen=True)
class CrmEvent:
    """One thing a CRM user did, as the CRM recorded it.

    `event_id` is the CRM's own id of the event and must come back the same on every read
    (a re-sync or an overlapping window must not count twice): an audit or history row's id
    where the CRM has one, else the record id with the modification stamp
    (e.g. "Lead/00Q5e000001/2026-11-30T10:15:00Z")."""

    event_id: str
    action: str  # one of ACTIONS
    at: datetime  # naive UTC
    user_id: str  # CrmUser.crm_id of who did it
    object: str | None = None  # one of RECORD_OBJECTS, REPORT, or None for a log-in
    record_id: str | None = None
    record_name: str | None = None
    native_type: str | None = None  # the CRM's own name of the object ("Lead", "leads")
    url: str | None = None  # the record's or report's address in the CRM, when known
    # The record's fields now (canonical names), for create/update/convert events; None when
    # the event carries no record (log-ins, report views) or the CRM did not give them.
    fields: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Page:
    """What one `pull` read: events in the order they happened (oldest first), the users
    they name (as many as the connector knows cheaply; `users()` gives them all), and the
    cursor to pass to the next `pull` of the same stream. `more` is True when another page
    is ready at once (the caller keeps pulling); False when the stream is caught up."""

    events: list[CrmEvent]
    cursor: str | None
    more: bool = False
    users: list[CrmUser] = field(default_factory=list)


class ConnectorError(Exception):
    """The CRM could not be read; the message says why in words an admin can act on
    (never a secret). `retry_after` (seconds) when the CRM said when to come back."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class RateLimited(ConnectorError):
    """The CRM refused for now (HTTP 429 / 503 with Retry-After, or an API limit)."""


class NotAuthorised(ConnectorError):
    """The credentials were refused even after a token refresh: an admin must act."""


@dataclass(frozen=True)
class ConnectionSettings:
    """What a connector is built from. `base_url` is the CRM's address (Salesforce instance,
    Dataverse environment, BottleCRM server; HubSpot's API root). `options` are the
    non-secret settings of that kind of CRM (a client id, a user name); `secret` is read
    from the environment variable the admin named, never stored."""

    base_url: str
    options: Mapping[str, str] = field(default_factory=dict)
    secret: str | None = None


class Connector(Protocol):
    """One CRM's API. Implementations take a `ConnectionSettings` (and, for tests, an HTTP
    session) in their constructor, refresh their own tokens, and turn HTTP 429/503 into
    RateLimited with the Retry-After the CRM gave."""

    kind: ClassVar[str]  # "salesforce", "dynamics", "hubspot", "bottlecrm"
    title: ClassVar[str]  # "Salesforce"

    def streams(self) -> tuple[str, ...]:
        """The streams this connector reads, each with its own cursor: typically one per
        record object, plus "logins" and "reports" where the CRM records them."""
        ...

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        """The next page of `stream` after `cursor` (None: from `since`, or from the
        beginning of what the CRM keeps when `since` is None too). Raises ConnectorError."""
        ...

    def users(self) -> list[CrmUser]:
        """Every user of the CRM (active or not), for mapping to people."""
        ...

    def check(self) -> str:
        """Test the connection: sign in and read one thing; return what was seen in words
        ("Signed in to acme.my.salesforce.com as api@acme.com; 214 users"). Raises
        ConnectorError."""
        ...
