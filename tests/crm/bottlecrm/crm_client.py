"""Acting as BottleCRM's users through its real API, the way its web app does.

Sign-in is BottleCRM's passwordless flow: ask for a six-digit code by e-mail, read the code
from the Celery worker's log (the test server's mail backend is the console), and trade it
for a JWT. An org is made by its first admin; the admin invites colleagues, who then sign in
themselves. Records are created and changed with a personal access token, as a script or an
agent would, so every write is credited to that token's owner."""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

TIMEOUT = 30  # seconds per request
CODE_WAIT = 30  # seconds for the worker to "send" a sign-in code
# BottleCRM's console mail backend separates messages with a line of 79 dashes.
MESSAGE_SEPARATOR = "-" * 79
CODE_SUBJECT = re.compile(r"^Subject: Your BottleCRM sign-in code: (\d{6})$", re.MULTILINE)


class BottleCrmRefused(AssertionError):
    """BottleCRM answered a test's request with an error (the test's setup is wrong)."""


@dataclass
class CrmSession:
    """One user signed in to one org: their JWT, and the token they act with."""

    server: "BottleCrmServer"
    email: str
    user_id: str
    jwt: str
    token: str | None = None
    org_id: str | None = None
    org_name: str | None = None
    profile_id: str | None = None  # the user's membership of the org (what records assign)
    created: dict[str, list[str]] = field(default_factory=dict)

    # --- reading and writing as this user ---------------------------------------------

    def call(self, method: str, path: str, *, jwt: bool = False, **kwargs) -> Any:
        credential = self.jwt if jwt or self.token is None else self.token
        reply = self.server.http.request(
            method,
            self.server.base_url + path,
            headers={"Authorization": f"Bearer {credential}"},
            timeout=TIMEOUT,
            **kwargs,
        )
        if reply.status_code >= 400:
            raise BottleCrmRefused(f"{method} {path}: HTTP {reply.status_code} {reply.text[:500]}")
        body = reply.json()
        if isinstance(body, dict) and body.get("error") is True:
            raise BottleCrmRefused(f"{method} {path}: {body}")
        return body

    def read_profile(self) -> None:
        self.profile_id = self.call("GET", "/api/profile/", jwt=True)["user_obj"]["id"]

    def new_token(self, name: str = "uptake", scopes: list[str] | None = None) -> str:
        """A personal access token of this user (only a signed-in session may make one);
        it becomes the token this session acts with. No scopes: all the user may do."""
        body = {"name": name, "scopes": scopes or []}
        self.token = self.call("POST", "/api/profile/tokens/", jwt=True, json=body)["token"]
        return self.token

    def invite(self, email: str, role: str = "USER") -> None:
        """Add a colleague to this admin's org; they sign in themselves afterwards."""
        self.call("POST", "/api/users/", jwt=True, json={"email": email, "role": role})

    def create(self, path: str, **fields) -> str:
        """Create a record (`path` "leads", "contacts", "accounts", "opportunities", "cases",
        "tasks") and return its id."""
        reply = self.call("POST", f"/api/{path}/", json=fields)
        record_id = reply.get("id") or self._newest_id(path)
        self.created.setdefault(path, []).append(record_id)
        return record_id

    def update(self, path: str, record_id: str, **fields) -> dict:
        return self.call("PATCH", f"/api/{path}/{record_id}/", json=fields)

    def convert_lead(self, lead_id: str) -> dict:
        """Convert a lead: BottleCRM makes an account, a contact and a deal of it."""
        return self.update("leads", lead_id, status="converted")

    def detail(self, path: str, record_id: str) -> dict:
        return self.call("GET", f"/api/{path}/{record_id}/")

    def _newest_id(self, path: str) -> str:
        """The task create answers without the id; the newest task is the one just made."""
        rows = self.call("GET", f"/api/{path}/", params={"limit": 200})["tasks"]
        return max(rows, key=lambda row: row["created_at"])["id"]


class BottleCrmServer:
    """The BottleCRM that `scripts/bottlecrm start` left running (its state.json)."""

    def __init__(self, base_url: str, worker_log: str):
        self.base_url = base_url
        self.worker_log = Path(worker_log)
        self.http = requests.Session()

    def sign_in(self, email: str) -> CrmSession:
        """Sign in by e-mailed code; a user with exactly one org is signed in to it."""
        mailed_before = self._log_size()
        self._post("/api/auth/magic-link/request/", {"email": email, "delivery": "code"})
        code = self.sign_in_code(email, after=mailed_before)
        reply = self._post("/api/auth/magic-link/verify-code/", {"email": email, "code": code})
        org = reply.get("current_org") or {}
        return CrmSession(
            self, email, reply["user"]["id"], reply["access_token"], org_id=org.get("id")
        )

    def open_org(self, name: str, admin_email: str) -> CrmSession:
        """A new org with `admin_email` as its admin, signed in to it, with a token."""
        admin = self.sign_in(admin_email)
        org = admin.call("POST", "/api/org/", jwt=True, json={"name": name})["org"]
        switched = admin.call("POST", "/api/auth/switch-org/", jwt=True, json={"org_id": org["id"]})
        admin.jwt, admin.org_id, admin.org_name = switched["access_token"], org["id"], name
        admin.read_profile()
        admin.new_token()
        return admin

    def join(self, admin: CrmSession, email: str) -> CrmSession:
        """Invite `email` into the admin's org, sign them in, give them a token."""
        admin.invite(email)
        member = self.sign_in(email)
        member.org_name = admin.org_name
        member.read_profile()
        member.new_token()
        return member

    def sign_in_code(self, email: str, *, after: int = 0) -> str:
        """The sign-in code mailed to `email` since the log was `after` bytes long."""
        deadline = time.monotonic() + CODE_WAIT
        while time.monotonic() < deadline:
            with open(self.worker_log, "rb") as log:
                log.seek(after)
                text = log.read().decode(errors="replace")
            for message in reversed(text.split(MESSAGE_SEPARATOR)):
                found = CODE_SUBJECT.search(message)
                if found and re.search(rf"^To: {re.escape(email)}$", message, re.MULTILINE):
                    return found.group(1)
            time.sleep(0.2)
        raise BottleCrmRefused(f"no sign-in code for {email} in {self.worker_log}")

    def _log_size(self) -> int:
        return self.worker_log.stat().st_size if self.worker_log.exists() else 0

    def _post(self, path: str, body: dict) -> dict:
        reply = self.http.post(self.base_url + path, json=body, timeout=TIMEOUT)
        if reply.status_code >= 400:
            raise BottleCrmRefused(f"POST {path}: HTTP {reply.status_code} {reply.text[:500]}")
        return reply.json()
