"""A stand-in for the enterprise LRS: the statements resource only, on 127.0.0.1 at a free
port, in a thread. Tests script its next answers and read what it received.

It behaves as a real LRS does where forwarding depends on it: a batch is all or nothing; a
batch holding an id it already has is refused with 409; a PUT of a statement it already has
is answered 204; attachments without a fileUrl need their data in the request.
"""

import base64
import json
import threading
from collections import Counter, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

USERNAME, PASSWORD = "uptake", "forward-secret"
HANG = "hang"


@dataclass(frozen=True)
class Received:
    method: str
    ids: tuple[str, ...]
    status: int | str  # HANG when it never answered in time
    body: bytes
    content_type: str


class StubLRS:
    """Use as a context manager; the server is shut down and its port closed on exit."""

    def __init__(self, *, hang_for: float = 2.0, delay: float = 0.0, open_access: bool = False):
        self.script: deque = deque()  # forced answers next: a status, (status, body) or HANG
        self.refuse: set[str] = set()  # statement ids answered 400
        self.stored: dict[str, dict] = {}
        self.accepted = Counter()  # id -> times it was stored (must end at 1)
        self.attachments: dict[str, bytes] = {}
        self.received: list[Received] = []
        self.hang_for, self.delay = hang_for, delay
        self.open_access = open_access  # an LRS that asks for no credentials
        self.lock = threading.Lock()
        self.closing = threading.Event()  # ends any hang at once on shutdown
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/xapi/"

    def __enter__(self) -> "StubLRS":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.closing.set()
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()

    def sent_ids(self) -> Counter:
        """id -> how many requests carried it, whatever the answer."""
        return Counter(i for r in self.received for i in r.ids)

    def answer(self, method: str, query: dict, headers, body: bytes) -> tuple[int | str, bytes]:
        """The stub's decision for one request, recorded. A body that is not UTF-8 JSON is
        refused, as a real LRS refuses it."""
        content_type = headers.get("Content-Type", "")
        try:
            statements, parts = _parse(content_type, body)
        except (UnicodeDecodeError, ValueError):
            with self.lock:
                self.received.append(Received(method, (), 400, body, content_type))
            return 400, b'{"message": "the body is not UTF-8 JSON"}'

        ids = tuple(s["id"] for s in statements)
        with self.lock:
            status, reply = self._decide(method, query, headers, statements, parts)
            self.received.append(Received(method, ids, status, body, content_type))
        return status, reply

    def _decide(self, method, query, headers, statements, parts):
        if self.script:
            forced = self.script.popleft()
            if isinstance(forced, tuple):  # (status, body) as given
                return forced
            return forced, b"" if forced == HANG else b'{"message": "scripted failure"}'
        expected = f"Basic {base64.b64encode(f'{USERNAME}:{PASSWORD}'.encode()).decode()}"
        if headers.get("Authorization") != (None if self.open_access else expected):
            return 401, b'{"message": "bad credentials"}'
        if headers.get("X-Experience-API-Version") != "1.0.3":
            return 400, b'{"message": "X-Experience-API-Version missing"}'
        if method == "PUT" and query.get("statementId") != [statements[0]["id"]]:
            return 400, b'{"message": "statementId does not match"}'
        refused = [s["id"] for s in statements if s["id"] in self.refuse]
        if refused:
            return 400, json.dumps({"message": f"statement {refused[0]} refused"}).encode()
        if missing := _missing_attachment_data(statements, parts):
            return 400, json.dumps({"message": f"no data for attachment {missing}"}).encode()
        known = [s["id"] for s in statements if s["id"] in self.stored]
        if known:
            return (204, b"") if method == "PUT" else (409, b'{"message": "already stored"}')
        for statement in statements:
            self.stored[statement["id"]] = statement
            self.accepted[statement["id"]] += 1
        self.attachments.update(parts)
        ids = [s["id"] for s in statements]
        return (204, b"") if method == "PUT" else (200, json.dumps(ids).encode())


def _handler_for(stub: StubLRS):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self._handle()

        def do_PUT(self):
            self._handle()

        def _handle(self):
            url = urlparse(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if url.path != "/xapi/statements":
                return self._send(404, b"{}")
            if stub.delay:
                stub.closing.wait(stub.delay)
            status, reply = stub.answer(self.command, parse_qs(url.query), self.headers, body)
            if status == HANG:
                stub.closing.wait(stub.hang_for)  # past the worker's timeout: it has gone
                status = 503
            return self._send(status, reply)

        def _send(self, status: int, reply: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            except OSError:
                pass  # the client gave up waiting (the hang)

        def log_message(self, *args):
            pass

    return Handler


def _parse(content_type: str, body: bytes) -> tuple[list[dict], dict[str, bytes]]:
    """(statements, attachment data by hash) from a JSON or multipart/mixed body."""
    if not content_type.startswith("multipart/mixed"):
        parsed = json.loads(body)
        return (parsed if isinstance(parsed, list) else [parsed]), {}
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    chunks = body.split(b"--" + boundary)[1:-1]
    parts = []
    for chunk in chunks:
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        parts.append((headers, data.removesuffix(b"\r\n")))
    statements, _ = _parse(parts[0][0]["Content-Type"], parts[0][1])
    return statements, {h["X-Experience-API-Hash"]: data for h, data in parts[1:]}


def _missing_attachment_data(statements: list[dict], parts: dict[str, bytes]) -> str | None:
    for statement in statements:
        for attachment in statement.get("attachments", []):
            sha2 = attachment.get("sha2")
            if not isinstance(sha2, str) or ("fileUrl" not in attachment and sha2 not in parts):
                return str(sha2)
    return None
