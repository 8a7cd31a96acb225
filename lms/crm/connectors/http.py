"""What the connectors share of HTTP: a CRM's address as an origin, a body that may not be
JSON, an API error in words an admin reads, and how long a CRM asked to wait (Retry-After).
Pure: requests only, no Flask, no database."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlparse

import requests

from lms.crm.connectors.base import ConnectorError

# A .NET TimeSpan, "[d.]hh:mm:ss[.fff]", as Dataverse may give Retry-After.
_TIME_SPAN = re.compile(r"(?:(\d+)\.)?(\d+):(\d\d):(\d\d(?:\.\d+)?)")


class ApiRefused(ConnectorError):
    """A CRM's API answered a request with an error: `status` is the HTTP status, `code` the
    CRM's own error code."""

    def __init__(self, message: str, *, status: int, code: str):
        super().__init__(message)
        self.status, self.code = status, code


def origin(base_url: str, schemes: Iterable[str] = ("https",)) -> str | None:
    """ "scheme://host" of a CRM's address (https where none is written); None when the scheme
    is not one of `schemes` or no host is named."""
    url = base_url.strip().rstrip("/")
    url = url if "://" in url else f"https://{url}"
    parsed = urlparse(url)
    if parsed.scheme not in schemes or not parsed.netloc:
        return None
    return f"{parsed.scheme}://{parsed.netloc}"


def json_or_none(response: requests.Response) -> Any:
    """The response's JSON body; None when it has none (an HTML error page, an empty body)."""
    try:
        return response.json()
    except ValueError:
        return None


def error_words(code: Any, message: Any) -> tuple[str, str]:
    """(code, message) of an API error as an admin reads them: "error" when the CRM gave no
    code, the message's whitespace folded and cut at 300 characters."""
    return str(code or "error"), " ".join(str(message or "").split())[:300]


def retry_after(response: requests.Response | None) -> float | None:
    """Retry-After in seconds: given as seconds, an HTTP date, or a .NET TimeSpan; None when
    there is no response, no header, or one that cannot be read."""
    value = (response.headers.get("Retry-After") or "").strip() if response is not None else ""
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
