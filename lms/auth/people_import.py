"""Import people from an HR system export (CSV).

Every row is validated before anything is written; one bad row means nothing is imported and
every problem is listed by row and column. Rows are numbered as a spreadsheet shows them: the
header is row 1. Re-importing updates people in place, matched by e-mail.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from lms import events
from lms.auth import rules
from lms.auth.audit.services import person_snapshot, record_people_saved
from lms.auth.models import Division, JobRole, User
from lms.database import db
from lms.dates import BadDate, parse_date
from lms.spreadsheets import RowError, read_table

COLUMNS = ("email", "name", "job_role", "division", "manager_email", "hire_date", "roles")
OPTIONAL_COLUMNS = ("employee_id",)  # the HR system's own id, when the export has it
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
REQUIRED = ("email", "name", "job_role", "hire_date")
EMAIL_PATTERN = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass
class PersonRow:
    row: int
    email: str
    name: str
    job_role: str
    division: str
    manager_email: str
    hire_date: date
    roles: set[str] | None  # None: the cell was empty, keep the roles a person already has
    employee_id: str | None = None  # None: no such column or an empty cell, keep what is there


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)
    updated: list[User] = field(default_factory=list)
    unchanged: int = 0


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


def read_csv(data: bytes | str) -> list[dict[str, str]] | RowError:
    """The rows as {column: cell} (the known columns only), or the first thing that stops
    the file being read at all, with its row (see `spreadsheets.read_table`)."""
    return read_table(data, required=COLUMNS, keep=ALL_COLUMNS.__contains__)


def validate_rows(
    raw_rows: list[dict[str, str]],
    job_roles: set[str],
    existing_managers: dict[str, str | None],
    existing_employee_ids: dict[str, str] | None = None,
) -> tuple[list[PersonRow], list[RowError]]:
    """Check every row. `existing_managers` maps each e-mail already in the database to its
    manager's e-mail, so managers and reporting loops can be checked across file and database;
    `existing_employee_ids` maps HR ids in the database to their holder's e-mail."""
    rows: list[PersonRow] = []
    people: list[PersonRow] = []  # everyone the file names, bad rows too: managers among them
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for number, raw in enumerate(raw_rows, start=2):
        if not any(raw.values()):
            continue
        row_errors, person = _validate_row(number, raw, job_roles)
        if person and person.email in first_row_of:
            row_errors.append(
                RowError(
                    number,
                    "email",
                    f"{person.email} is already on row {first_row_of[person.email]}",
                )
            )
        elif person:
            first_row_of[person.email] = number
            people.append(person)
        errors.extend(row_errors)
        if person and not row_errors:
            rows.append(person)
    errors.extend(_employee_id_errors(people, existing_employee_ids or {}))
    flagged = {(error.row, error.column) for error in errors}
    manager_errors = _manager_errors(people, existing_managers)
    errors.extend(e for e in manager_errors if (e.row, e.column) not in flagged)
    return rows, sorted(errors, key=lambda e: (e.row, ALL_COLUMNS.index(e.column.split(",")[0])))


def _employee_id_errors(people: list[PersonRow], existing: dict[str, str]) -> Iterable[RowError]:
    """An HR id belongs to one person: unique in the file and not held by someone else."""
    first_row_of: dict[str, int] = {}
    for person in people:
        if not person.employee_id:
            continue
        holder = existing.get(person.employee_id)
        if person.employee_id in first_row_of:
            row = first_row_of[person.employee_id]
            yield RowError(
                person.row, "employee_id", f"{person.employee_id} is already on row {row}"
            )
        elif holder is not None and holder != person.email:
            yield RowError(person.row, "employee_id", f"{person.employee_id} belongs to {holder}")
        first_row_of.setdefault(person.employee_id, person.row)


def person_problems(raw: dict[str, str], job_roles: set[str]) -> list[RowError]:
    """What is wrong with one person's details (cells by column name), checked as a row of
    an import is: SCIM provisioning holds a person to the same rules."""
    return _validate_row(1, raw, job_roles)[0]


def _validate_row(number: int, raw: dict[str, str], job_roles: set[str]):
    errors = [RowError(number, name, "is empty") for name in REQUIRED if not raw.get(name)]
    email = raw.get("email", "").lower()
    if email and not EMAIL_PATTERN.match(email):
        errors.append(RowError(number, "email", f"'{raw['email']}' is not an e-mail address"))
    manager_email = raw.get("manager_email", "").lower()
    if manager_email and not EMAIL_PATTERN.match(manager_email):
        errors.append(
            RowError(number, "manager_email", f"'{manager_email}' is not an e-mail address")
        )
    for column in ("email", "manager_email"):
        if len(raw.get(column, "")) > 254:
            errors.append(RowError(number, column, "is longer than 254 characters"))
    if len(raw.get("name", "")) > 200:
        errors.append(RowError(number, "name", "is longer than 200 characters"))
    if len(raw.get("division", "")) > 120:
        errors.append(RowError(number, "division", "is longer than 120 characters"))
    if len(raw.get("employee_id", "")) > 64:
        errors.append(RowError(number, "employee_id", "is longer than 64 characters"))
    job_role = raw.get("job_role", "")
    if job_role and job_role not in job_roles:
        errors.append(RowError(number, "job_role", f"unknown job role '{job_role}'"))
    hire_date = None
    if raw.get("hire_date"):
        try:
            hire_date = parse_date(raw["hire_date"])
        except BadDate as problem:
            errors.append(RowError(number, "hire_date", f"{problem}, like 2026-01-31"))
    roles, role_problems = rules.parse_roles(raw.get("roles", ""))
    errors.extend(RowError(number, "roles", problem) for problem in role_problems)
    if not email:
        return errors, None
    person = PersonRow(
        row=number,
        email=email,
        name=raw.get("name", ""),
        job_role=job_role,
        division=raw.get("division", ""),
        manager_email=manager_email,
        hire_date=hire_date or date.min,
        roles=roles if raw.get("roles") else None,
        employee_id=raw.get("employee_id") or None,
    )
    return errors, person


def _manager_errors(
    rows: list[PersonRow], existing_managers: dict[str, str | None]
) -> Iterable[RowError]:
    """Managers must exist in the file or the database, and reporting lines may not loop."""
    manager_of = dict(existing_managers)
    manager_of.update({row.email: row.manager_email or None for row in rows})
    for row in rows:
        if not row.manager_email:
            continue
        if row.manager_email == row.email:
            yield RowError(row.row, "manager_email", "a person cannot be their own manager")
        elif row.manager_email not in manager_of:
            yield RowError(
                row.row,
                "manager_email",
                f"{row.manager_email} is neither in this file nor in Uptake",
            )
        elif loop := _loop_from(row.email, manager_of):
            yield RowError(row.row, "manager_email", "reporting loop: " + " → ".join(loop))


def _loop_from(email: str, manager_of: dict[str, str | None]) -> list[str] | None:
    path = [email]
    current = manager_of.get(email)
    while current is not None:
        if current == email:
            return path + [email]
        if current in path:
            return None  # a loop above this person; reported on its own members' rows
        path.append(current)
        current = manager_of.get(current)
    return None


def validate_file(data: bytes | str) -> list[PersonRow]:
    """Parse and validate an export against the database; ImportRejected lists every problem."""
    raw_rows = read_csv(data)
    if isinstance(raw_rows, RowError):
        raise ImportRejected([raw_rows])
    job_roles = set(db.session.scalars(select(JobRole.slug)))
    manager_table = db.aliased(User)
    existing = dict(
        db.session.execute(
            select(User.email, manager_table.email).outerjoin(
                manager_table, User.manager_id == manager_table.id
            )
        ).all()
    )
    employee_ids = dict(
        db.session.execute(
            select(User.employee_id, User.email).where(User.employee_id.is_not(None))
        ).all()
    )
    rows, errors = validate_rows(raw_rows, job_roles, existing, employee_ids)
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(2, "email", "the file has no people in it")])
    return rows


def import_people(
    rows: list[PersonRow],
    *,
    now: datetime,
    actor: User | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportResult:
    """Write validated rows: new people are created, known ones updated in place. An empty
    roles cell keeps the roles a person already has. People missing from the file are left
    as they are (an export may cover one division only). The audit log records each person
    added or changed, and each access role granted or removed, with `actor`."""
    by_email = {user.email: user for user in db.session.scalars(select(User))}
    job_roles = {role.slug: role for role in db.session.scalars(select(JobRole))}
    divisions = {division.name: division for division in db.session.scalars(select(Division))}
    result = ImportResult()
    before: dict[str, dict | None] = {}
    for row in rows:
        person = by_email.get(row.email)
        before[row.email] = person_snapshot(person) if person else None
        if person is None:
            person = by_email[row.email] = User(email=row.email, created_at=now)
            db.session.add(person)
        person.name = row.name
        person.job_role = job_roles[row.job_role]
        person.division = _division(divisions, row.division)
        person.hire_date = row.hire_date
        if row.employee_id:
            person.employee_id = row.employee_id
        if row.roles is not None or before[row.email] is None:
            person.set_roles((row.roles or set()) | {rules.ROLE_LEARNER})
        progress(1)
    for row in rows:
        by_email[row.email].manager = by_email.get(row.manager_email)
    db.session.flush()
    role_changed, saved = [], []
    for row in rows:
        person, previous = by_email[row.email], before[row.email]
        if previous is None:
            result.created.append(person)
        elif previous != person_snapshot(person):
            result.updated.append(person)
            if previous["job_role"] != person.job_role.slug:
                role_changed.append(person)
        else:
            result.unchanged += 1
            continue
        saved.append((person, previous))
    record_people_saved(saved, actor=actor, now=now, via="import")
    events.publish(events.PeopleJoined(people=tuple(result.created), now=now))
    events.publish(events.JobRolesChanged(people=tuple(role_changed), now=now))
    return result


def _division(divisions: dict[str, Division], name: str) -> Division | None:
    if not name:
        return None
    if name not in divisions:
        divisions[name] = Division(name=name)
        db.session.add(divisions[name])
    return divisions[name]
