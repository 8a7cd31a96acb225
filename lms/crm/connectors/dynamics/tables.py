"""The Dataverse tables read as record streams, and which columns fill each canonical field
(lms.crm.connectors.base.CANONICAL_FIELDS)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms.crm.connectors.base import ACCOUNT, CASE, CONTACT, LEAD, OPPORTUNITY, TASK
from lms.crm.connectors.dynamics.positions import parse_time

FORMATTED = "OData.Community.Display.V1.FormattedValue"
AUDITS = "audits"  # the audit log's entity set, and the stream read from it
LEAD_QUALIFIED = 1  # lead.statecode


@dataclass(frozen=True)
class Column:
    """A Dataverse column read for a canonical field: its logical name and how its value is
    read — `text` as given, `label` the formatted value of a choice, `lookup` the name of the
    related row, `day` the date of a date-time."""

    name: str
    read: str = "text"

    @property
    def property(self) -> str:
        return f"_{self.name}_value" if self.read == "lookup" else self.name

    def value(self, row: Mapping[str, Any]) -> Any:
        if self.read in ("label", "lookup"):
            return row.get(f"{self.property}@{FORMATTED}")
        value = row.get(self.property)
        return value[:10] if self.read == "day" and isinstance(value, str) else value


@dataclass(frozen=True)
class Table:
    """One Dataverse table read as a record stream. `fields` maps each canonical field to the
    columns that may hold it, best first: those the environment has are read, and the first
    that holds a value gives it."""

    object: str  # base.LEAD, ...
    logical: str  # "lead"
    entity_set: str  # "leads"
    key: str  # "leadid"
    name_column: str
    fields: Mapping[str, tuple[Column, ...]]


def _text(*names: str) -> tuple[Column, ...]:
    return tuple(Column(name) for name in names)


def _label(name: str) -> tuple[Column, ...]:
    return (Column(name, "label"),)


_ADDRESS = {
    "street": _text("address1_line1"),
    "city": _text("address1_city"),
    "postcode": _text("address1_postalcode"),
    "country": _text("address1_country"),
}
_PERSON = {
    "first_name": _text("firstname"),
    "last_name": _text("lastname"),
    "name": _text("fullname"),
    "title": _text("jobtitle"),
    "email": _text("emailaddress1"),
    "phone": _text("telephone1", "mobilephone"),
}
_TABLES = (
    Table(
        LEAD,
        "lead",
        "leads",
        "leadid",
        "fullname",
        _PERSON
        | _ADDRESS
        | {"company": _text("companyname"), "website": _text("websiteurl")}
        | {"industry": _label("industrycode"), "status": _label("statuscode")}
        | {"source": _label("leadsourcecode"), "rating": _label("leadqualitycode")}
        | {"description": _text("description")},
    ),
    Table(
        CONTACT,
        "contact",
        "contacts",
        "contactid",
        "fullname",
        _PERSON
        | _ADDRESS
        | {"company": (Column("parentcustomerid", "lookup"),)}
        | {"source": _label("leadsourcecode"), "description": _text("description")},
    ),
    Table(
        ACCOUNT,
        "account",
        "accounts",
        "accountid",
        "name",
        {"name": _text("name"), "phone": _text("telephone1"), "website": _text("websiteurl")}
        | {"industry": _label("industrycode"), "rating": _label("accountratingcode")}
        | _ADDRESS
        | {"description": _text("description")},
    ),
    Table(
        OPPORTUNITY,
        "opportunity",
        "opportunities",
        "opportunityid",
        "name",
        {"name": _text("name"), "company": (Column("parentaccountid", "lookup"),)}
        | {"stage": (Column("salesstage", "label"), Column("stepname"))}
        | {"amount": _text("estimatedvalue"), "close_date": (Column("estimatedclosedate", "day"),)}
        | {"probability": _text("closeprobability"), "rating": _label("opportunityratingcode")}
        | {"description": _text("description")},
    ),
    Table(
        CASE,
        "incident",
        "incidents",
        "incidentid",
        "title",
        {"subject": _text("title"), "status": _label("statuscode")}
        | {"priority": _label("prioritycode"), "source": _label("caseorigincode")}
        | {"company": (Column("customerid", "lookup"),), "email": _text("emailaddress")}
        | {"description": _text("description")},
    ),
    Table(
        TASK,
        "task",
        "tasks",
        "activityid",
        "subject",
        {"subject": _text("subject"), "status": _label("statuscode")}
        | {"priority": _label("prioritycode"), "due_date": (Column("scheduledend", "day"),)}
        | {"description": _text("description")},
    ),
)
TABLES = {table.object: table for table in _TABLES}  # in the order streams are read
TABLES_BY_LOGICAL_NAME = {table.logical: table for table in _TABLES}


def fields_there(table: Table, columns_there: frozenset[str]) -> dict[str, tuple[Column, ...]]:
    """Each canonical field's columns that the environment has (a field none of whose
    columns it has is left out)."""
    fields = {
        name: tuple(c for c in candidates if c.name in columns_there)
        for name, candidates in table.fields.items()
    }
    return {name: columns for name, columns in fields.items() if columns}


def field_values(fields: Mapping[str, tuple[Column, ...]], row: Mapping) -> dict[str, Any]:
    """Each field's value: from the first of its columns that holds one (a contact with no
    business phone has the mobile's)."""
    values = {}
    for name, columns in fields.items():
        found = (column.value(row) for column in columns)
        values[name] = next((v for v in found if v not in (None, "")), None)
    return values


def record_select(table: Table, fields: Mapping[str, tuple[Column, ...]]) -> list[str]:
    """The columns a record read selects: key, name, system columns, the fields' columns."""
    system = ["createdon", "modifiedon", "_createdby_value", "_modifiedby_value"]
    state = ["statecode"] if table.object == LEAD else []
    columns = [column.property for group in fields.values() for column in group]
    return list(dict.fromkeys([table.key, table.name_column, *system, *state, *columns]))


def qualified(table: Table, row: Mapping | None) -> bool:
    """A lead now Qualified (converted)."""
    return table.object == LEAD and row is not None and row.get("statecode") == LEAD_QUALIFIED


def last_change_qualified(table: Table, record: Mapping | None, at: datetime) -> bool:
    """An update audit row at the moment a now-Qualified lead was last modified: the
    qualification (a qualified lead is read-only)."""
    return qualified(table, record) and parse_time(record["modifiedon"]) == at
