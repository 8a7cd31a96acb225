"""Microsoft Dynamics 365 (Dataverse) through its Web API v9.2: records by `modifiedon`, each
change with its user from the audit log where the environment audits the table, log-ins from
user-access auditing.

Sign-in is Microsoft Entra ID's client-credentials flow (msal) for an app registration that is
an application user of the environment. A token the Web API refuses (HTTP 401) is acquired
again once; refused again, the connection is NotAuthorised. Dataverse's service protection
limits (HTTP 429, with Retry-After) and HTTP 503 are RateLimited.

Who did what: where the environment audits a table (organization auditing on, the table's
auditing on, and the application user may read the audit log), every create and update comes
from the `audits` stream, one event per audit row, and that table's own stream only keeps its
cursor at the newest record. Elsewhere the table's stream reads the records themselves and
says who created each one (`createdby`) and who modified it last (`modifiedby`), so several
edits between two reads are one update.

Every stream reads in the order of a stamp and the row's id, after a cursor "<stamp>,<id>":
rows of the cursor's second up to the cursor's row are skipped, so a cursor resumes exactly
even where many rows share one second (Dataverse keeps seconds)."""

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Protocol
from urllib.parse import quote, urlparse

import msal
import requests

from lms.crm.connectors.base import (
    ACCOUNT,
    CASE,
    CONTACT,
    CONVERTED,
    CREATED,
    LEAD,
    LOGGED_IN,
    OPPORTUNITY,
    TASK,
    UPDATED,
    ConnectionSettings,
    ConnectorError,
    CrmEvent,
    CrmUser,
    NotAuthorised,
    Page,
    RateLimited,
)

API_PATH = "/api/data/v9.2/"
AUTHORITY_HOST = "https://login.microsoftonline.com"
PAGE_SIZE = 1000  # rows per response (Prefer: odata.maxpagesize; Dataverse allows 5000)
ROWS_PER_PULL = 5000  # rows one pull reads, following @odata.nextLink
MAX_HOPS = 50  # responses followed in one read
MAX_USER_HOPS = 200  # responses of systemusers read by users()
IDS_PER_LOOKUP = 50  # ids in one "$filter=id eq … or …" (keeps the URL short)
TIMEOUT = 60  # seconds per HTTP request
FORMATTED = "OData.Community.Display.V1.FormattedValue"
AUDITS, LOGINS = "audits", "logins"
CREATE_OPERATION, UPDATE_OPERATION = 1, 2  # audit.operation
QUALIFY_ACTION, WEB_ACCESS_ACTION = 24, 64  # audit.action: Qualify; User Access via Web
LEAD_QUALIFIED = 1  # lead.statecode
USER_NOT_IN_ORG = "0x80072560"  # the app registration is no user of this environment
AUDIT_COLUMNS = ("auditid", "createdon", "operation", "action", "objecttypecode")
AUDIT_LOOKUPS = ("_objectid_value", "_userid_value")
USER_COLUMNS = ("systemuserid", "fullname", "internalemailaddress", "employeeid", "isdisabled")


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
TABLES = {table.object: table for table in _TABLES}
TABLES_BY_LOGICAL_NAME = {table.logical: table for table in _TABLES}


@dataclass(frozen=True)
class Position:
    """Where a stream stands: after the row (stamp, record_id). An empty record_id stands
    before every row of that second (a `since` with nothing read yet)."""

    stamp: datetime
    record_id: str = ""

    @classmethod
    def parse(cls, cursor: str) -> "Position":
        stamp, _, record_id = cursor.partition(",")
        try:
            return cls(parse_time(stamp), str(uuid.UUID(record_id)) if record_id else "")
        except ValueError:
            raise ConnectorError(
                f"the stored cursor {cursor[:60]!r} is not a Dynamics 365 one"
            ) from None

    @classmethod
    def at(cls, since: datetime | None) -> "Position | None":
        return cls(since) if since is not None else None

    def text(self) -> str:
        return f"{iso(self.stamp)},{self.record_id}"


@dataclass(frozen=True)
class Environment:
    """What the environment has and audits, read once per connector."""

    auditing: bool  # organization auditing on
    user_access_auditing: bool
    audit_log_readable: bool  # the application user may read the audit log
    tables: Mapping[str, frozenset[str]]  # logical name -> its columns (absent: no table)
    audited_tables: frozenset[str]
    audit_log_refusal: str | None = None

    def audits(self, table: Table) -> bool:
        return self.audit_log_readable and table.logical in self.audited_tables

    @property
    def reads_logins(self) -> bool:
        return self.audit_log_readable and self.user_access_auditing


class TokenSource(Protocol):
    """Where the connector's access tokens come from."""

    def token(self) -> str:
        """A token for the Web API (kept while it is valid)."""
        ...

    def renew(self) -> str:
        """A new token, after the Web API refused the last one."""
        ...


class EntraTokens:
    """Client-credentials tokens from Microsoft Entra ID through msal, which keeps a token
    until shortly before it expires."""

    def __init__(self, *, tenant_id: str, client_id: str, secret: str, scope: str, session):
        self.tenant_id, self.client_id, self.scope = tenant_id, client_id, scope
        self._secret, self._session = secret, session
        self._app: msal.ConfidentialClientApplication | None = None

    def token(self) -> str:
        return self._acquire()

    def renew(self) -> str:
        if self._app is not None:
            self._app.remove_tokens_for_client()
        return self._acquire()

    def _acquire(self) -> str:
        try:
            result = self._application().acquire_token_for_client(scopes=[self.scope])
        except (requests.RequestException, ValueError) as error:
            raise ConnectorError(
                f"could not get a token from Microsoft Entra ID ({type(error).__name__})"
            ) from None
        if result and "access_token" in result:
            return result["access_token"]
        raise self._refusal(result or {})

    def _application(self) -> msal.ConfidentialClientApplication:
        """Built when first needed: msal reads the tenant's OpenID configuration at once.
        Instance discovery is off (login.microsoftonline.com needs none)."""
        if self._app is None:
            try:
                self._app = msal.ConfidentialClientApplication(
                    self.client_id,
                    client_credential=self._secret,
                    authority=f"{AUTHORITY_HOST}/{self.tenant_id}",
                    http_client=self._session,
                    instance_discovery=False,
                    timeout=TIMEOUT,
                )
            except ValueError:
                raise NotAuthorised(
                    f"Microsoft Entra ID does not know the tenant {self.tenant_id!r}: check the "
                    "tenant_id option (the Directory (tenant) ID of the app registration)"
                ) from None
            except requests.RequestException as error:
                raise ConnectorError(
                    f"could not reach Microsoft Entra ID to sign in ({type(error).__name__})"
                ) from None
        return self._app

    def _refusal(self, result: Mapping[str, Any]) -> ConnectorError:
        error = str(result.get("error") or "error")
        reason = str(result.get("error_description") or "").split("\r\n")[0].split("\n")[0]
        reason = reason.replace(self._secret, "[secret]")[:300]
        if error == "temporarily_unavailable":
            return RateLimited(f"Microsoft Entra ID asked to wait before signing in ({reason})")
        return NotAuthorised(
            f"Microsoft Entra ID refused the client credentials of app {self.client_id} in "
            f"tenant {self.tenant_id} ({error}: {reason}); check the client_id option and that "
            "the client secret has not expired and is the secret's Value, not its ID"
        )


class DataverseRefused(ConnectorError):
    """The Web API answered with an error; `code` is Dataverse's error code ("0x80060888")."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.status, self.code = status, code


class Dynamics:
    """The Dynamics 365 / Dataverse connector (see the module's docstring)."""

    kind: ClassVar[str] = "dynamics"
    title: ClassVar[str] = "Microsoft Dynamics 365"

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        session: requests.Session | None = None,
        token_source: TokenSource | None = None,
    ):
        self.origin = _https_origin(settings.base_url)
        self.api = f"{self.origin}{API_PATH}"
        self.http = session or requests.Session()
        self.tokens = token_source or _entra_tokens(settings, self.origin, self.http)
        self.page_size = PAGE_SIZE
        self.rows_per_pull = ROWS_PER_PULL
        self._environment: Environment | None = None
        self._users: dict[str, CrmUser] = {}
        self._not_users: set[str] = set()  # ids systemusers does not know

    @property
    def host(self) -> str:
        return urlparse(self.origin).netloc

    def streams(self) -> tuple[str, ...]:
        return (*TABLES, AUDITS, LOGINS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream not in self.streams():
            raise ConnectorError(f"Dynamics 365 has no stream {stream!r}")
        position = Position.parse(cursor) if cursor else Position.at(since)
        if stream == AUDITS:
            page = self._pull_audits(position)
        elif stream == LOGINS:
            page = self._pull_logins(position)
        else:
            page = self._pull_table(TABLES[stream], position)
        return page or Page([], cursor)  # None: the environment offers nothing to read here

    def users(self) -> list[CrmUser]:
        """Every user, enabled or not: Dataverse never deletes a user, it disables them."""
        query = {"$select": ",".join(USER_COLUMNS), "$orderby": "systemuserid asc"}
        url, users = self._url("systemusers", query), []
        for _ in range(MAX_USER_HOPS):
            body = self._get("systemusers", url, page_size=self.page_size)
            users.extend(_user(row) for row in body.get("value", []))
            url = body.get("@odata.nextLink")
            if not url:
                break
        self._users.update((user.crm_id, user) for user in users)
        return users

    def check(self) -> str:
        """Sign in (WhoAmI), name the application user, count the enabled users and say what
        the environment audits, hence what the connector can see."""
        me = self._get("WhoAmI", f"{self.api}WhoAmI")
        user_id = str(me.get("UserId") or "")
        me_url = self._url(f"systemusers({_guid(user_id)})", {"$select": "fullname"})
        name = self._get("systemusers", me_url).get("fullname") or user_id
        count_query = {"$select": "systemuserid", "$filter": "isdisabled eq false"}
        counted = self._get(
            "systemusers", self._url("systemusers", count_query | {"$count": "true"}), page_size=1
        )
        enabled = counted.get("@odata.count")
        words = f"Signed in to {self.host} as {name}"
        words += f"; {enabled} enabled users" if enabled is not None else ""
        return f"{words}; {_auditing_words(self._environment_read())}"

    # Records --------------------------------------------------------------------------------

    def _pull_table(self, table: Table, position: Position | None) -> Page | None:
        environment = self._environment_read()
        if table.logical not in environment.tables:  # e.g. no Customer Service: no incidents
            return None
        if environment.audits(table):
            return Page([], self._newest(table) or _text_of(position))
        return self._pull_records(table, environment.tables[table.logical], position)

    def _pull_records(
        self, table: Table, columns_there: frozenset[str], position: Position | None
    ) -> Page:
        """A record read is `created` (by createdby) when its createdon is in the window read;
        a lead now Qualified is `converted` (by modifiedby, at modifiedon; once per lead);
        otherwise it is `updated` (by modifiedby) when modifiedon is after createdon."""
        fields = _fields(table, columns_there)
        rows, more = self._read_after(
            table.entity_set, table.key, "modifiedon", _record_select(table, fields), position
        )
        window_start = position.stamp if position else None
        events = [
            event for row in rows for event in self._record_events(table, fields, row, window_start)
        ]
        return self._page(events, _next(rows, "modifiedon", table.key, position), more)

    def _record_events(
        self, table: Table, fields, row: Mapping[str, Any], window_start: datetime | None
    ) -> list[CrmEvent]:
        record_id = row[table.key].lower()
        created_at, modified_at = parse_time(row["createdon"]), parse_time(row["modifiedon"])
        created_by, modified_by = (
            _lower(row.get("_createdby_value")),
            _lower(row.get("_modifiedby_value")),
        )
        about = self._about(table, record_id, row, fields)
        key = f"{table.entity_set}/{record_id}"
        events = []
        if created_by and _within(created_at, window_start):
            events.append(CrmEvent(f"{key}/created", CREATED, created_at, created_by, **about))
        if not modified_by:
            return events
        if _qualified(table, row):
            events.append(
                CrmEvent(f"{key}/converted", CONVERTED, modified_at, modified_by, **about)
            )
        elif modified_at > created_at:
            event_id = f"{key}/{iso(modified_at)}"
            events.append(CrmEvent(event_id, UPDATED, modified_at, modified_by, **about))
        return events

    def _about(self, table: Table, record_id: str, row: Mapping | None, fields) -> dict:
        return {
            "object": table.object,
            "record_id": record_id,
            "record_name": row.get(table.name_column) if row else None,
            "native_type": table.entity_set,
            "url": f"{self.origin}/main.aspx?pagetype=entityrecord&etn={table.logical}"
            f"&id={record_id}",
            "fields": _field_values(fields, row) if row else None,
        }

    def _newest(self, table: Table) -> str | None:
        """The cursor of the table's newest row: an audited table's stream stays there, so
        that should auditing stop, its records are read from then on, not from the start."""
        query = {
            "$select": f"modifiedon,{table.key}",
            "$orderby": f"modifiedon desc,{table.key} desc",
            "$top": "1",
        }
        rows = self._get(table.entity_set, self._url(table.entity_set, query)).get("value", [])
        return _next(rows, "modifiedon", table.key, None)

    # The audit log --------------------------------------------------------------------------

    def _pull_audits(self, position: Position | None) -> Page | None:
        """One event per create or update audit row of an audited table, by its user, with
        the record's fields as they are now. A lead's Qualify row, or its last update when the
        lead is now Qualified, is its conversion (once per lead, as read from the records)."""
        environment = self._environment_read()
        audited = [t for t in _TABLES if environment.audits(t)]
        if not audited:
            return None
        tables = " or ".join(f"objecttypecode eq '{t.logical}'" for t in audited)
        where = f"(operation eq {CREATE_OPERATION} or operation eq {UPDATE_OPERATION})"
        rows, more = self._read_after(
            AUDITS,
            "auditid",
            "createdon",
            (*AUDIT_COLUMNS, *AUDIT_LOOKUPS),
            position,
            where=f"{where} and ({tables})",
        )
        records = self._current_records(rows, environment)
        events: dict[str, CrmEvent] = {}
        for row in rows:
            event = self._audit_event(row, records, environment)
            if event is not None:
                events.setdefault(event.event_id, event)
        return self._page(events.values(), _next(rows, "createdon", "auditid", position), more)

    def _audit_event(self, row, records, environment) -> CrmEvent | None:
        table = TABLES_BY_LOGICAL_NAME.get(row.get("objecttypecode") or "")
        record_id, user_id = _lower(row.get("_objectid_value")), _lower(row.get("_userid_value"))
        if table is None or not record_id or not user_id:
            return None
        at = parse_time(row["createdon"])
        record = records.get((table.logical, record_id))
        about = self._about(
            table, record_id, record, _fields(table, environment.tables[table.logical])
        )
        if about["record_name"] is None:
            about["record_name"] = row.get(f"_objectid_value@{FORMATTED}")
        if row.get("operation") == CREATE_OPERATION:
            action = CREATED
        elif row.get("action") == QUALIFY_ACTION or _last_change_qualified(table, record, at):
            key = f"{table.entity_set}/{record_id}/converted"
            return CrmEvent(key, CONVERTED, at, user_id, **about)
        else:
            action = UPDATED
        return CrmEvent(f"audits/{row['auditid'].lower()}", action, at, user_id, **about)

    def _current_records(self, rows, environment) -> dict[tuple[str, str], Mapping]:
        """The records the audit rows name, as they are now, read by id (deleted ones are
        missing). A table the role may not read gives none: its audit rows still count, and
        its own stream reports the refusal."""
        wanted: dict[str, set[str]] = {}
        for row in rows:
            if row.get("objecttypecode") in TABLES_BY_LOGICAL_NAME and row.get("_objectid_value"):
                wanted.setdefault(row["objecttypecode"], set()).add(row["_objectid_value"].lower())
        found = {}
        for logical, ids in wanted.items():
            table = TABLES_BY_LOGICAL_NAME[logical]
            select = _record_select(table, _fields(table, environment.tables[logical]))
            try:
                rows = self._rows_by_id(table.entity_set, table.key, sorted(ids), select)
            except DataverseRefused as refused:
                if refused.status != 403:
                    raise
                continue
            found.update(((logical, row[table.key].lower()), row) for row in rows)
        return found

    def _pull_logins(self, position: Position | None) -> Page | None:
        """Sign-ins to the apps (audit action 64, User Access via Web), where the environment
        audits user access; Dataverse logs one per user per interval (4 hours by default)."""
        if not self._environment_read().reads_logins:
            return None
        rows, more = self._read_after(
            AUDITS,
            "auditid",
            "createdon",
            ("auditid", "createdon", "action", "_userid_value"),
            position,
            where=f"action eq {WEB_ACCESS_ACTION}",
        )
        events = [
            CrmEvent(
                event_id=f"audits/{row['auditid'].lower()}",
                action=LOGGED_IN,
                at=parse_time(row["createdon"]),
                user_id=row["_userid_value"].lower(),
                native_type="audits/User Access via Web",
            )
            for row in rows
            if row.get("_userid_value")
        ]
        return self._page(events, _next(rows, "createdon", "auditid", position), more)

    def _environment_read(self) -> Environment:
        """Organization auditing, the tables present with their columns and audit flags, and
        whether the audit log may be read (a one-row probe; refused, auditing counts as off)."""
        if self._environment is not None:
            return self._environment
        organizations = self._get(
            "organizations",
            self._url("organizations", {"$select": "isauditenabled,isuseraccessauditenabled"}),
        ).get("value") or [{}]
        organization = organizations[0]
        auditing = bool(organization.get("isauditenabled"))
        user_access = auditing and bool(organization.get("isuseraccessauditenabled"))
        tables, audited = self._table_definitions()
        audited = audited if auditing else frozenset()
        readable, refusal = False, None
        if audited or user_access:
            readable, refusal = self._audit_log_readable()
        self._environment = Environment(auditing, user_access, readable, tables, audited, refusal)
        return self._environment

    def _table_definitions(self) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
        names = " or ".join(f"LogicalName eq '{t.logical}'" for t in _TABLES)
        query = {
            "$select": "LogicalName,IsAuditEnabled",
            "$filter": names,
            "$expand": "Attributes($select=LogicalName)",
        }
        body = self._get("EntityDefinitions", self._url("EntityDefinitions", query))
        tables, audited = {}, set()
        for definition in body.get("value", []):
            logical = definition.get("LogicalName")
            columns = definition.get("Attributes") or []
            tables[logical] = frozenset(c.get("LogicalName") for c in columns)
            if (definition.get("IsAuditEnabled") or {}).get("Value"):
                audited.add(logical)
        return tables, frozenset(audited)

    def _audit_log_readable(self) -> tuple[bool, str | None]:
        try:
            self._get(AUDITS, self._url(AUDITS, {"$select": "auditid", "$top": "1"}))
        except DataverseRefused as refused:
            if refused.status != 403:
                raise
            return False, f"HTTP {refused.status} {refused.code}"
        return True, None

    # Users named in a page ------------------------------------------------------------------

    def _page(self, events: Iterable[CrmEvent], cursor: str | None, more: bool) -> Page:
        ordered = sorted(events, key=lambda e: (e.at, e.event_id))
        return Page(ordered, cursor, more, self._users_named({e.user_id for e in ordered}))

    def _users_named(self, user_ids: set[str]) -> list[CrmUser]:
        """The users these ids name: from users() when it was read, else looked up by id
        (ids systemusers does not know are asked about once and left unnamed)."""
        unknown = sorted(user_ids - set(self._users) - self._not_users)
        if unknown:
            rows = self._rows_by_id("systemusers", "systemuserid", unknown, USER_COLUMNS)
            self._users.update((user.crm_id, user) for user in map(_user, rows))
            self._not_users.update(set(unknown) - set(self._users))
        return [self._users[i] for i in sorted(user_ids) if i in self._users]

    # Requests -------------------------------------------------------------------------------

    def _read_after(self, entity_set, key, stamp_field, select, position, *, where=None):
        """Rows of `entity_set` after `position`, in (stamp, id) order, about rows_per_pull of
        them, following @odata.nextLink; and whether more are waiting."""
        conditions = [
            c for c in (where, position and f"{stamp_field} ge {iso(position.stamp)}") if c
        ]
        query = {"$select": ",".join(select), "$orderby": f"{stamp_field} asc,{key} asc"}
        if conditions:
            query["$filter"] = " and ".join(conditions)
        url = self._url(entity_set, query)
        already_read, rows = _AlreadyRead(position, stamp_field, key), []
        for _ in range(MAX_HOPS):
            body = self._get(entity_set, url, page_size=self.page_size)
            rows.extend(already_read.skipped(body.get("value", [])))
            url = body.get("@odata.nextLink")
            if not url or len(rows) >= self.rows_per_pull:
                break
        return rows + already_read.held(), bool(url)

    def _rows_by_id(self, entity_set: str, key: str, ids: list[str], select) -> list[dict]:
        rows = []
        for start in range(0, len(ids), IDS_PER_LOOKUP):
            chunk = ids[start : start + IDS_PER_LOOKUP]
            query = {
                "$select": ",".join(select),
                "$filter": " or ".join(f"{key} eq {_guid(i)}" for i in chunk),
            }
            rows.extend(self._get(entity_set, self._url(entity_set, query)).get("value", []))
        return rows

    def _get(self, what: str, url: str, *, page_size: int | None = None) -> dict:
        """One GET, with a token; a token refused (HTTP 401) is acquired again once."""
        for attempt in range(2):
            token = self.tokens.renew() if attempt else self.tokens.token()
            try:
                response = self.http.get(
                    url, headers=_headers(token, page_size), timeout=TIMEOUT, allow_redirects=False
                )
            except requests.RequestException as error:
                raise ConnectorError(
                    f"could not reach {self.host} to read {what} ({type(error).__name__})"
                ) from None
            if response.status_code == 401:
                continue
            if response.status_code != 200:
                raise _refusal(what, response)
            body = _json(response)
            if not isinstance(body, dict):
                raise ConnectorError(f"Dynamics 365 answered the read of {what} with no JSON")
            return body
        raise NotAuthorised(
            f"Dynamics 365 refused to read {what} (HTTP 401) with a token just issued: check "
            f"that the app registration is an application user of {self.host}, enabled, with "
            "a security role"
        )

    def _url(self, path: str, query: Mapping[str, str]) -> str:
        """Spaces as %20: OData reads a "+" in the query as a plus, not a space."""
        pairs = "&".join(f"{name}={quote(value, safe=CLEAR)}" for name, value in query.items())
        return f"{self.api}{path}?{pairs}"


CLEAR = "$,'()/:=*"  # characters left as they are in a query value


class _AlreadyRead:
    """Skips the rows of the cursor's second up to and including the cursor's row. When the
    cursor's row is not among them (changed since), none was skipped: they are read again,
    which is harmless, as event ids do not change."""

    def __init__(self, position: Position | None, stamp_field: str, key: str):
        self.position, self.stamp_field, self.key = position, stamp_field, key
        self.looking = bool(position and position.record_id)
        self._held: list[dict] = []

    def skipped(self, rows: list[dict]) -> list[dict]:
        fresh = []
        for row in rows:
            if self.looking and parse_time(row[self.stamp_field]) <= self.position.stamp:
                if row[self.key].lower() == self.position.record_id:
                    self._held, self.looking = [], False
                else:
                    self._held.append(row)
                continue
            if self.looking:  # past the cursor's second without meeting its row
                fresh.extend(self._held)
                self._held, self.looking = [], False
            fresh.append(row)
        return fresh

    def held(self) -> list[dict]:
        """Rows of the cursor's second kept back while the cursor's row was not found."""
        held, self._held = self._held, []
        return held


def _headers(token: str, page_size: int | None) -> dict[str, str]:
    """Formatted values give choices' labels and related rows' names."""
    prefer = f'odata.include-annotations="{FORMATTED}"'
    if page_size:
        prefer += f",odata.maxpagesize={page_size}"
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        "Prefer": prefer,
    }


def _entra_tokens(settings: ConnectionSettings, origin: str, session) -> EntraTokens:
    tenant_id = (settings.options.get("tenant_id") or "").strip()
    client_id = (settings.options.get("client_id") or "").strip()
    if not tenant_id:
        raise ConnectorError("Dynamics 365 needs the tenant_id option (the Entra tenant's ID)")
    if not client_id:
        raise ConnectorError("Dynamics 365 needs the client_id option (the app registration's)")
    if not settings.secret:
        raise ConnectorError("Dynamics 365 needs its secret (the app registration's client secret)")
    return EntraTokens(
        tenant_id=tenant_id,
        client_id=client_id,
        secret=settings.secret,
        scope=f"{origin}/.default",
        session=session,
    )


# Values ------------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    """Dataverse's "2026-11-30T10:15:00Z" as naive UTC."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso(moment: datetime) -> str:
    """An OData date-time literal in whole seconds, as Dataverse keeps them."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _next(rows: list[dict], stamp_field: str, key: str, position: Position | None) -> str | None:
    if rows:
        last = rows[-1]
        return Position(parse_time(last[stamp_field]), last[key].lower()).text()
    return _text_of(position)


def _text_of(position: Position | None) -> str | None:
    return position.text() if position else None


def _fields(table: Table, columns_there: frozenset[str]) -> dict[str, tuple[Column, ...]]:
    """Each canonical field's columns that the environment has (a field none of whose
    columns it has is left out)."""
    fields = {
        name: tuple(c for c in candidates if c.name in columns_there)
        for name, candidates in table.fields.items()
    }
    return {name: columns for name, columns in fields.items() if columns}


def _field_values(fields: Mapping[str, tuple[Column, ...]], row: Mapping) -> dict[str, Any]:
    """Each field's value: from the first of its columns that holds one (a contact with no
    business phone has the mobile's)."""
    values = {}
    for name, columns in fields.items():
        found = (column.value(row) for column in columns)
        values[name] = next((v for v in found if v not in (None, "")), None)
    return values


def _record_select(table: Table, fields: Mapping[str, tuple[Column, ...]]) -> list[str]:
    system = ["createdon", "modifiedon", "_createdby_value", "_modifiedby_value"]
    state = ["statecode"] if table.object == LEAD else []
    columns = [column.property for group in fields.values() for column in group]
    return list(dict.fromkeys([table.key, table.name_column, *system, *state, *columns]))


def _qualified(table: Table, row: Mapping | None) -> bool:
    return table.object == LEAD and row is not None and row.get("statecode") == LEAD_QUALIFIED


def _last_change_qualified(table: Table, record: Mapping | None, at: datetime) -> bool:
    """An update audit row at the moment a now-Qualified lead was last modified: the
    qualification (a qualified lead is read-only)."""
    return _qualified(table, record) and parse_time(record["modifiedon"]) == at


def _within(moment: datetime, window_start: datetime | None) -> bool:
    return window_start is None or moment >= window_start


def _user(row: Mapping[str, Any]) -> CrmUser:
    crm_id = row["systemuserid"].lower()
    return CrmUser(
        crm_id=crm_id,
        name=row.get("fullname") or crm_id,
        email=row.get("internalemailaddress") or None,
        hr_id=row.get("employeeid") or None,
        active=not row.get("isdisabled"),
    )


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) and value else None


def _guid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ConnectorError(
            f"Dynamics 365 named a user id {text[:40]!r} that is no GUID"
        ) from None


def _auditing_words(environment: Environment) -> str:
    """What the connector sees of who did what, said for the admin who tests the connection."""
    present = [t for t in _TABLES if t.logical in environment.tables]
    audited = [t.object for t in present if environment.audits(t)]
    unaudited = [t.object for t in present if not environment.audits(t)]
    words = []
    if not environment.auditing:
        words.append("auditing is off")
    elif environment.audit_log_refusal:
        words.append(
            f"the audit log is not readable ({environment.audit_log_refusal}): give the "
            "application user's security role View Audit Summary"
        )
    if audited:
        words.append(f"each change with its user from the audit log for {', '.join(audited)}")
    if unaudited:
        words.append(f"only who created and last modified each {', '.join(unaudited)}")
    if environment.reads_logins:
        words.append("log-ins from user-access auditing")
    elif environment.user_access_auditing:
        words.append("no log-ins (the audit log is not readable)")
    else:
        words.append("no log-ins (user-access auditing is off)")
    absent = [t.object for t in _TABLES if t.logical not in environment.tables]
    if absent:
        words.append(f"not in this environment: {', '.join(absent)}")
    return "; ".join(words)


def _https_origin(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    url = url if "://" in url else f"https://{url}"
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ConnectorError(
            f"the Dynamics 365 address {base_url!r} is not an environment URL "
            "(https://<org>.crm.dynamics.com)"
        )
    return f"https://{parsed.netloc}"


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _refusal(what: str, response: requests.Response) -> ConnectorError:
    status = response.status_code
    code, message = _error_of(response)
    words = f"(HTTP {status} {code}: {message})" if message else f"(HTTP {status} {code})"
    if status in (429, 503):
        return RateLimited(
            f"Dynamics 365 asked to wait while reading {what} {words}",
            retry_after=_retry_after(response),
        )
    if code == USER_NOT_IN_ORG:
        return NotAuthorised(
            f"Dynamics 365 refused to read {what} {words}: add the app registration as an "
            "application user of the environment in the Power Platform admin center"
        )
    return DataverseRefused(
        f"Dynamics 365 refused to read {what} {words}", status=status, code=code
    )


def _error_of(response: requests.Response) -> tuple[str, str]:
    """(code, message) of an OData error {"error": {"code", "message"}}, whitespace folded."""
    body = _json(response)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, Mapping):
        code, message = error.get("code"), error.get("message")
    else:
        code, message = None, response.reason or ""
    return str(code or "error"), " ".join(str(message or "").split())[:300]


_TIME_SPAN = re.compile(r"(?:(\d+)\.)?(\d+):(\d\d):(\d\d(?:\.\d+)?)")


def _retry_after(response: requests.Response) -> float | None:
    """Retry-After in seconds (what the Web API sends), an HTTP date, or a .NET TimeSpan."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    if span := _TIME_SPAN.fullmatch(value):
        days, hours, minutes, seconds = span.groups()
        return ((int(days or 0) * 24 + int(hours)) * 60 + int(minutes)) * 60 + float(seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None
