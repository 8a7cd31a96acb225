"""The demo CRM: three weeks of Northwind's CRM use, as the CSV activity export a company
without API access would upload (lms.crm.generic's columns), imported through the same path
as every connector (lms.crm.ingest): people matched by e-mail, each record judged for data
quality by content/crm/data_quality.yaml, statements of the CRM-usage profile, points and
adoption following. Each person has a habit of care: some leave records complete, some
leave phones blank or write them without the country code."""

import io
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from lms.crm import connections, csv_import
from lms.crm.generic import COLUMNS, OPTIONAL_COLUMNS
from lms.crm.models import CrmConnection
from lms.errors import DomainError
from lms.spreadsheets import write_rows

if TYPE_CHECKING:
    from lms.demo.people import DemoPerson

CRM_CONNECTION = "Northwind CRM (demo)"
CRM = "https://crm.northwind.example"
FIELDS = ("first_name", "last_name", "company", "email", "phone", "title", "status", "source")
FIELDS += ("country", "postcode")
COMPANIES = ("Harbour Cement", "Blue Fjord Foods", "Kestrel Logistics", "Alder & Finch")
COMPANIES += ("Nordlys Energy", "Quayside Print", "Tern Medical", "Vale Outdoor")
FIRST = ("Ana", "Ben", "Chloé", "Dev", "Eli", "Fatima", "Greg", "Hana", "Ivo", "Jun")
LAST = ("Okafor", "Lund", "Martin", "Patel", "Sato", "Weber", "Kowalski", "Byrne")


def seed_crm_activity(people: tuple["DemoPerson", ...], *, now: datetime) -> CrmConnection:
    """Import the demo CRM's export once (the connection named CRM_CONNECTION says it was);
    importing it again would store nothing new anyway (statement ids come from event ids)."""
    existing = connections.get_connection(CRM_CONNECTION)
    if existing is not None:
        return existing
    connection = connections.create_connection(
        name=CRM_CONNECTION, kind=connections.GENERIC, base_url=CRM, now=now
    )
    result = csv_import.import_activity(connection, activity_export(people, now=now), now=now)
    if result.problems:  # the export is ours: a problem is a bug in this module
        raise DomainError("The demo CRM export is malformed: " + "; ".join(result.problems[:5]))
    return connection


def activity_export(people: tuple["DemoPerson", ...], *, now: datetime) -> str:
    """Three weeks of working days for the learners hired three weeks ago or more: log-ins,
    leads created (some converted later), contacts updated, pipeline reports run."""
    rng = random.Random(2026)
    rows = []
    learners = [p for p in people if not p.roles and p.hired_days_ago >= 21]
    for number, spec in enumerate(learners):
        user_id = f"U{number + 1:03d}"
        care = rng.uniform(0.45, 1.0)  # the chance they fill (and format) each field right
        leads: list[str] = []
        for day in range(21, 0, -1):
            when = now - timedelta(days=day, hours=rng.randrange(8))
            if when.weekday() >= 5:
                continue
            person = (user_id, spec)
            rows.append(_row(person, f"login-{user_id}-{day}", "logged_in", when, None, None))
            if rng.random() < 0.4:
                lead_id = f"L{number + 1:02d}{day:02d}"
                leads.append(lead_id)
                fields = _lead(rng, care)
                rows.append(_row(person, f"{lead_id}-c", "created", when, "lead", lead_id, fields))
            if leads and rng.random() < 0.15:
                lead_id = leads.pop(0)
                fields = _lead(rng, 1.0) | {"status": "Qualified"}
                later = when + timedelta(minutes=30)
                rows.append(
                    _row(person, f"{lead_id}-q", "converted", later, "lead", lead_id, fields)
                )
            for _ in range(rng.choice((0, 1, 1, 2))):
                contact_id = f"C{rng.randrange(400):03d}"
                later = when + timedelta(minutes=rng.randrange(1, 240))
                event_id = f"{contact_id}-{later:%Y%m%d%H%M}"
                contact = _contact(rng, care)
                rows.append(
                    _row(person, event_id, "updated", later, "contact", contact_id, contact)
                )
            if rng.random() < 0.5:
                later = when + timedelta(hours=1)
                event_id = f"pipeline-{user_id}-{day}"
                rows.append(_row(person, event_id, "viewed", later, "report", "pipeline"))
    rows.sort(key=lambda row: row[1])
    out = io.StringIO()
    write_rows(out, [HEADER, *rows])
    return out.getvalue()


HEADER = (*COLUMNS, *OPTIONAL_COLUMNS, *(f"field.{name}" for name in FIELDS))


def _row(person, event_id, action, when, crm_object, record_id, fields=None) -> tuple:
    user_id, spec = person
    values = {
        "event_id": event_id,
        "occurred_at": when.isoformat(timespec="seconds") + "Z",
        "action": action,
        "user_id": user_id,
        "user_email": spec.email,
        "user_name": spec.name,
        "object": crm_object or "",
        "record_id": record_id or "",
        "record_name": (fields or {}).get("company", "Pipeline report" if record_id else ""),
        "url": "",
    }
    return tuple(values[c] for c in (*COLUMNS, *OPTIONAL_COLUMNS)) + tuple(
        (fields or {}).get(name, "") for name in FIELDS
    )


def _lead(rng: random.Random, care: float) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company = rng.choice(COMPANIES)
    domain = company.lower().replace(" & ", "").replace(" ", "") + ".example"
    fields = {
        "first_name": first,
        "last_name": last,
        "company": company,
        "email": f"{last.lower()}@{domain}",
        "phone": f"+44 20 7946 {rng.randrange(10000):04d}",
        "title": "Buyer",
        "status": "Open",
        "source": rng.choice(("Web", "Trade show", "Referral")),
        "country": "GB",
        "postcode": "SW1A 1AA",
    }
    return _careless(rng, care, fields)


def _contact(rng: random.Random, care: float) -> dict:
    fields = _lead(rng, 1.0)
    del fields["status"], fields["source"]
    return _careless(rng, care, fields)


def _careless(rng: random.Random, care: float, fields: dict) -> dict:
    """What a person in a hurry does to a record: blanks, and phones without +44."""
    for name in ("phone", "email", "title", "postcode"):
        if rng.random() > care:
            fields[name] = "020 7946 0000" if name == "phone" and rng.random() < 0.5 else ""
    return fields
