"""Salesforce's REST API through simple-salesforce: a session signed in when first needed, and
each request's failure made a ConnectorError. A session that expires is signed in again once;
refused again, the connection is NotAuthorised. Salesforce's API request limit
(REQUEST_LIMIT_EXCEEDED) and HTTP 429/503 are RateLimited."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlparse

import requests
import simple_salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession
from simple_salesforce.util import exception_handler

from lms.crm.connectors import http
from lms.crm.connectors.base import ConnectorError, NotAuthorised, RateLimited
from lms.crm.connectors.salesforce.positions import SALESFORCE_ID, Position
from lms.crm.connectors.salesforce.sign_in import SignIn

API_VERSION = "62.0"  # ReportEventLog is generally available from 61.0
MAX_BATCHES = 50  # nextRecordsUrl hops followed in one read (2000 rows need at most 10)
TIMEOUT = 60  # seconds per HTTP request

T = TypeVar("T")


class SalesforceRefused(http.ApiRefused):
    """Salesforce answered an API request with an error; `code` is its errorCode."""


class SalesforceApi:
    """The org's API as the connector's API user: `call` one request, `query` SOQL."""

    def __init__(self, my_domain: str, sign_in: SignIn, session: requests.Session):
        self.my_domain, self.sign_in, self.http = my_domain, sign_in, session
        self.api_user_id: str | None = None  # known once signed in
        self.request_options = {"timeout": TIMEOUT, "hooks": {"response": [self._remember]}}
        self._client: simple_salesforce.Salesforce | None = None
        self._last_response: requests.Response | None = None

    @property
    def host(self) -> str:
        return urlparse(self.my_domain).netloc

    def read_after(
        self, source, select, stamp_field, position: Position | None, *, limit, where=None
    ):
        """Rows of `source` after `position`, in (stamp, Id) order, at most `limit`; and
        whether more are waiting."""
        conditions = [c for c in (where, position and position.soql_after(stamp_field)) if c]
        soql = f"SELECT {', '.join(select)} FROM {source}"
        soql += f" WHERE {' AND '.join(conditions)}" if conditions else ""
        soql += f" ORDER BY {stamp_field}, Id LIMIT {limit}"
        records, complete = self.query(source, soql)
        return records, len(records) >= limit or not complete

    def query(self, what: str, soql: str, *, everything: bool = False):
        """A query's rows, following nextRecordsUrl (at most MAX_BATCHES batches, unless
        `everything`); and whether Salesforce said done."""
        result = self.call(what, lambda sf: sf.query(soql, **self.request_options))
        records = list(result["records"])
        hops = 10 * MAX_BATCHES if everything else MAX_BATCHES
        for _ in range(hops):
            if result.get("done", True) or not result.get("nextRecordsUrl"):
                break
            url = result["nextRecordsUrl"]
            result = self.call(
                what,
                lambda sf, url=url: sf.query_more(
                    url, identifier_is_url=True, **self.request_options
                ),
            )
            records.extend(result["records"])
        return records, bool(result.get("done", True))

    def call(self, what: str, request: Callable[[simple_salesforce.Salesforce], T]) -> T:
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

    def download(self, what: str, path: str) -> str:
        """The text at `path` of the instance (an event log file's CSV)."""
        return self.call(what, lambda sf: self._download(sf, path))

    def instance_url(self) -> str:
        return f"https://{self._client.sf_instance}" if self._client else self.my_domain

    def api_user_name(self) -> str:
        if self.sign_in.username:
            return self.sign_in.username
        if not self.api_user_id or not SALESFORCE_ID.fullmatch(self.api_user_id):
            return "the connected app's run-as user"
        soql = f"SELECT Username FROM User WHERE Id = '{self.api_user_id}'"
        records, _ = self.query("User", soql)
        return records[0]["Username"] if records else self.api_user_id

    def _signed_in(self) -> simple_salesforce.Salesforce:
        try:
            response = self.http.post(
                self.sign_in.token_url, data=self.sign_in.form(), timeout=TIMEOUT
            )
        except requests.RequestException as error:
            raise ConnectorError(
                f"could not reach {self.host} to sign in ({type(error).__name__})"
            ) from None
        body = http.json_or_none(response)
        if response.status_code in (429, 503):
            raise RateLimited(
                f"Salesforce asked to wait before signing in (HTTP {response.status_code})",
                retry_after=http.retry_after(response),
            )
        if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
            code, message = _error_of(body, response.text)
            raise NotAuthorised(
                f"Salesforce refused the sign-in at {self.host} (HTTP {response.status_code} "
                f"{code}: {message}); check the connected app, its policies (admin-approved "
                "users, the API user pre-authorised) and the connection's options"
            )
        self.api_user_id = str(body.get("id") or "").rstrip("/").rpartition("/")[2] or None
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
            f"https://{sf.sf_instance}{path}", headers=sf.headers, **self.request_options
        )
        if response.status_code >= 300:
            exception_handler(response, "EventLogFile")
        return response.text

    def _refusal(self, what: str, error: SalesforceError) -> ConnectorError:
        code, message = _error_of(error.content, "")
        retry_after = http.retry_after(self._last_response)
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


def _error_of(content: Any, fallback: str) -> tuple[str, str]:
    """(errorCode, message) of an API error array or an OAuth error, whitespace folded."""
    if isinstance(content, list) and content and isinstance(content[0], Mapping):
        code, message = content[0].get("errorCode"), content[0].get("message")
    elif isinstance(content, Mapping):
        code, message = content.get("error"), content.get("error_description")
    else:
        code, message = None, content if isinstance(content, str) else fallback
    return http.error_words(code, message)
