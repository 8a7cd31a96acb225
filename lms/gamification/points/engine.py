"""The rules engine: what newly stored statements earn. It runs in the transaction that
stored them, for Uptake's own statements and for those LRS clients post alike, in stored
order — and `lms gamification rebuild` runs the same decisions (`steps_of`, `decide`) over
every statement again and must arrive at the same ledger.

In stored order: a statement earns at its turn unless the statement voiding it was stored
before it (voided on arrival); a voiding statement takes back, at its turn, what its target
earned. A statement voided in the very batch that brought it earns and is reversed."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lms.database import db
from lms.gamification.badges.awards import evaluate_badges
from lms.gamification.facts import client_sources, facts_of, voided_target
from lms.gamification.points import ledger
from lms.gamification.points.ledger_state import load_state
from lms.gamification.points.levels import record_level_ups
from lms.gamification.points.quality import quality_samples, remove_samples, write_samples
from lms.gamification.rules import Facts, Ruleset, object_hash, object_of
from lms.gamification.ruleset import current_ruleset
from lms.value_lists import among
from lms.xapi.models import Statement
from lms.xapi.store.person_order import lock_people
from lms.xapi.store.write import FreshStatement


@dataclass(frozen=True)
class Earn:
    """A statement about a known person that may earn points."""

    pk: int
    user_id: int
    facts: Facts


@dataclass(frozen=True)
class Void:
    """A voiding statement whose target was stored before it."""

    pk: int
    target_pk: int
    target_user_id: int | None


def apply(fresh: list[FreshStatement], *, now: datetime, ruleset: Ruleset | None = None):
    """Points by the rules (and the points of statements now voided, taken back),
    data-quality samples, badges, and level-up notices. A batch about nobody Uptake knows,
    voiding nothing, earns nothing: it costs no query (an LRS client's usual batch)."""
    if not any(s.user_id is not None or voided_target(s.document) for s in fresh):
        return
    ruleset = ruleset or current_ruleset()
    steps = steps_of(fresh)
    earning = [(s.pk, s.user_id, s.facts) for s in steps if isinstance(s, Earn)]
    voids = [s for s in steps if isinstance(s, Void)]
    found = {s.pk: candidates_of(s, ruleset) for s in steps if isinstance(s, Earn)}
    candidates = [c for matched in found.values() for c in matched]
    rows, totals = [], {}
    if candidates or voids:
        # The statements' people are locked since they were stored (person_order), so no
        # other transaction decides for them until this one commits.
        state = load_state(candidates, [v.target_pk for v in voids])
        rows = decide(steps, ruleset, state, now, found)
        totals = ledger.write_entries(rows)
    write_samples(quality_samples(earning, ruleset.quality))
    remove_samples([v.target_pk for v in voids])
    evaluate_badges(earning, ruleset, now)
    record_level_ups(set(totals), ruleset.levels, now, totals=totals)


def steps_of(statements) -> list[Earn | Void]:
    """The statements (in stored order) as the engine's steps; statements about nobody
    known, and those voided on arrival, are no step at all."""
    sources = client_sources(s.client_id for s in statements)
    targets = _targets([t for s in statements if (t := voided_target(s.document)) is not None])
    voiders = _voiders([s.document["id"] for s in statements if s.voided])
    steps: list[Earn | Void] = []
    for s in statements:
        target = voided_target(s.document)
        if target is not None:
            pk, user_id = targets.get(target, (None, None))
            if pk is not None and pk < s.pk:
                steps.append(Void(s.pk, pk, user_id))
        elif s.user_id is not None and not (s.voided and voiders.get(s.document["id"], 0) < s.pk):
            steps.append(
                Earn(s.pk, s.user_id, facts_of(s.document, s.client_id, s.stored, sources))
            )
    return steps


def _targets(ids: list[str]) -> dict[str, tuple[int, int | None]]:
    """Voided statement id -> (its pk, its person), for the targets stored."""
    if not ids:
        return {}
    query = select(Statement.statement_id, Statement.id, Statement.user_id).where(
        among(Statement.statement_id, ids), Statement.is_voiding.is_(False)
    )
    return {statement_id: (pk, user_id) for statement_id, pk, user_id in db.session.execute(query)}


def _voiders(ids: list[str]) -> dict[str, int]:
    """Voided statement id -> the pk of the first statement voiding it."""
    if not ids:
        return {}
    query = (
        select(Statement.target_statement_id, func.min(Statement.id))
        .where(Statement.is_voiding.is_(True), among(Statement.target_statement_id, ids))
        .group_by(Statement.target_statement_id)
    )
    return dict(db.session.execute(query).all())


def candidates_of(step: Earn, ruleset: Ruleset) -> list[ledger.Candidate]:
    """The rules the statement matches, each with what it would award once for."""
    found = []
    for rule in ruleset.rules_for(step.facts.verb):
        if rule.match.matches(step.facts):
            counted = object_of(rule, step.facts)
            hashed = object_hash(rule.key, counted)
            found.append(ledger.Candidate(step.pk, step.user_id, rule, step.facts, counted, hashed))
    return found


def decide(steps, ruleset: Ruleset, state: ledger.LedgerState, now: datetime, found=None):
    """The ledger rows the steps make, decided one after another from `state`; `found`
    holds each earning step's candidates when the caller has them already."""
    rows = []
    for step in steps:
        if isinstance(step, Void):
            rows += ledger.decide_reversals(step.target_pk, state, step.pk, now)
        else:
            matched = found[step.pk] if found else candidates_of(step, ruleset)
            rows += ledger.decide_awards(matched, state, now)
    return rows


def apply_to_linked(people, *, now: datetime, ruleset: Ruleset | None = None) -> None:
    """Statements stored before these (new) people were known earn now, in stored order,
    with the statements voiding them, as a rebuild would decide them."""
    ids = [person.id for person in people]
    lock_people(ids)  # as store_batch does for statements it stores: person_order
    own = select(Statement).where(among(Statement.user_id, ids), Statement.is_voiding.is_(False))
    mine = list(db.session.scalars(own.order_by(Statement.id)))
    if not mine:
        return
    voiding = select(Statement).where(
        Statement.is_voiding.is_(True),
        among(Statement.target_statement_id, [s.statement_id for s in mine]),
    )
    every = sorted([*mine, *db.session.scalars(voiding)], key=lambda s: s.id)
    apply([as_fresh(s) for s in every], now=now, ruleset=ruleset)


def as_fresh(s: Statement) -> FreshStatement:
    return as_fresh_row(s.id, s.user_id, s.client_id, s.stored, s.voided, s.document)


def as_fresh_row(pk, user_id, client_id, stored, voided, document: str) -> FreshStatement:
    """A stored statement as the engine sees a fresh one."""
    return FreshStatement(pk, user_id, client_id, stored, voided, json.loads(document))
