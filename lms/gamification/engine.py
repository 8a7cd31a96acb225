"""The rules engine: what newly stored statements earn. It runs in the transaction that
stored them, for Uptake's own statements and for those LRS clients post alike, in stored
order — so the whole ledger can be rebuilt by running it again over the statements."""

import json
from datetime import datetime

from sqlalchemy import select

from lms.database import db
from lms.gamification import ledger
from lms.gamification.badges import evaluate_badges
from lms.gamification.facts import client_sources, facts_of, voided_target
from lms.gamification.levels import record_level_ups
from lms.gamification.quality import quality_samples, remove_samples, write_samples
from lms.gamification.rules import Ruleset, object_hash, object_of
from lms.gamification.ruleset import current_ruleset
from lms.xapi.models import Statement
from lms.xapi.store import FreshStatement


def apply(fresh: list[FreshStatement], *, now: datetime, ruleset: Ruleset | None = None):
    """Points by the rules (and the points of statements now voided, taken back),
    data-quality samples, badges, and level-up notices."""
    if not fresh:
        return
    ruleset = ruleset or current_ruleset()
    sources = client_sources(s.client_id for s in fresh)
    earning, voids = [], []  # (pk, user_id, facts); (voiding pk, target statement id)
    for s in fresh:
        target = voided_target(s.document)
        if target is not None:
            voids.append((s.pk, target))
        elif s.user_id is not None and not s.voided:
            earning.append((s.pk, s.user_id, facts_of(s.document, s.client_id, s.stored, sources)))
    rows = _ledger_rows(earning, voids, ruleset, now)
    ledger.write_entries(rows)
    write_samples(quality_samples(earning, ruleset.quality))
    remove_samples(list(_target_pks(voids).values()))
    evaluate_badges(earning, ruleset, now)
    record_level_ups({row["user_id"] for row in rows}, ruleset.levels, now)


def candidates_for(earning, ruleset: Ruleset) -> dict[int, list[ledger.Candidate]]:
    """Each statement's matching rules, by statement."""
    found: dict[int, list[ledger.Candidate]] = {}
    for pk, user_id, facts in earning:
        for rule in ruleset.rules:
            if rule.match.matches(facts):
                counted = object_of(rule, facts)
                found.setdefault(pk, []).append(
                    ledger.Candidate(
                        pk, user_id, rule, facts, counted, object_hash(rule.key, counted)
                    )
                )
    return found


def _ledger_rows(earning, voids, ruleset: Ruleset, now: datetime) -> list[dict]:
    """Decided in stored order: an award and a voiding in one batch meet as they came."""
    candidates = candidates_for(earning, ruleset)
    targets = _target_pks(voids)
    standing = ledger.standing_awards(list(targets.values()))
    every = [c for found in candidates.values() for c in found]
    state = ledger.load_state(every, [row for rows in standing.values() for row in rows])
    steps = sorted([(pk, None) for pk, _, _ in earning] + list(voids), key=lambda step: step[0])
    rows = []
    for pk, target in steps:
        if target is None:
            rows += ledger.decide_awards(candidates.get(pk, []), state, now)
        else:
            awards = standing.pop(targets.get(target), [])
            rows += ledger.decide_reversals(awards, state, pk, now)
    return rows


def _target_pks(voids) -> dict[str, int]:
    """Voided statement id -> its primary key, for the targets stored here."""
    ids = [target for _, target in voids]
    if not ids:
        return {}
    query = select(Statement.statement_id, Statement.id).where(Statement.statement_id.in_(ids))
    return dict(db.session.execute(query).all())


def apply_to_linked(people, *, now: datetime) -> None:
    """Statements stored before these people were known earn now, in stored order."""
    ids = [person.id for person in people]
    query = (
        select(Statement)
        .where(Statement.user_id.in_(ids), Statement.is_voiding.is_(False))
        .order_by(Statement.id)
    )
    fresh = [
        FreshStatement(s.id, s.user_id, s.client_id, s.stored, s.voided, json.loads(s.document))
        for s in db.session.scalars(query)
    ]
    apply(fresh, now=now)
