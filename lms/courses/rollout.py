"""The rollout calendar as loaded from content/rollout.yaml."""

from datetime import date

from lms.courses.models import Setting
from lms.database import db


def get_go_live() -> date | None:
    """The CRM's go-live date; None when content gives none."""
    value = db.session.get(Setting, "go_live")
    return date.fromisoformat(value.value) if value and value.value else None
