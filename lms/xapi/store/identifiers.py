"""Agents and their inverse functional identifiers (IFIs). Pure."""

import hashlib
import re

IDENTIFIER_MODES = ("mbox", "mbox_sha1sum", "account")
# Uptake's own account names, `uptake-<id>`: ASCII digits of an id that can exist (a 32-bit
# column), so "uptake-²" or a name of thousands of digits never reaches int() or a query.
_UPTAKE_ACCOUNT = re.compile(r"uptake-([1-9][0-9]{0,9})", re.ASCII)
_MAX_USER_ID = 2**31 - 1


def agent_key(agent: dict) -> str | None:
    """One string per Agent or Identified Group IFI, for indexing and comparing: two agents
    are the same when they have the same IFI and the same objectType (xAPI 1.0.3, 2.4.2).
    None for an anonymous group, which has no IFI."""
    kind = "group" if agent.get("objectType") == "Group" else "agent"
    if "mbox" in agent:
        return f"{kind}|mbox|{agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"{kind}|mbox_sha1sum|{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"{kind}|openid|{agent['openid']}"
    account = agent.get("account")
    if isinstance(account, dict):
        return f"{kind}|account|{account.get('homePage')}|{account.get('name')}"
    return None


def mbox_sha1sum(email: str) -> str:
    return hashlib.sha1(f"mailto:{email}".encode()).hexdigest()


def person_agent(
    *, name: str, email: str, employee_id: str | None, user_id: int, mode: str, home_page: str
) -> dict:
    """How Uptake names a person in its statements, by the configured identifier mode:
    the e-mail (`mbox`), its SHA-1 (`mbox_sha1sum`, keeps addresses out of the records), or an
    account on Uptake's home page named by the HR id (`account`; Uptake's own id when HR has
    none). The name is left out unless the e-mail is, so hashed modes stay anonymous."""
    if mode == "mbox":
        return {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"}
    if mode == "mbox_sha1sum":
        return {"objectType": "Agent", "mbox_sha1sum": mbox_sha1sum(email)}
    if mode == "account":
        account_name = employee_id or f"uptake-{user_id}"
        return {"objectType": "Agent", "account": {"homePage": home_page, "name": account_name}}
    raise ValueError(f"unknown identifier mode {mode!r}; use one of {IDENTIFIER_MODES}")


def launch_agent(person, home_page: str) -> dict:
    """The learner as a cmi5 launch and the LMS's cmi5 statements name them: always an
    account on Uptake (cmi5 9.2), whatever XAPI_ACTOR_IDENTIFIER says, and without the
    e-mail (8.1.3: no PII)."""
    return person_agent(
        name=person.name,
        email=person.email,
        employee_id=person.employee_id,
        user_id=person.id,
        mode="account",
        home_page=home_page,
    )


def uptake_user_id(account_name: str) -> int | None:
    """The user id in an account name Uptake gave (`uptake-<id>`), or None."""
    match = _UPTAKE_ACCOUNT.fullmatch(account_name)
    user_id = int(match[1]) if match else None
    return user_id if user_id is not None and user_id <= _MAX_USER_ID else None


def person_keys(*, email: str, employee_id: str | None, user_id: int, home_page: str) -> set[str]:
    """Every agent key a person may appear under, whichever mode a sender used."""
    return {
        agent_key(
            person_agent(
                name="",
                email=email,
                employee_id=employee_id,
                user_id=user_id,
                mode=mode,
                home_page=home_page,
            )
        )
        for mode in IDENTIFIER_MODES
    }
