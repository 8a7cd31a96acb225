"""Salesforce through its REST API (simple-salesforce): records by SystemModstamp, log-ins from
LoginHistory, report views from ReportEventLog or Event Monitoring's log files.

Sign-in is the OAuth 2.0 JWT bearer flow (an assertion signed with the connected app's
certificate key, naming the API user) or the client-credentials flow (the app's run-as user),
both against the org's My Domain. A session that expires is signed in again once; refused
again, the connection is NotAuthorised. Salesforce's API request limit
(REQUEST_LIMIT_EXCEEDED) and HTTP 429/503 are RateLimited.

Every stream reads in the order of a stamp field and the record Id, after a cursor
"<stamp>,<Id>" of the last row read, so a cursor resumes exactly even where many rows share
one second (a data load)."""

import csv
import io
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlparse

import jwt
import requests
import simple_salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession
from simple_salesforce.util import exception_handler

from lms.crm.connectors.base import (
    ACCOUNT,
    CASE,
    CONTACT,
    CONVERTED,
    CREATED,
    LEAD,
    LOGGED_IN,
    OPPORTUNITY,
    REPORT,
    TASK,
    UPDATED,
    VIEWED,
    ConnectionSettings,
    ConnectorError,
    CrmEvent,
    CrmUser,
    NotAuthorised,
    Page,
    RateLimited,
)

API_VERSION = "62.0"  # ReportEventLog is generally available from 61.0
PAGE_SIZE = 2000  # rows per pull (SOQL LIMIT); Salesforce sends them in batches of up to 2000
LOG_FILES_PER_PAGE = 5  # Event Monitoring log files per pull; each is one CSV download
MAX_BATCHES = 50  # nextRecordsUrl hops followed in one read (2000 rows need at most 10)
TIMEOUT = 60  # seconds per HTTP request
JWT_LIFETIME = 180  # seconds; Salesforce refuses an assertion that lives longer than 3 minutes
DEFAULT_LOGIN_URL = "https://login.salesforce.com"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_CREDENTIALS = "client_credentials"
LOGINS, REPORTS = "logins", "reports"
SYSTEM_FIELDS = (
    "Id",
    "CreatedById",
    "CreatedDate",
    "LastModifiedById",
    "LastModifiedDate",
    "SystemModstamp",
)
# Error codes meaning "this org or this API user cannot read that object" (not a fault).
NOT_AVAILABLE = {
    "INVALID_TYPE",
    "NOT_FOUND",
    "INSUFFICIENT_ACCESS",
    "INSUFFICIENT_ACCESS_OR_READONLY",
    "INVALID_FIELD",
}
SALESFORCE_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
REPORT_ID_IN_URI = re.compile(r"\b(00O[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)\b")

T = TypeVar("T")


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


@dataclass(frozen=True)
class Position:
    """Where a stream stands: after the row (stamp, record_id). An empty record_id stands
    before every row of that moment (a `since` with nothing read yet)."""

    stamp: datetime
    record_id: str = ""

    @classmethod
    def parse(cls, cursor: str) -> "Position":
        stamp, _, record_id = cursor.partition(",")
        try:
            moment = parse_time(stamp)
        except ValueError:
            moment = None
        if moment is None or (record_id and not SALESFORCE_ID.fullmatch(record_id)):
            raise ConnectorError(f"the stored cursor {cursor[:60]!r} is not a Salesforce one")
        return cls(moment, record_id)

    def text(self) -> str:
        return f"{iso(self.stamp)},{self.record_id}"

    def soql_after(self, stamp_field: str) -> str:
        moment = iso(self.stamp)
        if not self.record_id:
            return f"{stamp_field} >= {moment}"
        return (
            f"({stamp_field} > {moment} OR ({stamp_field} = {moment} AND Id > '{self.record_id}'))"
        )


@dataclass(frozen=True)
class SignIn:
    """How an access token is got from the My Domain's token endpoint."""

    token_url: str
    consumer_key: str
    flow: str  # "jwt" or CLIENT_CREDENTIALS
    username: str | None
    audience: str
    secret: str = field(repr=False)  # the private key PEM, or the consumer secret

    @classmethod
    def from_settings(cls, settings: ConnectionSettings, my_domain: str) -> "SignIn":
        options = settings.options
        consumer_key = (options.get("consumer_key") or "").strip()
        flow = (options.get("flow") or "jwt").strip().lower()
        username = (options.get("username") or "").strip() or None
        if not consumer_key:
            raise ConnectorError("Salesforce needs the connected app's consumer_key option")
        if flow not in ("jwt", CLIENT_CREDENTIALS):
            raise ConnectorError(f"Salesforce flow {flow!r} is neither jwt nor client_credentials")
        if not settings.secret:
            raise ConnectorError(
                "Salesforce needs its secret (the private key, or consumer secret)"
            )
        if flow == "jwt" and not username:
            raise ConnectorError("Salesforce's JWT sign-in needs the API user's username option")
        secret = _private_key(settings.secret) if flow == "jwt" else settings.secret
        audience = (options.get("login_url") or DEFAULT_LOGIN_URL).rstrip("/")
        return cls(
            f"{my_domain}/services/oauth2/token", consumer_key, flow, username, audience, secret
        )

    def form(self) -> dict[str, str]:
        """The token request's body; a JWT assertion is signed afresh each time."""
        if self.flow == CLIENT_CREDENTIALS:
            return {
                "grant_type": "client_credentials",
                "client_id": self.consumer_key,
                "client_secret": self.secret,
            }
        claims = {
            "iss": self.consumer_key,
            "sub": self.username,
            "aud": self.audience,
            "exp": int(time.time()) + JWT_LIFETIME,
        }
        try:
            assertion = jwt.encode(claims, self.secret, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError):
            raise ConnectorError(
                "the Salesforce secret is not a PEM RSA private key (nor a file holding one)"
            ) from None
        return {"grant_type": JWT_GRANT, "assertion": assertion}


def _private_key(secret: str) -> str:
    """The PEM itself, or read from the path the secret names. An environment variable often
    holds the PEM with literal "\\n"s; they are made line breaks."""
    if "-----BEGIN" in secret:
        return secret.replace("\\n", "\n") if "\n" not in secret else secret
    try:
        return Path(secret).expanduser().read_text()
    except (OSError, ValueError) as error:
        raise ConnectorError(
            "the Salesforce secret is neither a PEM private key nor a readable key file "
            f"({type(error).__name__})"
        ) from None


class SalesforceRefused(ConnectorError):
    """Salesforce answered an API request with an error; `code` is its errorCode."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.status, self.code = status, code


class Salesforce:
    """The Salesforce connector (see the module's docstring)."""

    kind: ClassVar[str] = "salesforce"
    title: ClassVar[str] = "Salesforce"

    def __init__(self, settings: ConnectionSettings, *, session: requests.Session | None = None):
        self.my_domain = _https_origin(settings.base_url)
        self.sign_in = SignIn.from_settings(settings, self.my_domain)
        self.http = session or requests.Session()
        self.page_size = PAGE_SIZE
        self.log_files_per_page = LOG_FILES_PER_PAGE
        self._client: simple_salesforce.Salesforce | None = None
        self._api_user_id: str | None = None
        self._last_response: requests.Response | None = None
        self._field_maps: dict[str, dict[str, str]] = {}  # native -> canonical -> Salesforce
        self._report_source: str | None = None
        self._reports_unavailable: ConnectorError | None = None
        self._request_options = {"timeout": TIMEOUT, "hooks": {"response": [self._remember]}}

    def streams(self) -> tuple[str, ...]:
        return (*RECORD_OBJECTS, LOGINS, REPORTS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream in RECORD_OBJECTS:
            return self._pull_records(RECORD_OBJECTS[stream], cursor, since)
        if stream == LOGINS:
            return self._pull_logins(cursor, since)
        if stream == REPORTS:
            return self._pull_reports(cursor, since)
        raise ConnectorError(f"Salesforce has no stream {stream!r}")

    def users(self) -> list[CrmUser]:
        """Every internal user, active or not: Salesforce never deletes a user, it deactivates
        them (IsActive false)."""
        soql = (
            "SELECT Id, Name, Email, EmployeeNumber, IsActive FROM User "
            "WHERE UserType = 'Standard' ORDER BY Id"
        )
        records, _ = self._query("User", soql, everything=True)
        return [
            CrmUser(
                crm_id=user["Id"],
                name=user.get("Name") or user["Id"],
                email=user.get("Email") or None,
                hr_id=user.get("EmployeeNumber") or None,
                active=bool(user.get("IsActive")),
            )
            for user in records
        ]

    def check(self) -> str:
        """Sign in, count the active users and read what is left of today's API requests."""
        active = self._call("User", lambda sf: sf.query(_ACTIVE_USERS, **self._request_options))
        words = f"Signed in to {self.host} as {self._api_user_name()}; "
        words += f"{active['totalSize']} active users"
        try:
            limits = self._call("limits", lambda sf: sf.limits(**self._request_options))
        except SalesforceRefused as refused:  # /limits needs View Setup and Configuration
            return f"{words}; the org's API limits are not readable ({refused.code})"
        daily = limits.get("DailyApiRequests") or {}
        if "Max" in daily and "Remaining" in daily:
            words += f"; API requests left today: {daily['Remaining']:,} of {daily['Max']:,}"
        return words

    @property
    def host(self) -> str:
        return urlparse(self.my_domain).netloc

    # Records -------------------------------------------------------------------------------

    def _pull_records(self, spec: RecordObject, cursor: str | None, since: datetime | None):
        """A record read is `created` (by CreatedById) when its CreatedDate is in the window
        read, `updated` (by LastModifiedById) when its LastModifiedDate is, and a lead is
        `converted` (by LastModifiedById) when its ConvertedDate is; a conversion is not also
        an update. Several edits between two reads are one update, the last."""
        position = _position(cursor, since)
        field_map = self._field_map(spec)
        select = _unique([*SYSTEM_FIELDS, spec.name_field, *spec.extra, *field_map.values()])
        records, more = self._read_after(spec.native, select, "SystemModstamp", position)
        window_start = position.stamp if position else None
        events = [
            event
            for record in records
            for event in self._record_events(spec, field_map, record, window_start)
        ]
        return _page(events, _next(records, "SystemModstamp", position), more)

    def _record_events(
        self,
        spec: RecordObject,
        field_map: Mapping[str, str],
        record: Mapping[str, Any],
        window_start: datetime | None,
    ) -> list[CrmEvent]:
        created_at = parse_time(record["CreatedDate"])
        modified_at = parse_time(record["LastModifiedDate"])
        key = f"{spec.native}/{record['Id']}"
        about = {
            "object": spec.object,
            "record_id": record["Id"],
            "record_name": _value(record, spec.name_field),
            "native_type": spec.native,
            "url": f"{self._instance_url()}/lightning/r/{spec.native}/{record['Id']}/view",
            "fields": {canonical: _value(record, name) for canonical, name in field_map.items()},
        }
        events = []
        if _within(created_at, window_start):
            events.append(
                CrmEvent(f"{key}/created", CREATED, created_at, record["CreatedById"], **about)
            )
        converted_at = _converted_at(record, modified_at, window_start)
        if converted_at is not None:
            by = record["LastModifiedById"]
            events.append(CrmEvent(f"{key}/converted", CONVERTED, converted_at, by, **about))
        edited = modified_at > created_at and _within(modified_at, window_start)
        if edited and converted_at != modified_at:
            by = record["LastModifiedById"]
            events.append(CrmEvent(f"{key}/{iso(modified_at)}", UPDATED, modified_at, by, **about))
        return events

    def _field_map(self, spec: RecordObject) -> dict[str, str]:
        """Which Salesforce field fills each canonical field, among those the API user can
        read (field-level security hides some; State and Country picklists add CountryCode).
        Read once per connector from the object's describe."""
        if spec.native not in self._field_maps:
            path = f"sobjects/{spec.native}/describe"
            described = self._call(
                f"{spec.native} (describe)", lambda sf: sf.restful(path, **self._request_options)
            )
            readable = {item["name"] for item in (described or {}).get("fields", [])}
            self._field_maps[spec.native] = {
                canonical: chosen
                for canonical, candidates in spec.fields.items()
                if (chosen := next((c for c in candidates if _readable(c, readable)), None))
            }
        return self._field_maps[spec.native]

    # Log-ins and report views ---------------------------------------------------------------

    def _pull_logins(self, cursor: str | None, since: datetime | None) -> Page:
        """Successful log-ins, each LoginHistory row once; the connector's own sign-ins (the
        API user's) are left out."""
        position = _position(cursor, since)
        records, more = self._read_after(
            "LoginHistory",
            ("Id", "UserId", "LoginTime", "LoginType"),
            "LoginTime",
            position,
            where="Status = 'Success'",
        )
        events = [
            CrmEvent(
                event_id=f"LoginHistory/{row['Id']}",
                action=LOGGED_IN,
                at=parse_time(row["LoginTime"]),
                user_id=row["UserId"],
                native_type="LoginHistory",
            )
            for row in records
            if row["UserId"] != self._api_user_id
        ]
        return _page(events, _next(records, "LoginTime", position), more)

    def _pull_reports(self, cursor: str | None, since: datetime | None) -> Page:
        """Report runs and exports: from ReportEventLog where the org has Event Monitoring's
        event log objects, else from the daily Report and ReportExport log files. An org with
        neither raises one ConnectorError saying which permission or licence is missing."""
        source, _, rest = (cursor or "").partition("@")
        position = _position(rest or None, since)
        if not source:
            source = self._report_source or self._find_report_source()
        if source == "ReportEventLog":
            page = self._pull_report_event_log(position)
        elif source == "EventLogFile":
            page = self._pull_report_log_files(position, since)
        else:
            raise ConnectorError(f"the stored cursor names an unknown report source {source!r}")
        cursor = f"{source}@{page.cursor}" if page.cursor else None
        return Page(page.events, cursor, page.more)

    def _find_report_source(self) -> str:
        """The first report source the API user can read; an org with neither is told once
        per connector (later pulls repeat the error without asking Salesforce again)."""
        if self._reports_unavailable is not None:
            raise self._reports_unavailable
        missing = []
        for source, needs in (
            ("ReportEventLog", "the View Event Log Object Data permission (Event Monitoring)"),
            (
                "EventLogFile",
                "the View Event Log Files permission and the Event Monitoring licence",
            ),
        ):
            try:
                self._call(
                    source,
                    lambda sf, s=source: sf.query(
                        f"SELECT Id FROM {s} LIMIT 1", **self._request_options
                    ),
                )
            except SalesforceRefused as refused:
                if refused.code not in NOT_AVAILABLE:
                    raise
                missing.append(f"{source} needs {needs} ({refused.code})")
            else:
                self._report_source = source
                return source
        self._reports_unavailable = ConnectorError(
            "report views cannot be read: the API user can read neither ReportEventLog nor "
            f"EventLogFile; {'; '.join(missing)}. Grant one to read report views."
        )
        raise self._reports_unavailable

    def _pull_report_event_log(self, position: Position | None) -> Page:
        select = ("Id", "Timestamp", "UserIdentifier", "ReportIdentifier", "RequestIdentifier")
        records, more = self._read_after("ReportEventLog", select, "Timestamp", position)
        events = [
            self._report_view(
                at=parse_time(row["Timestamp"]),
                user_id=row.get("UserIdentifier"),
                report_id=row.get("ReportIdentifier"),
                request_id=row.get("RequestIdentifier") or row["Id"],
                native_type="ReportEventLog",
            )
            for row in records
        ]
        return _page([e for e in events if e], _next(records, "Timestamp", position), more)

    def _pull_report_log_files(self, position: Position | None, since: datetime | None) -> Page:
        """One CSV download per log file; the cursor walks the files by CreatedDate (a day's
        file appears the next day)."""
        files, more = self._read_after(
            "EventLogFile",
            ("Id", "EventType", "LogDate", "CreatedDate"),
            "CreatedDate",
            position,
            where="EventType IN ('Report', 'ReportExport') AND Interval = 'Daily'",
            limit=self.log_files_per_page,
        )
        events = []
        for log_file in files:
            path = f"/services/data/v{API_VERSION}/sobjects/EventLogFile/{log_file['Id']}/LogFile"
            text = self._call(
                f"EventLogFile {log_file['Id']}", lambda sf, p=path: self._download(sf, p)
            )
            for row in csv.DictReader(io.StringIO(text)):
                event = self._report_view(
                    at=_log_time(row),
                    user_id=row.get("USER_ID_DERIVED") or row.get("USER_ID"),
                    report_id=_report_id(row),
                    request_id=row.get("REQUEST_ID"),
                    native_type=f"EventLogFile/{log_file['EventType']}",
                )
                if event and _within(event.at, since):
                    events.append(event)
        return _page(events, _next(files, "CreatedDate", position), more)

    def _report_view(self, *, at, user_id, report_id, request_id, native_type) -> CrmEvent | None:
        """A report view; the same request's row read from either source has the same id."""
        if not (user_id and report_id and request_id):
            return None
        report_id = id18(report_id)
        return CrmEvent(
            event_id=f"Report/{request_id}/{report_id}",
            action=VIEWED,
            at=at,
            user_id=id18(user_id),
            object=REPORT,
            record_id=report_id,
            native_type=native_type,
            url=f"{self._instance_url()}/lightning/r/Report/{report_id}/view",
        )

    # Requests -------------------------------------------------------------------------------

    def _read_after(self, source, select, stamp_field, position, *, where=None, limit=None):
        """Rows of `source` after `position`, in (stamp, Id) order, at most `limit`; and
        whether more are waiting."""
        limit = limit or self.page_size
        conditions = [c for c in (where, position and position.soql_after(stamp_field)) if c]
        soql = f"SELECT {', '.join(select)} FROM {source}"
        soql += f" WHERE {' AND '.join(conditions)}" if conditions else ""
        soql += f" ORDER BY {stamp_field}, Id LIMIT {limit}"
        records, complete = self._query(source, soql)
        return records, len(records) >= limit or not complete

    def _query(self, what: str, soql: str, *, everything: bool = False):
        """A query's rows, following nextRecordsUrl (at most MAX_BATCHES batches, unless
        `everything`); and whether Salesforce said done."""
        result = self._call(what, lambda sf: sf.query(soql, **self._request_options))
        records = list(result["records"])
        hops = 10 * MAX_BATCHES if everything else MAX_BATCHES
        for _ in range(hops):
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                break
            url = result["nextRecordsUrl"]
            result = self._call(
                what,
                lambda sf, url=url: sf.query_more(
                    url, identifier_is_url=True, **self._request_options
                ),
            )
            records.extend(result["records"])
        return records, bool(result.get("done", True))

    def _call(self, what: str, request: Callable[[simple_salesforce.Salesforce], T]) -> T:
        """One API request, signed in first. An expired session (HTTP 401) is signed in again
        once; refused again, the credentials are NotAuthorised."""
        for _ in range(2):
            client = self._client or self._signed_in()
            try:
                return request(client)
            except SalesforceExpiredSession:
                self._client = None
            except SalesforceError as error:
                raise self._refusal(what, error) from None
            except requests.RequestException as error:
                raise ConnectorError(
                    f"could not reach {self.host} to read {what} ({type(error).__name__})"
                ) from None
        raise NotAuthorised(
            f"Salesforce refused to read {what} (HTTP 401) with a session just signed in: "
            "check the API user is active and has the API Enabled permission"
        )

    def _signed_in(self) -> simple_salesforce.Salesforce:
        try:
            response = self.http.post(
                self.sign_in.token_url, data=self.sign_in.form(), timeout=TIMEOUT
            )
        except requests.RequestException as error:
            raise ConnectorError(
                f"could not reach {self.host} to sign in ({type(error).__name__})"
            ) from None
        body = _json(response)
        if response.status_code in (429, 503):
            raise RateLimited(
                f"Salesforce asked to wait before signing in (HTTP {response.status_code})",
                retry_after=_retry_after(response),
            )
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            code, message = _error_of(body, response.text)
            raise NotAuthorised(
                f"Salesforce refused the sign-in at {self.host} (HTTP {response.status_code} "
                f"{code}: {message}); check the connected app, its policies (admin-approved "
                "users, the API user pre-authorised) and the connection's options"
            )
        self._api_user_id = str(body.get("id") or "").rstrip("/").rpartition("/")[2] or None
        self._client = simple_salesforce.Salesforce(
            instance_url=body.get("instance_url") or self.my_domain,
            session_id=body["access_token"],
            session=self.http,
            version=API_VERSION,
            object_pairs_hook=dict,
        )
        return self._client

    def _download(self, sf: simple_salesforce.Salesforce, path: str) -> str:
        response = sf.session.get(
            f"https://{sf.sf_instance}{path}", headers=sf.headers, **self._request_options
        )
        if response.status_code >= 300:
            exception_handler(response, "EventLogFile")
        return response.text

    def _refusal(self, what: str, error: SalesforceError) -> ConnectorError:
        code, message = _error_of(error.content, "")
        retry_after = _retry_after(self._last_response)
        if error.status in (429, 503) or code == "REQUEST_LIMIT_EXCEEDED":
            return RateLimited(
                f"Salesforce asked to wait while reading {what} (HTTP {error.status} {code}: "
                f"{message})",
                retry_after=retry_after,
            )
        return SalesforceRefused(
            f"Salesforce refused to read {what} (HTTP {error.status} {code}: {message})",
            status=error.status,
            code=code,
        )

    def _remember(self, response: requests.Response, *args, **kwargs) -> requests.Response:
        self._last_response = response  # its Retry-After, should the request be refused
        return response

    def _instance_url(self) -> str:
        return f"https://{self._client.sf_instance}" if self._client else self.my_domain

    def _api_user_name(self) -> str:
        if self.sign_in.username:
            return self.sign_in.username
        if not self._api_user_id or not SALESFORCE_ID.fullmatch(self._api_user_id):
            return "the connected app's run-as user"
        soql = f"SELECT Username FROM User WHERE Id = '{self._api_user_id}'"
        records, _ = self._query("User", soql)
        return records[0]["Username"] if records else self._api_user_id


_ACTIVE_USERS = "SELECT COUNT() FROM User WHERE IsActive = true AND UserType = 'Standard'"


# Values ------------------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    """Salesforce's "2026-11-30T10:15:00.000+0000" as naive UTC."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def iso(moment: datetime) -> str:
    """A SOQL dateTime literal (and the stamp in event ids): seconds, milliseconds only where
    the value has them (event log objects keep milliseconds)."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond // 1000:03d}Z" if moment.microsecond else f"{text}Z"


def id18(salesforce_id: str) -> str:
    """The 18-character, case-safe form of a Salesforce id (log files give 15)."""
    if len(salesforce_id) != 15:
        return salesforce_id
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for start in (0, 5, 10):
        chunk = salesforce_id[start : start + 5]
        suffix += alphabet[sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")]
    return salesforce_id + suffix


def _position(cursor: str | None, since: datetime | None) -> Position | None:
    if cursor:
        return Position.parse(cursor)
    return Position(since) if since is not None else None


def _next(records: list[dict], stamp_field: str, position: Position | None) -> str | None:
    if records:
        return Position(parse_time(records[-1][stamp_field]), records[-1]["Id"]).text()
    return position.text() if position else None


def _page(events: Iterable[CrmEvent], cursor: str | None, more: bool) -> Page:
    return Page(sorted(events, key=lambda e: (e.at, e.event_id)), cursor, more)


def _within(moment: datetime, window_start: datetime | None) -> bool:
    return window_start is None or moment >= window_start


def _converted_at(record: dict, modified_at: datetime, window_start: datetime | None):
    """When a lead was converted: its last modification (conversion locks the lead), unless
    that is not on ConvertedDate, a date in the user's time zone, hence a day's slack."""
    if not record.get("IsConverted") or not record.get("ConvertedDate"):
        return None
    converted_on = date.fromisoformat(record["ConvertedDate"])
    if window_start is not None and converted_on < window_start.date() - timedelta(days=1):
        return None
    if abs((modified_at.date() - converted_on).days) <= 1:
        return modified_at
    return datetime(converted_on.year, converted_on.month, converted_on.day)


def _readable(candidate: str, readable: set[str]) -> bool:
    relation, _, _ = candidate.partition(".")
    return f"{relation}Id" in readable if "." in candidate else candidate in readable


def _value(record: Mapping[str, Any], name: str) -> Any:
    value: Any = record
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _log_time(row: Mapping[str, str]) -> datetime:
    if row.get("TIMESTAMP_DERIVED"):
        return parse_time(row["TIMESTAMP_DERIVED"])
    return datetime.strptime(row["TIMESTAMP"], "%Y%m%d%H%M%S.%f")


def _report_id(row: Mapping[str, str]) -> str | None:
    for name in ("REPORT_ID_DERIVED", "REPORT_ID", "URI_ID_DERIVED"):
        if row.get(name):
            return row[name]
    found = REPORT_ID_IN_URI.search(row.get("URI") or "")
    return found.group(1) if found else None


def _https_origin(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    url = url if "://" in url else f"https://{url}"
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.netloc:
        raise ConnectorError(f"the Salesforce address {base_url!r} is not a My Domain URL")
    return f"{parsed.scheme}://{parsed.netloc}"


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_of(content: Any, fallback: str) -> tuple[str, str]:
    """(errorCode, message) of an API error array or an OAuth error, whitespace folded."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        code, message = content[0].get("errorCode"), content[0].get("message")
    elif isinstance(content, Mapping):
        code, message = content.get("error"), content.get("error_description")
    else:
        code, message = None, content if isinstance(content, str) else fallback
    return str(code or "error"), " ".join(str(message or "").split())[:300]


def _retry_after(response: requests.Response | None) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None
