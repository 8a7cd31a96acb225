"""The Dynamics 365 connector: its streams, users and connection test (see the package's
docstring)."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar

import requests

from lms.crm.connectors import http
from lms.crm.connectors.base import ConnectionSettings, ConnectorError, CrmUser, Page
from lms.crm.connectors.dynamics.audits import pull_audits, pull_logins
from lms.crm.connectors.dynamics.environment import Environment, auditing_words, read_environment
from lms.crm.connectors.dynamics.positions import Position
from lms.crm.connectors.dynamics.records import pull_table
from lms.crm.connectors.dynamics.tables import AUDITS, TABLES
from lms.crm.connectors.dynamics.tokens import entra_tokens
from lms.crm.connectors.dynamics.web_api import TokenSource, WebApi, guid

LOGINS = "logins"
MAX_USER_HOPS = 200  # responses of systemusers read by users()
USER_COLUMNS = ("systemuserid", "fullname", "internalemailaddress", "employeeid", "isdisabled")


class Dynamics:
    """The Dynamics 365 / Dataverse connector (see the package's docstring)."""

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
        self.http = session or requests.Session()
        self.tokens = token_source or entra_tokens(settings, self.origin, self.http)
        self.web_api = WebApi(self.origin, self.http, self.tokens)
        self.api = self.web_api.api
        self._environment: Environment | None = None
        self._users: dict[str, CrmUser] = {}
        self._not_users: set[str] = set()  # ids systemusers does not know

    @property
    def page_size(self) -> int:
        """Rows per Web API response."""
        return self.web_api.page_size

    @page_size.setter
    def page_size(self, rows: int) -> None:
        self.web_api.page_size = rows

    @property
    def rows_per_pull(self) -> int:
        """Rows one pull reads, following @odata.nextLink."""
        return self.web_api.rows_per_pull

    @rows_per_pull.setter
    def rows_per_pull(self, rows: int) -> None:
        self.web_api.rows_per_pull = rows

    @property
    def host(self) -> str:
        return self.web_api.host

    def streams(self) -> tuple[str, ...]:
        return (*TABLES, AUDITS, LOGINS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream not in self.streams():
            raise ConnectorError(f"Dynamics 365 has no stream {stream!r}")
        position = Position.parse(cursor) if cursor else Position.at(since)
        environment = self._environment_read()
        if stream == AUDITS:
            page = pull_audits(self.web_api, environment, position)
        elif stream == LOGINS:
            page = pull_logins(self.web_api, environment, position)
        else:
            page = pull_table(self.web_api, environment, TABLES[stream], position)
        if page is None:  # the environment offers nothing to read here
            return Page([], cursor)
        return replace(page, users=self._users_named({e.user_id for e in page.events}))

    def users(self) -> list[CrmUser]:
        """Every user, enabled or not: Dataverse never deletes a user, it disables them."""
        query = {"$select": ",".join(USER_COLUMNS), "$orderby": "systemuserid asc"}
        url, users = self.web_api.url("systemusers", query), []
        for _ in range(MAX_USER_HOPS):
            body = self.web_api.get("systemusers", url, page_size=self.page_size)
            users.extend(_user(row) for row in body.get("value", []))
            url = body.get("@odata.nextLink")
            if not url:
                break
        self._users.update((user.crm_id, user) for user in users)
        return users

    def check(self) -> str:
        """Sign in (WhoAmI), name the application user, count the enabled users and say what
        the environment audits, hence what the connector can see."""
        web_api = self.web_api
        me = web_api.get("WhoAmI", f"{self.api}WhoAmI")
        user_id = str(me.get("UserId") or "")
        me_url = web_api.url(f"systemusers({guid(user_id)})", {"$select": "fullname"})
        name = web_api.get("systemusers", me_url).get("fullname") or user_id
        count_query = {"$select": "systemuserid", "$filter": "isdisabled eq false"}
        counted = web_api.get(
            "systemusers", web_api.url("systemusers", count_query | {"$count": "true"}), page_size=1
        )
        enabled = counted.get("@odata.count")
        words = f"Signed in to {self.host} as {name}"
        words += f"; {enabled} enabled users" if enabled is not None else ""
        return f"{words}; {auditing_words(self._environment_read())}"

    def _environment_read(self) -> Environment:
        """The environment, read once per connector."""
        if self._environment is None:
            self._environment = read_environment(self.web_api)
        return self._environment

    def _users_named(self, user_ids: set[str]) -> list[CrmUser]:
        """The users these ids name: from users() when it was read, else looked up by id
        (ids systemusers does not know are asked about once and left unnamed)."""
        unknown = sorted(user_ids - set(self._users) - self._not_users)
        if unknown:
            rows = self.web_api.rows_by_id("systemusers", "systemuserid", unknown, USER_COLUMNS)
            self._users.update((user.crm_id, user) for user in map(_user, rows))
            self._not_users.update(set(unknown) - set(self._users))
        return [self._users[i] for i in sorted(user_ids) if i in self._users]


def _user(row: Mapping[str, Any]) -> CrmUser:
    crm_id = row["systemuserid"].lower()
    return CrmUser(
        crm_id=crm_id,
        name=row.get("fullname") or crm_id,
        email=row.get("internalemailaddress") or None,
        hr_id=row.get("employeeid") or None,
        active=not row.get("isdisabled"),
    )


def _https_origin(base_url: str) -> str:
    origin = http.origin(base_url)
    if origin is None:
        raise ConnectorError(
            f"the Dynamics 365 address {base_url!r} is not an environment URL "
            "(https://<org>.crm.dynamics.com)"
        )
    return origin
