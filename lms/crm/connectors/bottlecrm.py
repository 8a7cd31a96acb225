"""BottleCRM (the open-source django-crm, 1.35.0) through its REST API, with a personal access
token (`bcrm_pat_…`) of one of the org's admins.

What the API gives, what it lacks, and how this connector makes up for it:

- The record lists (`/api/leads/`, `/api/contacts/`, `/api/accounts/`, `/api/opportunities/`,
  `/api/cases/`, `/api/tasks/`) page by limit/offset in no useful order and take no
  "changed since" filter, so every pull reads its object's whole list and keeps what is newer
  than the cursor. Rows carry `created_at` and (but for tasks) `created_by`; only leads and
  contacts carry `updated_at`.
- `/api/activities/` records who created and changed what (one row per save, with the user and
  the time), but only its newest 50 rows per object type can be read. It names who changed a
  lead or a contact (the row at the record's `updated_at`), which accounts, deals, cases and
  tasks changed (they have no `updated_at`), who created a task, and which leads were
  converted (a converted lead leaves the lead list; it is then read by its id).
- The security audit log (`/api/org/audit-log/`) refuses every token by design, so log-ins
  come from each user's `last_login` in `/api/users/`: one event per new last log-in.

Several changes to one record between two pulls are one update (the newest); a change whose
author is no longer among the newest 50 activities of its type is left out rather than
credited to the wrong person. A cursor is "<time>|<event id>" of the last event returned."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from urllib.parse import urlparse

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

LOGINS = "logins"
TIMEOUT = 60  # seconds per HTTP request
LIST_PAGE = 200  # rows per list request (BottleCRM sets no ceiling on `limit`)
MAX_LIST_PAGES = 1000  # a bound on one list walk: 200,000 records of one object
PAGE_EVENTS = 500  # events per pull
ACTIVITY_CAP = 50  # the most `/api/activities/` gives, newest first
# Saves this close after a record's creation belong to the creating request (BottleCRM saves
# some records twice while creating them); they are not an update.
SAME_SAVE = timedelta(seconds=2)
# An activity row is written just after the save it records; one this close to a record's
# updated_at is that change.
AUTHOR_WINDOW = timedelta(seconds=5)
CHANGES = {"UPDATE", "STATUS_CHANGED", "PRIORITY_CHANGED", "ASSIGN", "REOPENED"}
CONVERTED_STATUS = "converted"
# BottleCRM stores these choices in lower case and shows their labels; the labels are what
# people see, so they are what Uptake judges and shows (leads.LEAD_STATUS, common.SOURCES).
LEAD_STATUS_LABELS = {
    "assigned": "Assigned",
    "in process": "In Process",
    "converted": "Converted",
    "recycled": "Recycled",
    "closed": "Closed",
}
SOURCE_LABELS = {
    "call": "Call",
    "email": "Email",
    "existing customer": "Existing Customer",
    "partner": "Partner",
    "public relations": "Public Relations",
    "campaign": "Campaign",
    "web form": "Web Form",
    "other": "Other",
}


def _label(labels: Mapping[str, str], value: Any) -> Any:
    """A choice as BottleCRM shows it (its stored value when it has no label for it)."""
    return labels.get(value, value) if value not in (None, "") else None


def _person(row: Mapping[str, Any]) -> str:
    return " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p) or ""


def _lead_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "first_name": row.get("first_name"),
        "last_name": row.get("last_name"),
        "title": row.get("job_title"),
        "company": row.get("company_name"),
        "email": row.get("email"),
        "phone": row.get("phone"),
        "website": row.get("website"),
        "industry": row.get("industry"),
        "street": row.get("address_line"),
        "city": row.get("city"),
        "postcode": row.get("postcode"),
        "country": row.get("country"),
        "status": _label(LEAD_STATUS_LABELS, row.get("status")),
        "source": _label(SOURCE_LABELS, row.get("source")),
        "rating": row.get("rating"),
        "amount": row.get("opportunity_amount"),
        "close_date": row.get("close_date"),
        "probability": row.get("probability"),
        "description": row.get("description"),
    }


def _contact_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    account = row.get("account_detail") or {}
    return {
        "first_name": row.get("first_name"),
        "last_name": row.get("last_name"),
        "title": row.get("title"),
        "company": row.get("organization") or account.get("name"),
        "email": row.get("email"),
        "phone": row.get("phone"),
        "street": row.get("address_line"),
        "city": row.get("city"),
        "postcode": row.get("postcode"),
        "country": row.get("country"),
        "source": _label(SOURCE_LABELS, row.get("source")),
        "description": row.get("description"),
    }


def _account_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": row.get("name"),
        "email": row.get("email"),
        "phone": row.get("phone"),
        "website": row.get("website"),
        "industry": row.get("industry"),
        "street": row.get("address_line"),
        "city": row.get("city"),
        "postcode": row.get("postcode"),
        "country": row.get("country"),
        "description": row.get("description"),
    }


def _opportunity_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": row.get("name"),
        "stage": row.get("stage_label") or row.get("stage"),  # a pipeline's own stage names
        "amount": row.get("amount"),
        "close_date": row.get("closed_on"),
        "probability": row.get("probability"),
        "source": _label(SOURCE_LABELS, row.get("lead_source")),
        "description": row.get("description"),
    }


def _case_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "subject": row.get("name"),
        "status": row.get("status"),
        "priority": row.get("priority"),
        "description": row.get("description"),
    }


def _task_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "subject": row.get("title"),
        "status": row.get("status"),
        "priority": row.get("priority"),
        "due_date": row.get("due_date"),
    }


@dataclass(frozen=True)
class RecordObject:
    """One of BottleCRM's record types: where its list is, where the rows sit in the list's
    reply (leads and accounts answer in two halves), and how its fields map."""

    name: str
    path: str
    native: str  # BottleCRM's name of it, as `/api/activities/` spells entity_type
    row_lists: tuple[tuple[str, ...], ...]
    fields: Callable[[Mapping[str, Any]], dict[str, Any]]
    record_name: Callable[[Mapping[str, Any]], str]
    has_updated_at: bool = False


OBJECTS = {
    spec.name: spec
    for spec in (
        RecordObject(
            LEAD,
            "leads",
            "Lead",
            (("open_leads", "open_leads"), ("close_leads", "close_leads")),
            _lead_fields,
            lambda row: _person(row) or row.get("company_name") or "",
            has_updated_at=True,
        ),
        RecordObject(
            CONTACT,
            "contacts",
            "Contact",
            (("contact_obj_list",),),
            _contact_fields,
            _person,
            has_updated_at=True,
        ),
        RecordObject(
            ACCOUNT,
            "accounts",
            "Account",
            (("active_accounts", "open_accounts"), ("closed_accounts", "close_accounts")),
            _account_fields,
            lambda row: row.get("name") or "",
        ),
        RecordObject(
            OPPORTUNITY,
            "opportunities",
            "Opportunity",
            (("opportunities",),),
            _opportunity_fields,
            lambda row: row.get("name") or "",
        ),
        RecordObject(CASE, "cases", "Case", (("cases",),), _case_fields, lambda r: r["name"]),
        RecordObject(TASK, "tasks", "Task", (("tasks",),), _task_fields, lambda r: r["title"]),
    )
}


@dataclass(frozen=True, order=True)
class Position:
    """Where a stream stands: the time and id of the last event returned."""

    at: datetime
    event_id: str = ""

    @classmethod
    def parse(cls, cursor: str) -> "Position":
        try:
            stamp, event_id = cursor.split("|", 1)
            return cls(parse_time(stamp), event_id)
        except ValueError as error:
            raise ConnectorError(f"the stored cursor {cursor[:60]!r} is not BottleCRM's") from error

    def text(self) -> str:
        return f"{iso(self.at)}|{self.event_id}"


@dataclass(frozen=True)
class Activity:
    """One row of `/api/activities/`: someone saved a record."""

    at: datetime
    action: str
    record_id: str
    user_id: str


class BottleCrm:
    kind: ClassVar[str] = "bottlecrm"
    title: ClassVar[str] = "BottleCRM"

    def __init__(self, settings: ConnectionSettings, *, session: requests.Session | None = None):
        parsed = urlparse(settings.base_url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConnectorError(f"the BottleCRM address {settings.base_url!r} is not a URL")
        path = parsed.path.rstrip("/").removesuffix("/api")
        self.base_url = f"{parsed.scheme}://{parsed.netloc}{path}"
        self.host = parsed.netloc
        self.token = settings.secret
        self.session = session or requests.Session()
        # A page served from the walk that found it, when the next pull asks for the rest.
        self._rest: dict[str, tuple[str, list[CrmEvent], list[CrmUser]]] = {}

    # --- the Connector interface ----------------------------------------------------------

    def streams(self) -> tuple[str, ...]:
        return (*OBJECTS, LOGINS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream not in self.streams():
            raise ConnectorError(f"BottleCRM has no stream {stream!r}")
        rest = self._rest.pop(stream, None)
        if rest is not None and cursor == rest[0]:
            return self._page(stream, rest[1], rest[2], cursor)
        after = Position.parse(cursor) if cursor else (Position(since) if since else None)
        if stream == LOGINS:
            events, users = self._logins(after)
        else:
            events, users = self._record_events(OBJECTS[stream], after)
        events.sort(key=lambda event: (event.at, event.event_id))
        return self._page(stream, events, users, cursor)

    def users(self) -> list[CrmUser]:
        return [_crm_user(profile) for profile in self._profiles()]

    def check(self) -> str:
        me = self._get("/api/profile/")["user_obj"]
        email = me["user_details"]["email"]
        if me.get("role") != "ADMIN":
            raise NotAuthorised(
                f"the token belongs to {email}, who is not an admin of the BottleCRM org; "
                "Uptake needs an admin's token to list users and read every record"
            )
        org = self._get("/api/org/settings/").get("name", "?")
        return f"Signed in to {self.host} (org {org}) as {email}; {len(self.users())} users"

    # --- records --------------------------------------------------------------------------

    def _record_events(
        self, spec: RecordObject, after: Position | None
    ) -> tuple[list[CrmEvent], list[CrmUser]]:
        rows = self._rows(spec)
        activities = self._activities(spec.native)
        events = []
        for row in rows:
            events += self._row_events(spec, row, activities, after)
        if spec.name == LEAD:
            listed = {row["id"] for row in rows}
            for row in self._converted_leads(activities, listed, after):
                events += self._row_events(spec, row, activities, after)
        events = [e for e in events if after is None or Position(e.at, e.event_id) > after]
        return events, _creators(rows)

    def _row_events(
        self,
        spec: RecordObject,
        row: Mapping[str, Any],
        activities: list[Activity],
        after: Position | None,
    ) -> Iterator[CrmEvent]:
        """What became of one record since `after`: its creation, and its newest change (a
        conversion, for a lead that left the list converted)."""
        record_id = row["id"]
        created_at = parse_time(row["created_at"])
        mine = [a for a in activities if a.record_id == record_id]
        if after is None or created_at >= after.at:
            creator = self._creator(spec, row, mine)
            if creator:
                yield self._event(spec, row, CREATED, created_at, creator, "created")
        if spec.name == LEAD and row.get("status") == CONVERTED_STATUS:
            conversion = _conversion(row, mine)
            if conversion is not None:
                yield self._event(spec, row, CONVERTED, *conversion, "converted")
            return
        change = _newest_change(row, mine, created_at)
        if change is not None:
            yield self._event(spec, row, UPDATED, *change, iso(change[0]))

    def _event(self, spec, row, action, at, user_id, suffix) -> CrmEvent:
        return CrmEvent(
            event_id=f"{spec.name}/{row['id']}/{suffix}",
            action=action,
            at=at,
            user_id=user_id,
            object=spec.name,
            record_id=row["id"],
            record_name=spec.record_name(row),
            native_type=spec.native,
            fields=spec.fields(row),
        )

    def _creator(self, spec: RecordObject, row: Mapping[str, Any], mine: list[Activity]):
        """Who created the record: the row says, but for a task (its list leaves it out: the
        activity feed says, or else the task itself). None when nobody did (a web form)."""
        creator = row.get("created_by")
        if isinstance(creator, dict):
            return creator.get("id")
        if creator or spec.name != TASK:
            return creator
        created = [a.user_id for a in mine if a.action == "CREATE"]
        if created:
            return created[0]
        task = self._get(f"/api/tasks/{row['id']}/", missing_ok=True) or {}
        return ((task.get("task_obj") or {}).get("created_by") or {}).get("id")

    def _converted_leads(
        self, activities: list[Activity], listed: set[str], after: Position | None
    ) -> Iterator[Mapping[str, Any]]:
        """Leads changed since `after` that the list no longer shows: converted ones (or
        deleted, which answer 404 and are passed over)."""
        gone = {
            a.record_id
            for a in activities
            if a.record_id not in listed and (after is None or a.at >= after.at)
        }
        for record_id in sorted(gone):
            lead = self._get(f"/api/leads/{record_id}/", missing_ok=True)
            if lead and lead["lead_obj"].get("status") == CONVERTED_STATUS:
                yield lead["lead_obj"]

    def _rows(self, spec: RecordObject) -> list[dict]:
        """Every row of the object's list, both halves where it has two."""
        rows: dict[str, dict] = {}
        for page in range(MAX_LIST_PAGES):
            reply = self._get(
                f"/api/{spec.path}/",
                {"limit": LIST_PAGE, "offset": page * LIST_PAGE},
                missing_ok=True,  # the org switched this module off: nothing to read
            )
            if reply is None:
                return []
            halves = [_dig(reply, keys) for keys in spec.row_lists]
            for row in (row for half in halves for row in half):
                rows[row["id"]] = row
            if all(len(half) < LIST_PAGE for half in halves):
                return list(rows.values())
        raise ConnectorError(
            f"BottleCRM's {spec.path} list has more than {MAX_LIST_PAGES * LIST_PAGE} records"
        )

    def _activities(self, native: str) -> list[Activity]:
        reply = self._get("/api/activities/", {"limit": ACTIVITY_CAP, "entity_type": native})
        return [
            Activity(parse_time(row["timestamp"]), row["action"], row["entity_id"], user["id"])
            for row in reply.get("activities", [])
            if (user := row.get("user"))
        ]

    # --- users and log-ins ----------------------------------------------------------------

    def _profiles(self) -> list[dict]:
        """Every member of the org, active and not (`/api/users/` pages both at once)."""
        profiles: dict[str, dict] = {}
        for page in range(MAX_LIST_PAGES):
            reply = self._get("/api/users/", {"limit": LIST_PAGE, "offset": page * LIST_PAGE})
            active = reply["active_users"]["active_users"]
            inactive = reply["inactive_users"]["inactive_users"]
            for profile in active + inactive:
                profiles[profile["id"]] = profile
            if len(active) < LIST_PAGE and len(inactive) < LIST_PAGE:
                return list(profiles.values())
        raise ConnectorError(f"BottleCRM lists more than {MAX_LIST_PAGES * LIST_PAGE} users")

    def _logins(self, after: Position | None) -> tuple[list[CrmEvent], list[CrmUser]]:
        events, users = [], []
        for profile in self._profiles():
            user = profile["user_details"]
            users.append(_crm_user(profile))
            if not user.get("last_login"):
                continue
            at = parse_time(user["last_login"])
            event_id = f"login/{user['id']}/{iso(at)}"
            if after is None or Position(at, event_id) > after:
                events.append(CrmEvent(event_id, LOGGED_IN, at, str(user["id"])))
        return events, users

    # --- paging and HTTP ------------------------------------------------------------------

    def _page(
        self, stream: str, events: list[CrmEvent], users: list[CrmUser], cursor: str | None
    ) -> Page:
        """The first PAGE_EVENTS events; the rest is kept for the pull that asks for it."""
        now, rest = events[:PAGE_EVENTS], events[PAGE_EVENTS:]
        if now:
            cursor = Position(now[-1].at, now[-1].event_id).text()
        named = {e.user_id for e in now}
        page_users = [u for u in users if u.crm_id in named]
        if rest:
            self._rest[stream] = (cursor, rest, users)
        return Page(events=now, cursor=cursor, more=bool(rest), users=page_users)

    def _get(self, path: str, params: dict | None = None, *, missing_ok: bool = False) -> Any:
        """GET a BottleCRM API path as JSON. A 401 is tried once more; a 401 again or a 403
        is NotAuthorised; 429/503 are RateLimited; a 404 is None when `missing_ok`."""
        if not self.token:
            raise NotAuthorised(
                "no BottleCRM token: set the environment variable this "
                "connection names to an admin's personal access token"
            )
        for attempt in (1, 2):
            try:
                reply = self.session.get(
                    self.base_url + path,
                    params=params,
                    headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
                    timeout=TIMEOUT,
                )
            except requests.RequestException as error:
                raise ConnectorError(
                    f"BottleCRM at {self.host} did not answer GET {path}: {type(error).__name__}"
                ) from error
            if reply.status_code != 401 or attempt == 2:
                break
        return self._read(path, reply, missing_ok)

    def _read(self, path: str, reply: requests.Response, missing_ok: bool) -> Any:
        status = reply.status_code
        if status in (429, 503):
            raise RateLimited(
                f"BottleCRM at {self.host} asked us to wait (HTTP {status}) on GET {path}",
                retry_after=_retry_after(reply),
            )
        if status in (401, 403):
            raise NotAuthorised(
                f"BottleCRM at {self.host} refused the token (HTTP {status}) on GET {path}: "
                f"{_detail(reply)}"
            )
        if status == 404 and missing_ok:
            return None
        if status >= 400:
            raise ConnectorError(
                f"BottleCRM at {self.host} answered HTTP {status} to GET {path}: {_detail(reply)}"
            )
        try:
            return reply.json()
        except ValueError as error:
            raise ConnectorError(
                f"BottleCRM at {self.host} answered GET {path} with something not JSON"
            ) from error


def _newest_change(
    row: Mapping[str, Any], mine: list[Activity], created_at: datetime
) -> tuple[datetime, str] | None:
    """(when, who) of the record's newest change after its creation, or None. A record
    with `updated_at` changed then, by whoever's activity row sits at that time; one without
    changed at its newest change activity."""
    changes = [a for a in mine if a.action in CHANGES and a.at - created_at > SAME_SAVE]
    if "updated_at" in row:
        updated_at = parse_time(row["updated_at"])
        if updated_at - created_at <= SAME_SAVE:
            return None
        authors = [a for a in changes if abs(a.at - updated_at) <= AUTHOR_WINDOW]
        return (updated_at, authors[0].user_id) if authors else None
    return (changes[0].at, changes[0].user_id) if changes else None


def _conversion(lead: Mapping[str, Any], mine: list[Activity]) -> tuple[datetime, str] | None:
    """(when, who) of a converted lead's conversion: its last save, by whoever's activity row
    sits at that time (even in the request that created it already converted)."""
    converted_at = parse_time(lead["updated_at"])
    authors = [a for a in mine if abs(a.at - converted_at) <= AUTHOR_WINDOW]
    return (converted_at, authors[0].user_id) if authors else None


def _creators(rows: Iterable[Mapping[str, Any]]) -> list[CrmUser]:
    """The users the rows name with their e-mail (lists give `created_by` as id, e-mail and
    name; contacts give only the id)."""
    users = {}
    for row in rows:
        creator = row.get("created_by")
        if isinstance(creator, dict) and creator.get("id"):
            users[creator["id"]] = CrmUser(
                crm_id=str(creator["id"]),
                name=creator.get("name") or creator.get("email") or "",
                email=creator.get("email"),
            )
    return list(users.values())


def _crm_user(profile: Mapping[str, Any]) -> CrmUser:
    user = profile["user_details"]
    return CrmUser(
        crm_id=str(user["id"]),
        name=user.get("name") or user.get("email") or "",
        email=user.get("email"),
        active=bool(profile.get("is_active")) and bool(user.get("is_active")),
    )


def _dig(reply: Mapping[str, Any], keys: tuple[str, ...]) -> list[dict]:
    value: Any = reply
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, list) else []


def _detail(reply: requests.Response) -> str:
    try:
        body = reply.json()
    except ValueError:
        return reply.reason or ""
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("errors") or body.get("error") or "")[:300]
    return ""


def _retry_after(reply: requests.Response) -> float | None:
    value = reply.headers.get("Retry-After")
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


def parse_time(text: str) -> datetime:
    """BottleCRM's ISO 8601 times ("2026-12-05T11:37:46.485345Z") as naive UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds") + "Z"
