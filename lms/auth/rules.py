"""Access and log-in rules. Pure: plain values in, answers out."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

ROLE_LEARNER = "learner"
ROLE_HR = "hr"
ROLE_ADMIN = "admin"
ASSIGNABLE_ROLES = frozenset({ROLE_LEARNER, ROLE_HR, ROLE_ADMIN})

# Failed log-ins are counted per (client address, e-mail), per address and per e-mail, each
# in a window of LOGIN_WINDOW; reaching a limit blocks that key for LOCKOUT_PERIOD. A stranger
# guessing at someone's password blocks only their own address for that person: the person,
# from anywhere else, still gets in. Only a guesser spread over many addresses reaches the
# e-mail's own limit, which is set high for that reason.
LOGIN_WINDOW = timedelta(minutes=15)
LOCKOUT_PERIOD = timedelta(minutes=15)
FAILED_LOGIN_LIMITS = {"pair": 5, "address": 20, "account": 100}
MAX_FAILED_LOGINS = FAILED_LOGIN_LIMITS["pair"]
MIN_PASSWORD_LENGTH = 10


def can_view_person(viewer_id: int, viewer_roles, person_id: int, person_chain_ids) -> bool:
    """Admins and HR see everyone; others see themselves and anyone below them in the
    reporting line (their reports, their reports' reports, ...)."""
    if viewer_roles & {ROLE_ADMIN, ROLE_HR}:
        return True
    return viewer_id == person_id or viewer_id in person_chain_ids


def can_list_people(viewer_roles) -> bool:
    """The people directory is for HR and admins."""
    return bool(viewer_roles & {ROLE_ADMIN, ROLE_HR})


def can_edit_people(viewer_roles) -> bool:
    """Only admins create, edit, import, deactivate or reactivate people."""
    return ROLE_ADMIN in viewer_roles


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def lock_after_failure(failed_logins: int, now: datetime, limit: int = MAX_FAILED_LOGINS):
    """After `limit` failures within the window, the key locks for LOCKOUT_PERIOD."""
    if failed_logins >= limit:
        return now + LOCKOUT_PERIOD
    return None


def failures_in_window(failures: int, window_started_at: datetime | None, now: datetime):
    """(failures so far, window start) once this failure is counted: a window older than
    LOGIN_WINDOW starts again at one."""
    if window_started_at is None or now - window_started_at >= LOGIN_WINDOW:
        return 1, now
    return failures + 1, window_started_at


def password_problem(password: str, email: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if password.lower() == email.lower() or password.lower() in email.lower():
        return "Do not use your e-mail address as your password."
    if len(set(password)) < 4:
        return "Use more than three different characters."
    return None


def parse_roles(text: str) -> tuple[set[str], list[str]]:
    """Roles from a cell such as "learner; hr". Returns (roles, problems).

    Everyone is a learner. "manager" is refused: it follows from having reports."""
    roles = {ROLE_LEARNER}
    problems = []
    for word in text.replace(",", " ").replace(";", " ").replace("|", " ").split():
        role = word.strip().lower()
        if role == "manager":
            problems.append(
                "'manager' is not assigned: it follows from having reports (their manager_email)"
            )
        elif role not in ASSIGNABLE_ROLES:
            problems.append(f"unknown role '{word}' (use {', '.join(sorted(ASSIGNABLE_ROLES))})")
        else:
            roles.add(role)
    return roles, problems


def safe_next(target: str | None) -> str | None:
    """Only same-site paths, so a crafted link cannot bounce someone elsewhere. Browsers read
    a backslash as a slash and drop tabs and newlines, so `/\\evil.example` is refused too."""
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(char < " " or char == "\x7f" for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
