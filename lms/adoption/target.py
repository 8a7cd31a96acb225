"""The adoption target: the admin's figure when one is set, else content's default."""

from datetime import datetime

from lms.adoption.content import current_adoption
from lms.adoption.models import AdoptionSetting
from lms.auth.audit import services as audit
from lms.database import db
from lms.errors import FieldError

SETTINGS_ID = 1


def get_target_percent() -> int:
    setting = db.session.get(AdoptionSetting, SETTINGS_ID)
    return setting.target_percent if setting else current_adoption().target_percent


def set_target_percent(percent: int | None, *, by, now: datetime) -> AdoptionSetting:
    """A whole percentage from 1 to 100; FieldError names the form field otherwise. The audit
    log records it, with the figure before."""
    if percent is None or not 1 <= percent <= 100:
        raise FieldError("target_percent", "Give a whole percentage from 1 to 100.")
    before = get_target_percent()
    setting = db.session.get(AdoptionSetting, SETTINGS_ID)
    if setting is None:
        setting = AdoptionSetting(id=SETTINGS_ID, target_percent=percent, updated_at=now)
        db.session.add(setting)
    setting.target_percent, setting.updated_at, setting.updated_by = percent, now, by
    db.session.flush()
    audit.record(
        audit.ADOPTION_TARGET_SET,
        audit.ADOPTION_TARGET,
        None,
        f"Set the adoption target to {percent}% (it was {before}%).",
        actor=by,
        now=now,
        details={"before": before, "after": percent},
    )
    return setting
