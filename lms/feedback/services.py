"""Reporting feedback, triaging it, and who sees which reports."""

from datetime import datetime

from sqlalchemy import func, select

from lms.auth.models import User
from lms.communications.services import notify
from lms.database import db
from lms.errors import NotAllowed
from lms.feedback import rules
from lms.feedback.models import Feedback


def submit_feedback(
    reporter: User, *, category: str, area: str, description: str, now: datetime
) -> Feedback:
    """Anyone signed in reports a problem or a suggestion; it starts as "new"."""
    text = rules.clean_report(category, area, description)
    item = Feedback(
        reporter=reporter,
        category=category,
        area=area,
        description=text,
        status="new",
        answer="",
        revision=0,
        created_at=now,
    )
    db.session.add(item)
    db.session.flush()
    return item


def triage(admin: User, item: Feedback, *, status: str, answer: str, now: datetime) -> bool:
    """An admin sets the status and the answer. When either changes, the reporter is
    notified once for that change (the key carries the revision). Returns whether it
    changed."""
    if not rules.can_triage(admin.roles):
        raise NotAllowed("Only admins triage feedback.")
    text = rules.clean_triage(status, answer)
    if (status, text) == (item.status, item.answer):
        return False
    item.status, item.answer, item.revision = status, text, item.revision + 1
    item.triaged_at, item.triaged_by_id = now, admin.id
    db.session.flush()
    notify(
        item.reporter,
        key=f"feedback:{item.id}:{item.revision}",
        title=f"Your feedback is now: {rules.STATUSES[status]}",
        body=text or "Your feedback is back to new.",
        now=now,
        essential=True,
        link=f"/feedback/{item.id}",
    )
    return True


def get_feedback_for(viewer: User, feedback_id: int) -> Feedback | None:
    """The report if the viewer may see it (its reporter, or an admin); otherwise None: 404."""
    item = db.session.get(Feedback, feedback_id)
    if item is None or not rules.can_see(viewer.id, viewer.roles, item.reporter_id):
        return None
    return item


def list_own_feedback(person: User) -> list[Feedback]:
    return list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.reporter_id == person.id)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        )
    )


def search_feedback(*, status: str = "", category: str = "", area: str = ""):
    """A select of every report for admins, newest first; unknown filter values are ignored."""
    stmt = select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc())
    if status in rules.STATUSES:
        stmt = stmt.where(Feedback.status == status)
    if category in rules.CATEGORIES:
        stmt = stmt.where(Feedback.category == category)
    if area in rules.AREAS:
        stmt = stmt.where(Feedback.area == area)
    return stmt


def count_by_status() -> dict[str, int]:
    rows = db.session.execute(select(Feedback.status, func.count()).group_by(Feedback.status))
    counts = dict.fromkeys(rules.STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts
