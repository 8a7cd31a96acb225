"""What a feedback report must say, and how triage moves it. Pure: plain values in, answers
out.

Anyone signed in reports a problem or suggests an improvement, naming the CRM area. Admins
triage: new, planned, done or won't do, always with an answer once it leaves "new" (the
reporter reads it). Only the reporter and admins ever see a report."""

from lms.errors import FieldError

CATEGORIES = {"problem": "Problem with the CRM", "suggestion": "Suggested improvement"}
AREAS = {
    "contacts": "Contacts and accounts",
    "leads": "Leads",
    "opportunities": "Opportunities and pipeline",
    "quotes": "Quotes",
    "orders": "Orders",
    "reports": "Reports and dashboards",
    "service": "Service cases",
    "campaigns": "Campaigns",
    "search": "Search",
    "mobile": "Mobile app",
    "other": "Something else",
}
STATUSES = {"new": "New", "planned": "Planned", "done": "Done", "wont_do": "Won't do"}
MIN_DESCRIPTION, MAX_DESCRIPTION, MAX_ANSWER = 10, 4000, 4000


def clean_report(category: str, area: str, description: str) -> str:
    """The description, trimmed; FieldError naming the field when something is wrong."""
    if category not in CATEGORIES:
        raise FieldError("category", "Choose a problem or a suggestion.")
    if area not in AREAS:
        raise FieldError("area", "Choose the part of the CRM it is about.")
    text = (description or "").strip()
    if not text:
        raise FieldError("description", "Describe the problem or the suggestion.")
    if len(text) < MIN_DESCRIPTION:
        raise FieldError(
            "description", f"Say a little more: at least {MIN_DESCRIPTION} characters."
        )
    if len(text) > MAX_DESCRIPTION:
        raise FieldError("description", f"Keep it under {MAX_DESCRIPTION} characters.")
    return text


def clean_triage(status: str, answer: str) -> str:
    """The answer, trimmed. Every status but "new" needs an answer for the reporter."""
    if status not in STATUSES:
        raise FieldError("status", "Choose new, planned, done or won't do.")
    text = (answer or "").strip()
    if status != "new" and not text:
        raise FieldError("answer", "Write an answer: the person who reported it reads it.")
    if len(text) > MAX_ANSWER:
        raise FieldError("answer", f"Keep the answer under {MAX_ANSWER} characters.")
    return text


def can_triage(roles) -> bool:
    return "admin" in roles


def can_see(viewer_id: int, roles, reporter_id: int) -> bool:
    """The reporter and admins; nobody else."""
    return viewer_id == reporter_id or can_triage(roles)
