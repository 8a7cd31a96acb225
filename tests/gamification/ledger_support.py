"""Helpers for the engine, ledger and rebuild tests: a small ruleset, CRM statements, and
storing them as the LRS does, then running the engine."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from lms.database import db
from lms.gamification import rules as r
from lms.gamification.models import PointsEntry
from lms.gamification.points import engine
from lms.xapi.settings import lrs_settings
from lms.xapi.store.write import store_batch

UPDATE = "http://activitystrea.ms/schema/1.0/update"
VIEWED = "http://id.tincanapi.com/verb/viewed"
SCORED = "http://adlnet.gov/expapi/verbs/scored"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
QUALITY = "https://crm.example/activity-types/data-quality"

RULESET = r.Ruleset(
    rules=(
        r.PointRule(
            "update",
            "Updated a record",
            3,
            r.Match(verbs=frozenset({UPDATE})),
            per=r.PER_STATEMENT,
            daily_cap=10,
        ),
        r.PointRule("record", "Touched a record", 1, r.Match(verbs=frozenset({UPDATE}))),
        r.PointRule(
            "report",
            "Used a report",
            1,
            r.Match(verbs=frozenset({VIEWED})),
            per=r.PER_STATEMENT,
            cooldown=timedelta(minutes=10),
        ),
        r.PointRule(
            "quality",
            "Good data",
            25,
            r.Match(verbs=frozenset({SCORED}), min_score=0.9),
            per=r.PER_DAY,
        ),
    ),
    levels=(r.Level(1, "Newcomer", 0), r.Level(2, "Explorer", 10)),
    quality=r.QualitySettings(r.Match(activity_types=frozenset({QUALITY})), min_samples=1),
)


def crm(person, verb=UPDATE, obj="https://crm.example/leads/1", *, at, score=None, **extra):
    document = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{person.email}", "objectType": "Agent"},
        "verb": {"id": verb},
        "object": {
            "id": obj,
            "definition": {
                "type": QUALITY if verb == SCORED else "http://crm.example/types/record"
            },
        },
        "timestamp": at.isoformat() + "Z",
    }
    if score is not None:
        document["result"] = {"score": {"scaled": score}}
    return document | extra


def void(statement_id: str, *, at):
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:crm@example.com"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": statement_id},
        "timestamp": at.isoformat() + "Z",
    }


def post(statements, *, now, client_id=None, ruleset=RULESET):
    """Store a batch as an LRS client would, and run the engine on what was fresh."""
    batch = store_batch(
        statements, authority=None, client_id=client_id, now=now, settings=lrs_settings()
    )
    engine.apply(batch.fresh, now=now, ruleset=ruleset)
    db.session.flush()
    return batch


def entries(person) -> list[PointsEntry]:
    query = select(PointsEntry).where(PointsEntry.user_id == person.id).order_by(PointsEntry.id)
    return list(db.session.scalars(query))


def points_by_rule(person) -> dict[str, int]:
    found: dict[str, int] = {}
    for entry in entries(person):
        found[entry.rule_key] = found.get(entry.rule_key, 0) + entry.points
    return found
