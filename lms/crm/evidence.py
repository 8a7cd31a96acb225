"""A person's real CRM use of a skill, as a coach sees it before signing the monitoring step:
the records of the skill's objects they created and updated in the live CRM lately, the data
quality Uptake judged those records to have as they left them, and when they last did so."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text

from lms.auth.models import User
from lms.crm.models import CrmRecord
from lms.crm.profile import activity_type
from lms.database import db
from lms.xapi.models import RECORD_CHANGE_BY_CLIENT, Statement
from lms.xapi.vocabulary import ACTIVITY_STREAMS_VERBS

MONITORED_DAYS = 14
CREATE = ACTIVITY_STREAMS_VERBS + "create"


@dataclass(frozen=True)
class CrmUse:
    objects: tuple[str, ...]  # the CRM objects the skill works on
    days: int
    created: int
    updated: int
    records: int  # distinct records touched
    quality: float | None  # their average data quality (0..1) as they left them; None: no score
    last_used: datetime | None  # the latest create or update of those objects, ever

    @property
    def any(self) -> bool:
        return bool(self.created or self.updated)


def recent_use(person: User, objects: tuple[str, ...], *, now: datetime) -> CrmUse:
    """The person's creates and updates of `objects` in the last MONITORED_DAYS days, read
    from their record changes in the statement store (a range of the partial index of
    record changes, by person and time); the quality and last use from the records Uptake
    keeps of what people changed."""
    since = now - timedelta(days=MONITORED_DAYS)
    types = {activity_type(obj) for obj in objects}
    created = updated = 0
    records: set[str] = set()
    latest = None
    changes = (
        select(Statement.verb_id, Statement.activity_id, Statement.timestamp, Statement.document)
        .where(Statement.user_id == person.id, text(RECORD_CHANGE_BY_CLIENT))
        .where(Statement.timestamp >= since, Statement.voided.is_(False))
    )
    for verb, activity, stamp, document in db.session.execute(changes):
        if (json.loads(document)["object"].get("definition") or {}).get("type") not in types:
            continue
        created += verb == CREATE
        updated += verb != CREATE
        records.add(activity)
        latest = max(filter(None, (latest, stamp)))
    quality, last_changed = _records(person, objects, since)
    return CrmUse(
        objects=objects,
        days=MONITORED_DAYS,
        created=created,
        updated=updated,
        records=len(records),
        quality=quality,
        last_used=max(filter(None, (latest, last_changed)), default=None),
    )


def _records(person: User, objects: tuple[str, ...], since: datetime):
    """(The average quality of the records of `objects` the person last changed in the
    window — None when none has a score —, when they last changed any of them at all.)"""
    mine = (CrmRecord.changed_by_id == person.id, CrmRecord.object.in_(objects))
    average = db.session.scalar(
        select(func.avg(CrmRecord.score)).where(
            *mine, CrmRecord.changed_at >= since, CrmRecord.score.is_not(None)
        )
    )
    last = db.session.scalar(select(func.max(CrmRecord.changed_at)).where(*mine))
    return (None if average is None else float(average)), last


def records_changed_lately(person_ids, *, now: datetime) -> dict[tuple[int, str], int]:
    """(person id, CRM object) -> the records of it each person last changed in the live
    CRM within MONITORED_DAYS days: one grouped query for a whole coaching board."""
    ids = list(person_ids)
    if not ids:
        return {}
    query = (
        select(CrmRecord.changed_by_id, CrmRecord.object, func.count(CrmRecord.id))
        .where(CrmRecord.changed_by_id.in_(ids))
        .where(CrmRecord.changed_at >= now - timedelta(days=MONITORED_DAYS))
        .group_by(CrmRecord.changed_by_id, CrmRecord.object)
    )
    return {(person, obj): count for person, obj, count in db.session.execute(query)}
