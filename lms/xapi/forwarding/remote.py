"""Sending stored statements to the enterprise LRS with tincan's RemoteLRS.

Statements go out exactly as stored (the JSON text of Statement.document, ids and all), so a
re-send after a crash is a statement the remote already has, which it answers 409 or 204.
That is why we do not call RemoteLRS.save_statements: it rebuilds each statement through
tincan's model, which rewrites timestamps and durations ("PT1M30S" becomes "PT01M30S").

The body is bytes from end to end: UTF-8 JSON and the attachments' raw data, handed to
http.client as they are. (tincan's HTTPRequest.content decodes bytes to str, and http.client
encodes a str body as Latin-1: "Łukasz" could not be sent, "Chloé" went out mangled and a
binary attachment could not be read.) Credentials are ours too: tincan encodes them as ASCII
and cannot be built without them.
"""

import base64
import http.client
import json
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

from tincan.http_request import HTTPRequest
from tincan.lrs_response import LRSResponse
from tincan.remote_lrs import RemoteLRS

from lms.xapi.settings import LrsSettings

ERROR_DETAIL_LIMIT = 500


@dataclass(frozen=True)
class OutgoingStatement:
    statement_id: str
    document: str  # the stored JSON text, sent byte for byte
    sha2s: tuple[str, ...] = ()  # the attachments it declares


@dataclass(frozen=True)
class Reply:
    """What the remote said: an HTTP status, or None when it did not answer at all."""

    status: int | None
    detail: str = ""


class ForwardingLRS(RemoteLRS):
    """tincan's RemoteLRS with a timeout, posting stored statement JSON unchanged."""

    _props = [*RemoteLRS._props, "timeout"]

    def __init__(self, *, endpoint, version, username=None, password=None, timeout=20.0):
        self._timeout = timeout
        super().__init__(endpoint=endpoint, version=version, auth=basic_auth(username, password))

    @property
    def timeout(self) -> float:
        return self._timeout

    def _send_request(self, request: HTTPRequest, body: bytes | None = None) -> LRSResponse:
        """tincan's own _send_request, plus a socket timeout.

        tincan 1.0.0 opens its http.client connection with no timeout, so a remote that
        accepts the connection and never answers would hold the worker forever while its lease
        ran out and another worker re-sent the batch. Its only knob would be the process-wide
        socket.setdefaulttimeout, which changes every socket in the process. Like tincan's,
        this lets connection errors and timeouts raise (OSError, HTTPException): `send_*`
        below turns them into a Reply with no status, which the worker retries. `body` goes
        on the wire as it is (see the module's docstring).
        """
        url = (
            request.resource
            if request.resource.startswith("http")
            else self.endpoint + request.resource
        )
        parsed = urlparse(url)
        query = urlencode(request.query_params or {})
        path = parsed.path + (f"?{query}" if query else "")
        connection_class = (
            http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parsed.hostname, parsed.port, timeout=self.timeout)
        headers = {"X-Experience-API-Version": self.version}
        if self.auth is not None:
            headers["Authorization"] = self.auth
        headers.update(request.headers or {})
        try:
            connection.request(request.method, path, body=body, headers=headers)
            response = connection.getresponse()
            # Decoded here, not by tincan's LRSResponse (strict UTF-8): a proxy's Latin-1
            # error page on a 502 would raise there and count against the statements.
            data = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        success = 200 <= response.status < 300
        return LRSResponse(success=success, request=request, response=response, data=data)

    def send_batch(self, statements: list[OutgoingStatement], attachments: dict) -> Reply:
        """POST the statements as one batch."""
        content_type, body = statement_body(
            [s.document for s in statements], statements, attachments
        )
        return self._reply(HTTPRequest(method="POST", resource="statements"), content_type, body)

    def send_one(self, statement: OutgoingStatement, attachments: dict) -> Reply:
        """PUT one statement under its own id: the remote answers 204, or 409 if it has it."""
        content_type, body = statement_body(statement.document, [statement], attachments)
        request = HTTPRequest(method="PUT", resource="statements")
        request.query_params = {"statementId": statement.statement_id}
        return self._reply(request, content_type, body)

    def _reply(self, request: HTTPRequest, content_type: str, body: bytes) -> Reply:
        request.headers = {"Content-Type": content_type}
        try:
            response = self._send_request(request, body)
        except TimeoutError:
            return Reply(None, f"no answer within {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as exc:
            return Reply(None, f"could not reach the LRS: {str(exc) or type(exc).__name__}")
        status = response.response.status
        if response.success:
            return Reply(status)
        text = " ".join(response.data.split())
        return Reply(status, f"HTTP {status}: {text}"[:ERROR_DETAIL_LIMIT])


def basic_auth(username: str | None, password: str | None) -> str | None:
    """HTTP Basic credentials, UTF-8 encoded (RFC 7617); None for an LRS that needs none."""
    if not username and not password:
        return None
    pair = f"{username or ''}:{password or ''}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def forwarding_lrs(settings: LrsSettings, *, timeout: float) -> ForwardingLRS:
    """The enterprise LRS the settings name."""
    return ForwardingLRS(
        endpoint=settings.forward_endpoint,
        username=settings.forward_username,
        password=settings.forward_password,
        version="1.0.3",
        timeout=timeout,
    )


def statement_body(
    content: str | list[str], statements: list[OutgoingStatement], attachments: dict
) -> tuple[str, bytes]:
    """(Content-Type, body) for one statement or a batch. The attachment data we hold goes
    along as multipart/mixed: an LRS must not push statements on without it."""
    text = content if isinstance(content, str) else "[" + ",".join(content) + "]"
    hashes = dict.fromkeys(sha2 for s in statements for sha2 in s.sha2s if sha2 in attachments)
    if not hashes:
        return "application/json", text.encode()
    boundary = uuid.uuid4().hex
    parts = [b"Content-Type: application/json\r\n\r\n" + text.encode()]
    for sha2 in hashes:
        part_type, data = attachments[sha2]
        head = (
            f"Content-Type: {part_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        parts.append(head.encode() + data)
    delimiter = f"--{boundary}\r\n".encode()
    body = b"".join(delimiter + part + b"\r\n" for part in parts) + f"--{boundary}--\r\n".encode()
    return f'multipart/mixed; boundary="{boundary}"', body


def declared_sha2s(document: str) -> tuple[str, ...]:
    """The sha2 of every attachment a stored statement declares. A document that cannot be
    read declares none, nor does a sha2 that is not a string: it is sent as it is, and the
    remote's refusal dead-letters it alone (a list here once failed the whole batch's load)."""
    try:
        attachments = json.loads(document).get("attachments") or ()
        return tuple(
            a["sha2"] for a in attachments if isinstance(a, dict) and isinstance(a.get("sha2"), str)
        )
    except (ValueError, AttributeError, TypeError):
        return ()
