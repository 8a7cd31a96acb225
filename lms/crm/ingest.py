"""From CRM events to stored statements: the one path every connector, the webhook and the
CSV upload take. The CRM's users are matched to people, each record is judged for data
quality, and each event becomes a statement of the CRM-usage profile, stored as the
connection's LRS client and published, so points, badges, adoption weeks and signals follow
in the same transaction. Services: they flush, never commit."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, tuple_

from lms import events as domain_events
from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.crm import profile
from lms.crm.connections import KINDS, MATCHED_BY_EMAIL, MATCHED_BY_HR_ID
from lms.crm.connectors.base import CONVERTED, CREATED, RECORD_OBJECTS, UPDATED, CrmEvent, CrmUser
from lms.crm.models import CrmAccount, CrmConnection, CrmDuplicateKey, CrmRecord
from lms.crm.quality.content import current_quality_rules
from lms.crm.quality.rules import QualityRules, duplicate_keys, judge
from lms.database import db
from lms.xapi import clients
from lms.xapi.models import Statement, StatementAgent
from lms.xapi.settings import LrsSettings, lrs_settings
from lms.xapi.store.identifiers import agent_key
from lms.xapi.store.people import uptake_agent
from lms.xapi.store.write import store_batch

RECORD_ACTIONS = (CREATED, UPDATED, CONVERTED)


@dataclass(frozen=True)
class Ingested:
    read: int  # events given
    stored: int  # statements stored for the first time
    unmatched: int  # events by CRM users no person is matched to (stored under the CRM user)


@dataclass(frozen=True)
class Judged:
    score: float | None
    failed: tuple[str, ...]


def ingest(
    connection: CrmConnection,
    crm_events: Sequence[CrmEvent],
    crm_users: Iterable[CrmUser] = (),
    *,
    now: datetime,
    rules: QualityRules | None = None,
) -> Ingested:
    """Store the statements of these events (oldest first) that are not stored yet."""
    if not crm_events:
        note_users(connection, crm_users, (), now=now)
        return Ingested(0, 0, 0)
    accounts = note_users(connection, crm_users, [e.user_id for e in crm_events], now=now)
    rules = current_quality_rules() if rules is None else rules
    judged = judge_records(connection, crm_events, accounts, rules)
    settings = lrs_settings()
    statements, unmatched = [], 0
    actors: dict[str, tuple[dict, str]] = {}  # crm_id -> (actor, its key), once per batch
    for index, event in enumerate(crm_events):
        account = accounts[event.user_id]
        if event.user_id not in actors:
            actor = _actor(connection, account, settings)
            actors[event.user_id] = (actor, agent_key(actor))
        actor, actor_key = actors[event.user_id]
        if account.person_id is None:
            unmatched += 1
            account.events_unmatched += 1
        if account.last_event_at is None or event.at > account.last_event_at:
            account.last_event_at = event.at
        quality = judged.get(index)
        statements.append(
            profile.build_statement(
                event,
                actor=actor,
                actor_key=actor_key,
                crm_base_url=connection.base_url,
                crm_title=KINDS.get(connection.kind, connection.kind),
                score=quality.score if quality else None,
                failed_checks=quality.failed if quality else (),
            )
        )
    stored = store_new(connection, statements, now=now, settings=settings)
    return Ingested(len(crm_events), stored, unmatched)


def store_new(
    connection: CrmConnection, statements: list[dict], *, now: datetime, settings: LrsSettings
) -> int:
    """Store the statements whose ids are not stored yet (so a re-read changes nothing, even
    when the record's data quality has changed since) and publish them."""
    ids = [s["id"] for s in statements]
    known = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            db.session.scalars(
                select(Statement.statement_id).where(Statement.statement_id.in_(chunk))
            )
        )
    seen, new = set(known), []
    for statement in statements:
        if statement["id"] not in seen:
            seen.add(statement["id"])
            new.append(statement)
    if not new:
        return 0
    batch = store_batch(
        new,
        authority=clients.authority_for(connection.client, settings.base_url),
        client_id=connection.client_id,
        now=now,
        settings=settings,
    )
    domain_events.publish(domain_events.StatementsReceived(fresh=tuple(batch.fresh), now=now))
    return len(batch.fresh)


def note_users(
    connection: CrmConnection,
    crm_users: Iterable[CrmUser],
    acting: Iterable[str],
    *,
    now: datetime,
) -> dict[str, CrmAccount]:
    """The accounts of the CRM users given and of those who acted (crm_id -> account):
    new ones added, names, e-mails and active flags refreshed, and anyone still unmatched
    matched to a person by e-mail or HR id where one now fits."""
    given = {user.crm_id: user for user in crm_users}
    wanted = set(given) | set(acting)
    accounts = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        query = select(CrmAccount).where(
            CrmAccount.connection_id == connection.id,
            CrmAccount.crm_id.in_(ids[start : start + 500]),
        )
        accounts.update({a.crm_id: a for a in db.session.scalars(query)})
    for crm_id in ids:
        account = accounts.get(crm_id)
        if account is None:
            account = CrmAccount(
                connection_id=connection.id,
                crm_id=crm_id[:100],
                name=crm_id[:200],
                first_seen_at=now,
                events_unmatched=0,
            )
            db.session.add(account)
            accounts[crm_id] = account
        if crm_id in given:
            user = given[crm_id]
            account.name = (user.name or crm_id)[:200]
            account.email = (user.email or "").strip()[:254] or None
            account.hr_id = (user.hr_id or "").strip()[:64] or None
            account.active = user.active
    _load_people([a for a in accounts.values() if a.person_id is not None])
    _match_people([a for a in accounts.values() if a.person_id is None])
    db.session.flush()
    return accounts


def _load_people(accounts: list[CrmAccount]) -> None:
    """The matched accounts' people in one query (not one each, when statements name them)."""
    people = {}
    for chunk in _chunks(sorted({a.person_id for a in accounts})):
        people.update({p.id: p for p in db.session.scalars(select(User).where(User.id.in_(chunk)))})
    for account in accounts:
        if account.person_id in people:
            account.person = people[account.person_id]


def _match_people(accounts: list[CrmAccount]) -> None:
    """Match unmatched accounts to people by e-mail (any case), then by HR id: two queries
    however many accounts there are."""
    emails = {a.email.strip().lower() for a in accounts if a.email}
    hr_ids = {a.hr_id.strip() for a in accounts if a.hr_id}
    by_email, by_hr_id = {}, {}
    for chunk in _chunks(sorted(emails)):
        query = select(User).where(func.lower(User.email).in_(chunk))
        by_email.update({person.email.lower(): person for person in db.session.scalars(query)})
    for chunk in _chunks(sorted(hr_ids)):
        query = select(User).where(User.employee_id.in_(chunk))
        by_hr_id.update({person.employee_id: person for person in db.session.scalars(query)})
    for account in accounts:
        person, how = by_email.get((account.email or "").strip().lower()), MATCHED_BY_EMAIL
        if person is None:
            person, how = by_hr_id.get((account.hr_id or "").strip()), MATCHED_BY_HR_ID
        if person is not None:
            account.person_id, account.matched_by, account.person = person.id, how, person


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def judge_records(
    connection: CrmConnection,
    crm_events: Sequence[CrmEvent],
    accounts: dict[str, CrmAccount],
    rules: QualityRules,
) -> dict[int, Judged]:
    """Judge each record event's record as the event left it, keep the record (with who
    created and last changed it, and what it failed), and return the judgement by the
    event's index. Duplicates are looked up among the connection's other records."""
    record_events = [
        (index, e)
        for index, e in enumerate(crm_events)
        if e.action in RECORD_ACTIONS
        and e.object in RECORD_OBJECTS
        and e.record_id
        and e.fields is not None
    ]
    if not record_events:
        return {}
    records = _records(connection, {(e.object, e.record_id[:100]) for _, e in record_events})
    _add_new_records(connection, record_events, records)
    keys = {
        (e.object, rule, value[:500])
        for _, e in record_events
        for rule, value in duplicate_keys(rules, e.object, e.fields).items()
    }
    holders = _key_holders(connection, keys)  # (object, rule, value) -> record ids holding it
    held_by: dict[int, set[tuple]] = {}  # record id -> the keys of `holders` it holds
    for key, ids in holders.items():
        for record_id in ids:
            held_by.setdefault(record_id, set()).add(key)
    kept_keys: dict[int, CrmRecord] = {}  # records whose duplicate keys are written anew
    judged: dict[int, Judged] = {}
    for index, event in record_events:
        record = records[event.object, event.record_id[:100]]
        mine = {
            rule: value[:500]
            for rule, value in duplicate_keys(rules, event.object, event.fields).items()
        }
        duplicated = frozenset(
            rule
            for rule, value in mine.items()
            if holders.get((event.object, rule, value), set()) - {record.id}
        )
        judgement = judge(rules, event.object, event.fields, duplicated=duplicated)
        person_id = accounts[event.user_id].person_id
        if event.action == CREATED and record.created_by_id is None:
            record.created_by_id = person_id
        if event.at >= record.changed_at or record.score is None:
            record.changed_by_id = person_id
            record.changed_at = event.at
            record.name = (event.record_name or record.name or event.record_id)[:200]
            record.url = (event.url or record.url or None) and (event.url or record.url)[:500]
            record.score = judgement.score if judgement else None
            record.failed = list(judgement.failed_keys) if judgement else []
            _move_keys(record, mine, holders, held_by)
            kept_keys[record.id] = record
        if judgement is not None:
            judged[index] = Judged(judgement.score, tuple(judgement.failed_keys))
    _write_keys(connection, kept_keys, held_by)
    db.session.flush()
    return judged


def _add_new_records(connection: CrmConnection, record_events, records: dict) -> None:
    """The records first seen in this batch, added in one flush (their ids are needed)."""
    new = {}
    for _, event in record_events:
        key = (event.object, event.record_id[:100])
        if key not in records and key not in new:
            new[key] = CrmRecord(
                connection_id=connection.id,
                object=event.object,
                external_id=key[1],
                name="",
                changed_at=event.at,
                failed=[],
            )
    if new:
        db.session.add_all(new.values())
        db.session.flush()
        records.update(new)


def _move_keys(record: CrmRecord, keys: dict[str, str], holders: dict, held_by: dict) -> None:
    """The record now holds these duplicate keys (and none it held before), in memory, so a
    later record of the same batch sees them."""
    for old in held_by.pop(record.id, set()):
        holders[old].discard(record.id)
    held = held_by.setdefault(record.id, set())
    for rule, value in keys.items():
        key = (record.object, rule, value)
        holders.setdefault(key, set()).add(record.id)
        held.add(key)


def _write_keys(connection: CrmConnection, records: dict[int, CrmRecord], held_by: dict) -> None:
    """Replace the stored duplicate keys of these records with those they now hold: one
    DELETE and one INSERT for the batch."""
    ids = sorted(records)
    for chunk in _chunks(ids):
        db.session.execute(delete(CrmDuplicateKey).where(CrmDuplicateKey.record_id.in_(chunk)))
    rows = [
        {
            "record_id": record_id,
            "connection_id": connection.id,
            "object": crm_object,
            "rule": rule,
            "value": value,
        }
        for record_id in ids
        for crm_object, rule, value in sorted(held_by.get(record_id, ()))
    ]
    if rows:
        db.session.execute(insert(CrmDuplicateKey), rows)


def _records(connection: CrmConnection, wanted: set[tuple[str, str]]) -> dict:
    found = {}
    pairs = sorted(wanted)
    for start in range(0, len(pairs), 400):
        query = select(CrmRecord).where(
            CrmRecord.connection_id == connection.id,
            tuple_(CrmRecord.object, CrmRecord.external_id).in_(pairs[start : start + 400]),
        )
        found.update({(r.object, r.external_id): r for r in db.session.scalars(query)})
    return found


def _key_holders(connection: CrmConnection, keys: set[tuple[str, str, str]]) -> dict:
    holders: dict[tuple[str, str, str], set[int]] = {}
    triples = sorted((o, r, v[:500]) for o, r, v in keys)
    for start in range(0, len(triples), 300):
        query = select(
            CrmDuplicateKey.object,
            CrmDuplicateKey.rule,
            CrmDuplicateKey.value,
            CrmDuplicateKey.record_id,
        ).where(
            CrmDuplicateKey.connection_id == connection.id,
            tuple_(CrmDuplicateKey.object, CrmDuplicateKey.rule, CrmDuplicateKey.value).in_(
                triples[start : start + 300]
            ),
        )
        for crm_object, rule, value, record_id in db.session.execute(query):
            holders.setdefault((crm_object, rule, value), set()).add(record_id)
    return holders


def _actor(connection: CrmConnection, account: CrmAccount, settings: LrsSettings) -> dict:
    """The person, named as Uptake names them in its own statements; the CRM user while no
    person is matched."""
    person: User | None = account.person
    if person is None:
        return profile.crm_user_agent(connection.base_url, account.crm_id, account.name)
    return uptake_agent(person, settings)


def match_account(account: CrmAccount, person: User, *, actor: User | None, now: datetime) -> int:
    """An admin says which person a CRM user is. What that user did before, stored under
    the CRM user while nobody was known, is stored again as the person's (new statement ids:
    see `profile.statement_id`), so their points and adoption count from the start. Returns
    how many statements that stored."""
    connection = account.connection
    account.person_id, account.matched_by, account.person = person.id, "admin", person
    before = profile.crm_user_agent(connection.base_url, account.crm_id, account.name)
    settings = lrs_settings()
    actor_now = _actor(connection, account, settings)
    query = (
        select(Statement.document)
        .join(StatementAgent, StatementAgent.statement_pk == Statement.id)
        .where(
            StatementAgent.agent_key == agent_key(before),
            StatementAgent.core.is_(True),
            Statement.client_id == connection.client_id,
        )
        .order_by(Statement.id)
    )
    again = []
    for document in db.session.scalars(query):
        stored = json.loads(document)
        event_id = stored.get("context", {}).get("extensions", {}).get(profile.EXTENSION_EVENT_ID)
        if event_id is None:
            continue
        statement = {
            k: stored[k] for k in ("verb", "object", "context", "timestamp") if k in stored
        }
        if "result" in stored:
            statement["result"] = stored["result"]
        statement["actor"] = actor_now
        statement["id"] = profile.statement_id(connection.base_url, event_id, agent_key(actor_now))
        again.append(statement)
    stored_count = 0
    for start in range(0, len(again), 500):
        stored_count += store_new(
            connection, again[start : start + 500], now=now, settings=settings
        )
    account.events_unmatched = 0
    audit.record(
        audit.CRM_ACCOUNT_MATCHED,
        audit.CRM_ACCOUNT,
        account.id,
        f"Matched {connection.name} user {account.name} ({account.crm_id}) to {person.name} "
        f"<{person.email}>; {stored_count} earlier events now count as theirs.",
        actor=actor,
        now=now,
        details={"connection": connection.name, "crm_id": account.crm_id, "person": person.id},
    )
    db.session.flush()
    return stored_count
