"""Dataverse's Web API v9.2: GETs with a bearer token, rows read in pages, and the Web API's
errors made ConnectorErrors. A token the Web API refuses (HTTP 401) is acquired again once;
refused again, the connection is NotAuthorised. Dataverse's service protection limits
(HTTP 429, with Retry-After) and HTTP 503 are RateLimited."""

import uuid
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import quote, urlparse

import requests

from lms.crm.connectors import http
from lms.crm.connectors.base import ConnectorError, NotAuthorised, RateLimited
from lms.crm.connectors.dynamics.positions import AlreadyRead, Position, iso
from lms.crm.connectors.dynamics.tables import FORMATTED

API_PATH = "/api/data/v9.2/"
PAGE_SIZE = 1000  # rows per response (Prefer: odata.maxpagesize; Dataverse allows 5000)
ROWS_PER_PULL = 5000  # rows one pull reads, following @odata.nextLink
MAX_HOPS = 50  # responses followed in one read
IDS_PER_LOOKUP = 50  # ids in one "$filter=id eq … or …" (keeps the URL short)
TIMEOUT = 60  # seconds per HTTP request
USER_NOT_IN_ORG = "0x80072560"  # the app registration is no user of this environment
CLEAR = "$,'()/:=*"  # characters left as they are in a query value


class TokenSource(Protocol):
    """Where the connector's access tokens come from."""

    def token(self) -> str:
        """A token for the Web API (kept while it is valid)."""
        ...

    def renew(self) -> str:
        """A new token, after the Web API refused the last one."""
        ...


class DataverseRefused(http.ApiRefused):
    """The Web API answered with an error; `code` is Dataverse's error code ("0x80060888")."""


class WebApi:
    """One environment's Web API, read with tokens from `tokens`; `page_size` rows per
    response, about `rows_per_pull` rows per read."""

    def __init__(self, origin: str, session: requests.Session, tokens: TokenSource):
        self.origin, self.http, self.tokens = origin, session, tokens
        self.api = f"{origin}{API_PATH}"
        self.page_size = PAGE_SIZE
        self.rows_per_pull = ROWS_PER_PULL

    @property
    def host(self) -> str:
        return urlparse(self.origin).netloc

    def read_after(
        self, entity_set, key, stamp_field, select, position: Position | None, *, where=None
    ):
        """Rows of `entity_set` after `position`, in (stamp, id) order, about rows_per_pull of
        them, following @odata.nextLink; and whether more are waiting."""
        conditions = [
            c for c in (where, position and f"{stamp_field} ge {iso(position.stamp)}") if c
        ]
        query = {"$select": ",".join(select), "$orderby": f"{stamp_field} asc,{key} asc"}
        if conditions:
            query["$filter"] = " and ".join(conditions)
        url = self.url(entity_set, query)
        already_read, rows = AlreadyRead(position, stamp_field, key), []
        for _ in range(MAX_HOPS):
            body = self.get(entity_set, url, page_size=self.page_size)
            rows.extend(already_read.skipped(body.get("value", [])))
            url = body.get("@odata.nextLink")
            if not url or len(rows) >= self.rows_per_pull:
                break
        return rows + already_read.held(), bool(url)

    def rows_by_id(self, entity_set: str, key: str, ids: list[str], select) -> list[dict]:
        rows = []
        for start in range(0, len(ids), IDS_PER_LOOKUP):
            chunk = ids[start : start + IDS_PER_LOOKUP]
            query = {
                "$select": ",".join(select),
                "$filter": " or ".join(f"{key} eq {guid(i)}" for i in chunk),
            }
            rows.extend(self.get(entity_set, self.url(entity_set, query)).get("value", []))
        return rows

    def get(self, what: str, url: str, *, page_size: int | None = None) -> dict:
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
            body = http.json_or_none(response)
            if not isinstance(body, dict):
                raise ConnectorError(f"Dynamics 365 answered the read of {what} with no JSON")
            return body
        raise NotAuthorised(
            f"Dynamics 365 refused to read {what} (HTTP 401) with a token just issued: check "
            f"that the app registration is an application user of {self.host}, enabled, with "
            "a security role"
        )

    def url(self, path: str, query: Mapping[str, str]) -> str:
        """Spaces as %20: OData reads a "+" in the query as a plus, not a space."""
        pairs = "&".join(f"{name}={quote(value, safe=CLEAR)}" for name, value in query.items())
        return f"{self.api}{path}?{pairs}"


def guid(text: str) -> str:
    """A Dataverse id as a GUID literal; an id that is none is the Web API's fault."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ConnectorError(
            f"Dynamics 365 named a user id {text[:40]!r} that is no GUID"
        ) from None


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


def _refusal(what: str, response: requests.Response) -> ConnectorError:
    status = response.status_code
    code, message = _error_of(response)
    words = f"(HTTP {status} {code}: {message})" if message else f"(HTTP {status} {code})"
    if status in (429, 503):
        return RateLimited(
            f"Dynamics 365 asked to wait while reading {what} {words}",
            retry_after=http.retry_after(response),
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
    body = http.json_or_none(response)
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, Mapping):
        code, message = error.get("code"), error.get("message")
    else:
        code, message = None, response.reason or ""
    return http.error_words(code, message)
