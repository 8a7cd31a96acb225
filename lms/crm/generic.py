"""The generic CRM event format, for CRMs Uptake has no connector for: the rows of a CSV
export and the events of a webhook delivery carry the same names. Pure: each event is read
and checked here, every problem named by its row (or index) and field.

    event_id     the CRM's own id of the event (stable: sent twice, it counts once)
    occurred_at  ISO 8601 date-time, e.g. 2026-11-30T10:15:00Z (no zone: UTC)
    action       created | updated | converted | logged_in | viewed
    user_id      the CRM's id of who did it
    user_email   their e-mail (how they are matched to a person), optional
    user_name    optional
    object       lead | contact | account | opportunity | case | task | report
                 (empty for logged_in)
    record_id    the record's (or report's) id in the CRM; required with an object
    record_name  optional
    url          the record's address in the CRM, optional
    field.<name> the record's fields as they now are (CSV); `fields` {name: value} (JSON).
                 Names are those of lms.crm.connectors.base.CANONICAL_FIELDS. Without any,
                 the record is not judged for data quality.
"""

from dataclasses import dataclass

from lms.crm.connectors.base import (
    ACTIONS,
    CANONICAL_FIELDS,
    LOGGED_IN,
    RECORD_OBJECTS,
    REPORT,
    VIEWED,
    CrmEvent,
    CrmUser,
)
from lms.dates import BadDate, parse_moment

COLUMNS = ("event_id", "occurred_at", "action", "user_id")  # required
OPTIONAL_COLUMNS = ("user_email", "user_name", "object", "record_id", "record_name", "url")
FIELD_PREFIX = "field."
LIMITS = {"event_id": 200, "user_id": 100, "user_email": 254, "user_name": 200, "record_id": 100}
LIMITS |= {"record_name": 200, "url": 500}
MAX_FIELD = 1000


@dataclass(frozen=True)
class Problem:
    where: str  # "row 3" or "events[2]"
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.field}: {self.message}"


def is_known_column(name: str) -> bool:
    return name in COLUMNS or name in OPTIONAL_COLUMNS or name.startswith(FIELD_PREFIX)


def read_event(values: dict, where: str) -> tuple[CrmEvent, CrmUser] | list[Problem]:
    """One event (and who did it) from its values (strings, and a `fields` mapping), or
    every problem with it."""
    problems: list[Problem] = []

    def text(name: str, *, required: bool = False) -> str | None:
        value = values.get(name)
        if value is None or value == "":
            if required:
                problems.append(Problem(where, name, "is required"))
            return None
        if not isinstance(value, str):
            problems.append(Problem(where, name, "must be text"))
            return None
        value = value.strip()
        if len(value) > LIMITS.get(name, MAX_FIELD):
            problems.append(Problem(where, name, f"is longer than {LIMITS[name]} characters"))
            return None
        if "\0" in value:
            problems.append(Problem(where, name, "holds a NUL character"))
            return None
        return value or None

    event_id = text("event_id", required=True)
    user_id = text("user_id", required=True)
    action = text("action", required=True)
    if action is not None and action not in ACTIONS:
        problems.append(Problem(where, "action", f"must be one of {', '.join(ACTIONS)}"))
    at = None
    if (written := text("occurred_at", required=True)) is not None:
        try:
            at = parse_moment(written)
        except BadDate as bad:
            problems.append(Problem(where, "occurred_at", str(bad)))
    crm_object, record_id = text("object"), text("record_id")
    if crm_object is not None and crm_object not in (*RECORD_OBJECTS, REPORT):
        choices = ", ".join((*RECORD_OBJECTS, REPORT))
        problems.append(Problem(where, "object", f"must be one of {choices}"))
    if action not in (None, LOGGED_IN) and crm_object is None:
        problems.append(Problem(where, "object", f"is required for {action}"))
    if action == VIEWED and crm_object not in (None, REPORT):
        problems.append(Problem(where, "object", "viewed is for reports: object must be report"))
    if crm_object is not None and record_id is None:
        problems.append(Problem(where, "record_id", "is required with an object"))
    fields = _fields(values.get("fields"), where, problems)
    email, name = text("user_email"), text("user_name")
    if email is not None and "@" not in email:
        problems.append(Problem(where, "user_email", f"{email!r} is not an e-mail address"))
    record_name, url = text("record_name"), text("url")
    if problems:
        return problems
    event = CrmEvent(
        event_id=event_id,
        action=action,
        at=at,
        user_id=user_id,
        object=crm_object if action != LOGGED_IN else None,
        record_id=record_id if action != LOGGED_IN else None,
        record_name=record_name,
        url=url,
        fields=fields if crm_object in RECORD_OBJECTS else None,
    )
    return event, CrmUser(crm_id=user_id, name=name or email or user_id, email=email)


def _fields(raw, where: str, problems: list[Problem]) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(where, "fields", "must be an object of field names and values"))
        return None
    fields = {}
    for name, value in raw.items():
        if name not in CANONICAL_FIELDS:
            problems.append(
                Problem(where, f"field.{name}", "is not a field Uptake knows (see the README)")
            )
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            problems.append(Problem(where, f"field.{name}", "must be text or a number"))
        elif isinstance(value, str) and (len(value) > MAX_FIELD or "\0" in value):
            problems.append(Problem(where, f"field.{name}", "is too long or holds a NUL"))
        else:
            fields[name] = value.strip() if isinstance(value, str) else value
    return fields


def row_values(row: dict[str, str]) -> dict:
    """A CSV row's values in the event's shape: field.<name> columns gathered as `fields`
    (absent when the file has no field columns)."""
    values = {k: v for k, v in row.items() if not k.startswith(FIELD_PREFIX)}
    fields = {k[len(FIELD_PREFIX) :]: v for k, v in row.items() if k.startswith(FIELD_PREFIX)}
    if fields:
        values["fields"] = fields
    return values
