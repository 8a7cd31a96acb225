"""What a person sees of their own CRM data quality: the records they last changed, how
Uptake judged them, and in plain words what to fix ("3 of your contacts have no phone
number"), most common first."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from lms.auth.models import User
from lms.crm.models import CrmConnection, CrmRecord
from lms.crm.quality.content import current_quality_rules
from lms.crm.quality.rules import check_message, summarise
from lms.database import db

SHOWN = 50  # records listed to fix, the lowest scores first


@dataclass(frozen=True)
class RecordToFix:
    name: str
    object: str
    url: str | None
    score: float
    problems: list[str]
    connection: str


@dataclass
class QualityReport:
    records: int = 0  # records the person last changed that Uptake judged
    average: float | None = None
    complete: int = 0
    advice: list[str] = field(default_factory=list)
    to_fix: list[RecordToFix] = field(default_factory=list)


def for_person(person: User) -> QualityReport:
    """The data quality of the records this person was the last to change."""
    rows = db.session.execute(
        select(CrmRecord, CrmConnection.name)
        .join(CrmConnection, CrmConnection.id == CrmRecord.connection_id)
        .where(CrmRecord.changed_by_id == person.id, CrmRecord.score.is_not(None))
    ).all()
    if not rows:
        return QualityReport()
    rules = current_quality_rules()
    failed = Counter(key for record, _ in rows for key in record.failed)
    worst = sorted((r for r in rows if r[0].failed), key=lambda r: (r[0].score, r[0].name))
    return QualityReport(
        records=len(rows),
        average=sum(record.score for record, _ in rows) / len(rows),
        complete=sum(1 for record, _ in rows if not record.failed),
        advice=summarise(failed, rules),
        to_fix=[
            RecordToFix(
                name=record.name or record.external_id,
                object=record.object,
                url=record.url,
                score=record.score,
                problems=[check_message(rules, key) for key in record.failed],
                connection=name,
            )
            for record, name in worst[:SHOWN]
        ],
    )
