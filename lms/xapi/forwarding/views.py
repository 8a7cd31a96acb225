"""The forwarding admin page: how the outbox stands, and its dead letters to inspect and retry."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.auth import rules
from lms.auth.access import allowed_if
from lms.auth.forms import ConfirmForm
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError
from lms.request_values import paginate
from lms.xapi.forwarding.outbox import (
    dead_letters_query,
    queue_stats,
    retry_all_dead,
    retry_dead_letter,
    statements_for,
)
from lms.xapi.models import OutboxItem
from lms.xapi.settings import lrs_settings
from lms.xapi.views import bp

PAGE_SIZE = 50


@dataclass(frozen=True)
class DeadLetter:
    item: OutboxItem
    statement_id: str
    verb: str
    stored: datetime
    document: str  # pretty-printed for reading


@bp.get("/lrs/outbox")
@allowed_if(rules.can_edit_people)
def outbox():
    now = utcnow()
    stats = queue_stats(now)
    page = paginate(dead_letters_query(), per_page=PAGE_SIZE)
    return render_template(
        "lrs/outbox.html",
        settings=lrs_settings(),
        stats=stats,
        oldest_age=age(now - stats.oldest_pending_at) if stats.oldest_pending_at else None,
        page=page,
        dead_letters=_dead_letters(page.items),
        confirm=ConfirmForm(),
    )


@bp.post("/lrs/outbox/<int:item_id>/retry")
@allowed_if(rules.can_edit_people)
def retry_one(item_id):
    item = db.get_or_404(OutboxItem, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            retry_dead_letter(item, now=utcnow(), actor=current_user)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("The statement is back in the queue and will be sent again shortly.", "success")
    return redirect(url_for("lrs.outbox", page=request.args.get("page")))


@bp.post("/lrs/outbox/retry-all")
@allowed_if(rules.can_edit_people)
def retry_all():
    if ConfirmForm().validate_on_submit():
        count = retry_all_dead(now=utcnow(), actor=current_user)
        db.session.commit()
        flash(f"{count} statement(s) are back in the queue.", "success")
    return redirect(url_for("lrs.outbox"))


def age(delta: timedelta) -> str:
    """A duration as people say it: "3 d 4 h", "2 h 5 min", "40 s"."""
    seconds = max(int(delta.total_seconds()), 0)
    days, hours, minutes = seconds // 86400, seconds // 3600 % 24, seconds // 60 % 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def _dead_letters(items: list[OutboxItem]) -> list[DeadLetter]:
    statements = statements_for(items)
    return [
        DeadLetter(
            item=item,
            statement_id=(s := statements[item.statement_pk]).statement_id,
            verb=s.verb_id,
            stored=s.stored,
            document=json.dumps(json.loads(s.document), indent=2, ensure_ascii=False),
        )
        for item in items
    ]
