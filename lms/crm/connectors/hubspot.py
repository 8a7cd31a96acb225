"""HubSpot through its REST API (CRM v3 search and owners, account activity), with a
private app's access token, or OAuth with a refresh token. Reads only.

Records are found by `hs_lastmodifieddate`: each pull is a fresh search from the cursor
("<ms>,<id>"), sorted ascending, 100 at a time, so the search API's 10,000-results-per-query
ceiling is never reached (paging with `after` is used only inside one millisecond). Who did
it: `hs_created_by_user_id` for a new record, `hs_updated_by_user_id` for a change, both
HubSpot user ids — the ids owners carry as `userId`, which is what `users()` keys people by."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests

from lms.crm.connectors.base import (
    ACCOUNT,
    CASE,
    CONTACT,
    CREATED,
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
from lms.crm.connectors.http import ApiRefused, error_words, json_or_none, origin, retry_after

API = "https://api.hubapi.com"
PAGE_SIZE = 100  # the search API's largest page
TIMEOUT = 30
LOGINS = "logins"
# Uptake's object -> (HubSpot object type, {canonical field: HubSpot property}).
OBJECTS = {
    CONTACT: (
        "contacts",
        {
            "first_name": "firstname",
            "last_name": "lastname",
            "company": "company",
            "email": "email",
            "phone": "phone",
            "title": "jobtitle",
            "city": "city",
            "postcode": "zip",
            "country": "country",
            "status": "hs_lead_status",
        },
    ),
    ACCOUNT: (
        "companies",
        {
            "name": "name",
            "industry": "industry",
            "phone": "phone",
            "website": "domain",
            "city": "city",
            "postcode": "zip",
            "country": "country",
        },
    ),
    OPPORTUNITY: (
        "deals",
        {"name": "dealname", "stage": "dealstage", "amount": "amount", "close_date": "closedate"},
    ),
    CASE: (
        "tickets",
        {"subject": "subject", "priority": "hs_ticket_priority", "status": "hs_pipeline_stage"},
    ),
    TASK: (
        "tasks",
        {"subject": "hs_task_subject", "priority": "hs_task_priority", "due_date": "hs_timestamp"},
    ),
}
WHO = ("hs_createdate", "hs_lastmodifieddate", "hs_created_by_user_id", "hs_updated_by_user_id")
# Rate limits HubSpot names without a Retry-After: how long the policy's window is.
SETTLING = timedelta(minutes=1)
POLICY_WAIT = {"SECONDLY": 1.0, "TEN_SECONDLY_ROLLING": 10.0, "DAILY": 3600.0}


class HubSpot:
    """One HubSpot account. `settings.secret` is a private app's access token; with OAuth
    (options `client_id`), it is "<client secret>:<refresh token>"."""

    kind: ClassVar[str] = "hubspot"
    title: ClassVar[str] = "HubSpot"

    def __init__(self, settings: ConnectionSettings, *, session: requests.Session | None = None):
        self.api = origin(settings.base_url or API) or API
        self.http = session or requests.Session()
        self.client_id = (settings.options or {}).get("client_id")
        secret = settings.secret or ""
        if not secret:
            raise NotAuthorised("HubSpot needs a private app's access token (or OAuth).")
        if self.client_id:
            self.client_secret, _, self.refresh_token = secret.partition(":")
            if not self.refresh_token:
                raise NotAuthorised(
                    "With OAuth (client_id set) the secret is <client secret>:<refresh token>."
                )
            self.token: str | None = None
        else:
            self.token = secret

    def streams(self) -> tuple[str, ...]:
        return (*OBJECTS, LOGINS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream == LOGINS:
            return self._pull_logins(cursor, since)
        if stream not in OBJECTS:
            raise ConnectorError(f"HubSpot has no stream {stream!r}")
        return self._pull_records(stream, cursor, since)

    def users(self) -> list[CrmUser]:
        """Every owner, archived ones (people who left) too, keyed by HubSpot user id; an
        owner that is only a team (no user) is left out."""
        users = {}
        for archived in ("false", "true"):
            for owner in self._paged("/crm/v3/owners", {"archived": archived, "limit": 100}):
                if owner.get("userId") is None:
                    continue
                name = " ".join(filter(None, (owner.get("firstName"), owner.get("lastName"))))
                users[str(owner["userId"])] = CrmUser(
                    crm_id=str(owner["userId"]),
                    name=name or owner.get("email") or str(owner["userId"]),
                    email=owner.get("email"),
                    active=archived == "false",
                )
        return list(users.values())

    def check(self) -> str:
        details = self._get("/account-info/v3/details", what="account details")
        owners = self._get("/crm/v3/owners", {"limit": 1}, what="owners")
        return (
            f"Signed in to HubSpot account {details.get('portalId')} "
            f"({details.get('accountType', 'unknown type')}); owners readable"
            + ("" if owners.get("results") is not None else " (none)")
        )

    # Records ---------------------------------------------------------------------------

    def _pull_records(self, stream: str, cursor: str | None, since: datetime | None) -> Page:
        object_type, fields = OBJECTS[stream]
        after_ms, after_id = _position(cursor, since)
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "hs_lastmodifieddate",
                            "operator": "GTE",
                            "value": str(after_ms),
                        }
                    ]
                }
            ],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": [*fields.values(), *WHO],
            "limit": PAGE_SIZE,
        }
        rows = self._search(object_type, body, after_ms, after_id)
        events: list[CrmEvent] = []
        for row in rows:
            events.extend(self._record_events(stream, object_type, fields, row, after_ms))
        if not rows:
            return Page([], cursor=cursor or (f"{after_ms}," if since else None), more=False)
        last = rows[-1]
        position = f"{_ms(last['properties']['hs_lastmodifieddate'])},{last['id']}"
        return Page(events, cursor=position, more=len(rows) >= PAGE_SIZE)

    def _search(self, object_type: str, body: dict, after_ms: int, after_id: str) -> list[dict]:
        """Rows modified at or after the cursor's millisecond, past the cursor's record.
        Records of that one millisecond are paged with `after` (rare: a bulk import)."""
        rows: list[dict] = []
        after = None
        for _ in range(100):  # at most 10,000 rows of one millisecond: the search ceiling
            reply = self._post(
                f"/crm/v3/objects/{object_type}/search",
                {**body, **({"after": after} if after else {})},
                what=object_type,
            )
            for row in reply.get("results", []):
                stamp = _ms(row["properties"]["hs_lastmodifieddate"])
                if stamp > after_ms or _id_after(row["id"], after_id):
                    rows.append(row)
            after = (reply.get("paging") or {}).get("next", {}).get("after")
            if rows or not after:
                return rows[:PAGE_SIZE]
        return rows

    def _record_events(self, stream, object_type, fields, row, after_ms) -> Iterator[CrmEvent]:
        props = row["properties"]
        values = {name: props.get(prop) for name, prop in fields.items()}
        name = _record_name(stream, values)
        url = f"https://app.hubspot.com/contacts/_/record/{object_type}/{row['id']}"
        common = {"object": stream, "record_id": row["id"], "record_name": name}
        common |= {"native_type": object_type, "url": url, "fields": values}
        created, modified = _time(props.get("hs_createdate")), _time(props["hs_lastmodifieddate"])
        creator = props.get("hs_created_by_user_id")
        if created is not None and _ms(props["hs_createdate"]) >= after_ms and creator:
            event_id = f"{object_type}/{row['id']}/created"
            yield CrmEvent(event_id, CREATED, created, str(creator), **common)
        updater = props.get("hs_updated_by_user_id")
        # HubSpot fills properties for a moment after a record is made; a change within
        # SETTLING of its creation is part of creating it, not an update.
        if updater and (created is None or modified - created > SETTLING):
            event_id = f"{object_type}/{row['id']}/{_ms(props['hs_lastmodifieddate'])}"
            yield CrmEvent(event_id, UPDATED, modified, str(updater), **common)

    # Log-ins ---------------------------------------------------------------------------

    def _pull_logins(self, cursor: str | None, since: datetime | None) -> Page:
        """Successful log-ins from the account activity API (Enterprise accounts; the app
        needs the account-info.security.read scope), oldest first, after the cursor."""
        after_ms, after_id = _position(cursor, since)
        rows: list[dict] = []
        for page in self._pages("/account-info/v3/activity/login", {"limit": 100}, LOGINS):
            rows.extend(page)
            # newest first: once a page reaches back past the cursor, the rest is older
            if page and min(_ms(row["loginAt"]) for row in page) <= after_ms:
                break
        fresh = [
            row
            for row in rows
            if row.get("loginSucceeded", True)
            and (
                _ms(row["loginAt"]) > after_ms
                or (_ms(row["loginAt"]) == after_ms and _id_after(str(row["id"]), after_id))
            )
        ]
        fresh.sort(key=lambda row: (_ms(row["loginAt"]), str(row["id"])))
        events = [
            CrmEvent(f"login/{row['id']}", LOGGED_IN, _time(row["loginAt"]), str(row["userId"]))
            for row in fresh
            if row.get("userId") is not None
        ]
        if not fresh:
            return Page([], cursor=cursor, more=False)
        last = fresh[-1]
        return Page(events, cursor=f"{_ms(last['loginAt'])},{last['id']}", more=False)

    # HTTP --------------------------------------------------------------------------------

    def _paged(self, path: str, params: dict, what: str | None = None) -> Iterator[dict]:
        for page in self._pages(path, params, what):
            yield from page

    def _pages(self, path: str, params: dict, what: str | None = None) -> Iterator[list[dict]]:
        """Each page's results, following `paging.next.after` (at most 1,000 pages)."""
        after = None
        for _ in range(1000):
            reply = self._get(path, {**params, **({"after": after} if after else {})}, what=what)
            yield reply.get("results", [])
            after = (reply.get("paging") or {}).get("next", {}).get("after")
            if not after:
                return

    def _get(self, path: str, params: dict | None = None, *, what: str | None = None) -> dict:
        return self._call("GET", path, what or path, params=params)

    def _post(self, path: str, body: dict, *, what: str) -> dict:
        return self._call("POST", path, what, json=body)

    def _call(self, method: str, path: str, what: str, **request) -> dict:
        """One request; an expired OAuth token is refreshed once."""
        for attempt in (1, 2):
            if self.token is None:
                self._refresh()
            headers = {"Authorization": f"Bearer {self.token}"}
            reply = self.http.request(
                method, self.api + path, headers=headers, timeout=TIMEOUT, **request
            )
            if reply.status_code == 401 and self.client_id and attempt == 1:
                self.token = None
                continue
            return self._answer(reply, what)
        raise AssertionError("unreachable")

    def _answer(self, reply: requests.Response, what: str) -> dict:
        body = json_or_none(reply)
        if reply.ok:
            return body if isinstance(body, dict) else {}
        content = body if isinstance(body, dict) else {}
        code, message = error_words(
            content.get("category") or content.get("errorType"),
            content.get("message") or reply.reason,
        )
        status = reply.status_code
        if status == 429 or (status == 503 and reply.headers.get("Retry-After")):
            wait = retry_after(reply) or POLICY_WAIT.get(str(content.get("policyName")), 10.0)
            raise RateLimited(
                f"HubSpot asked us to wait (HTTP {status}, {what}): {message}", retry_after=wait
            )
        if status == 401:
            raise NotAuthorised(f"HubSpot refused the token (HTTP 401, {what}): {message}")
        if status == 403 and what == LOGINS:
            raise ApiRefused(
                "HubSpot's login history needs an Enterprise account and the app's "
                f"account-info.security.read scope ({code}: {message})",
                status=status,
                code=code,
            )
        raise ApiRefused(
            f"HubSpot refused {what} (HTTP {status}, {code}): {message}", status=status, code=code
        )

    def _refresh(self) -> None:
        """A new OAuth access token from the refresh token (HubSpot may rotate it)."""
        reply = self.http.post(
            self.api + "/oauth/v1/token",
            data={
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "refresh_token": self.refresh_token,
            },
            timeout=TIMEOUT,
        )
        body = json_or_none(reply)
        if not reply.ok or not isinstance(body, dict) or "access_token" not in body:
            content = body if isinstance(body, dict) else {}
            _, message = error_words(content.get("status"), content.get("message") or reply.reason)
            raise NotAuthorised(f"HubSpot refused to refresh the OAuth token: {message}")
        self.token = body["access_token"]
        self.refresh_token = body.get("refresh_token", self.refresh_token)


def _position(cursor: str | None, since: datetime | None) -> tuple[int, str]:
    """(milliseconds, record id) of a cursor; from `since` (or the beginning) without one."""
    if cursor:
        stamp, _, record_id = cursor.partition(",")
        if not stamp.isdigit():
            raise ConnectorError(f"HubSpot cursor {cursor!r} is not <ms>,<id>")
        return int(stamp), record_id
    if since is None:
        return 0, ""
    return int(since.replace(tzinfo=UTC).timestamp() * 1000), ""


def _id_after(record_id: str, after_id: str) -> bool:
    """HubSpot ids are numbers: compared as numbers, past the cursor's record."""
    if not after_id:
        return True
    if record_id.isdigit() and after_id.isdigit():
        return int(record_id) > int(after_id)
    return record_id > after_id


def _ms(value: Any) -> int:
    """HubSpot's times: ISO 8601 ("2026-11-30T10:15:00.123Z") or milliseconds."""
    text = str(value)
    if text.isdigit():
        return int(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return int(moment.astimezone(UTC).timestamp() * 1000)


def _time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(_ms(value) / 1000, UTC).replace(tzinfo=None)


def _record_name(stream: str, values: dict) -> str | None:
    if stream == CONTACT:
        return " ".join(filter(None, (values.get("first_name"), values.get("last_name")))) or None
    return values.get("name") or values.get("subject")
