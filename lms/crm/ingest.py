"""From CRM events to stored statements: the one path every connector, the webhook and the
CSV upload take. The CRM's users are matched to people, each record is judged for data
quality, and each event becomes a statement of the CRM-usage profile, stored as the
connection's LRS client and published, so points, badges, adoption weeks and signals follow
in the same transaction. Services: they flush, never commit."""

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import delete, func, select

from lms import events as domain_events
from lms.auth.audit import services as audit
from lms.auth.models import User
from lms.bulk_writes import add_to_rows, expire_held, insert_rows, update_rows
from lms.crm import profile
from lms.crm.connections import KINDS, MATCHED_BY_EMAIL, MATCHED_BY_HR_ID
from lms.crm.connectors.base import CONVERTED, CREATED, RECORD_OBJECTS, UPDATED, CrmEvent, CrmUser
from lms.crm.models import TRAINING, CrmAccount, CrmConnection, CrmDuplicateKey, CrmRecord
from lms.crm.quality.content import current_quality_rules
from lms.crm.quality.rules import QualityRules, duplicate_keys, judge
from lms.database import db
from lms.value_lists import among
from lms.xapi import clients
from lms.xapi.models import Statement, StatementAgent
from lms.xapi.settings import LrsSettings, lrs_settings
from lms.xapi.store.identifiers import agent_key
from lms.xapi.store.people import uptake_agent
from lms.xapi.store.write import PreparedBatch, prepare_batch, stored_ids, write_batch

RECORD_ACTIONS = (CREATED, UPDATED, CONVERTED)
KEY_LENGTH = CrmDuplicateKey.__table__.c.value.type.length
RECORD_COLUMNS = (  # in the order of _Record's fields
    "id", "object", "external_id", "name", "url", "created_by_id", "changed_by_id",
    "changed_at", "score", "failed",
)  # fmt: skip


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
    read = read_events(connection, crm_events, crm_users, now=now, rules=rules)
    return store_read(connection, read, now=now)


@dataclass
class ReadEvents:
    """What the CRM side makes of a batch of events, ready to store: the new statements,
    checked and built (None when there is none), and each acting account's newest event and
    events read while nobody was matched. Plain values, so that another process (see
    lms.crm.pipeline) may store them."""

    read: int
    unmatched: int
    activity: list[dict]
    batch: PreparedBatch | None


def read_events(
    connection: CrmConnection,
    crm_events: Sequence[CrmEvent],
    crm_users: Iterable[CrmUser] = (),
    *,
    now: datetime,
    rules: QualityRules | None = None,
) -> ReadEvents:
    """The CRM side of an ingest: users matched, records judged and kept, statements built
    and checked. Writes the accounts and records; stores no statement."""
    if not crm_events:
        note_users(connection, crm_users, (), now=now)
        return ReadEvents(0, 0, [], None)
    accounts = note_users(connection, crm_users, [e.user_id for e in crm_events], now=now)
    rules = current_quality_rules() if rules is None else rules
    judged = judge_records(connection, crm_events, accounts, rules)
    settings = lrs_settings()
    crm_title = KINDS.get(connection.kind, connection.kind)
    actors = _actors(
        connection, [accounts[crm_id] for crm_id in {e.user_id for e in crm_events}], settings
    )
    statements, unmatched, newest = [], Counter(), {}
    for index, event in enumerate(crm_events):
        actor, actor_key = actors[event.user_id]
        if accounts[event.user_id].person_id is None:
            unmatched[event.user_id] += 1
        if event.user_id not in newest or event.at > newest[event.user_id]:
            newest[event.user_id] = event.at
        quality = judged.get(index)
        statements.append(
            profile.build_statement(
                event,
                actor=actor,
                actor_key=actor_key,
                crm_base_url=connection.base_url,
                crm_title=crm_title,
                score=quality.score if quality else None,
                failed_checks=quality.failed if quality else (),
            )
        )
    activity = [
        {
            "id": accounts[crm_id].id,  # flushed by note_users: it has its id
            "last_event_at": at,
            "events_unmatched": unmatched[crm_id],
        }
        for crm_id, at in newest.items()
    ]
    batch = _prepared(connection, statements, now=now, settings=settings)
    return ReadEvents(len(crm_events), sum(unmatched.values()), activity, batch)


def store_read(connection: CrmConnection, read: ReadEvents, *, now: datetime) -> Ingested:
    """The store side of an ingest: the accounts' activity noted, the statements stored and
    published. Any session may do it: it reads nothing the CRM side holds in memory."""
    _note_activity(read.activity)
    stored = 0 if read.batch is None else _store_prepared(read.batch, now=now)
    return Ingested(read.read, stored, read.unmatched)


def _note_activity(rows: list[dict]) -> None:
    """Each acting account's newest event and its events read while nobody was matched,
    in one statement rather than an UPDATE per account at the next flush: added to what is
    stored, not written over it, since another ingest for the same connection (a webhook
    while a sync runs) may have changed them since they were read. The accounts the session
    holds are read again when next used."""
    add_to_rows(CrmAccount.__table__, rows, added=("events_unmatched",), latest=("last_event_at",))
    expire_held(CrmAccount, {row["id"] for row in rows})


def store_new(
    connection: CrmConnection, statements: list[dict], *, now: datetime, settings: LrsSettings
) -> int:
    """Store the statements whose ids are not stored yet (so a re-read changes nothing, even
    when the record's data quality has changed since) and publish them."""
    batch = _prepared(connection, statements, now=now, settings=settings)
    return 0 if batch is None else _store_prepared(batch, now=now)


def _prepared(
    connection: CrmConnection, statements: list[dict], *, now: datetime, settings: LrsSettings
) -> PreparedBatch | None:
    """The statements not stored yet (each id once: an overlapping window reads an event
    twice), checked and made ready to store as the connection's LRS client, to be written
    with `skip_stored` (see `_store_prepared`)."""
    seen, new = stored_ids([s["id"] for s in statements]), []
    for statement in statements:
        if statement["id"] not in seen:
            seen.add(statement["id"])
            new.append(statement)
    if not new:
        return None
    return prepare_batch(
        new,
        authority=clients.authority_for(connection.client, settings.base_url),
        client_id=connection.client_id,
        now=now,
        settings=settings,
        keep_given=False,
    )


def _store_prepared(batch: PreparedBatch, *, now: datetime) -> int:
    """Store what is not stored yet (another process may have stored some since the batch
    was prepared) and publish it; how many were new."""
    stored = write_batch(batch, settings=lrs_settings(), skip_stored=True)
    if not stored.fresh:
        return 0
    domain_events.publish(domain_events.StatementsReceived(fresh=tuple(stored.fresh), now=now))
    return len(stored.fresh)


@dataclass
class ActingAccount:
    """A CRM account as an ingest reads it when nothing in it is to change: the few columns
    an ingest needs."""

    id: int
    crm_id: str
    name: str
    person_id: int | None
    last_event_at: datetime | None
    events_unmatched: int


ACTING_COLUMNS = tuple(getattr(CrmAccount, name) for name in ActingAccount.__annotations__)
KEPT_OF_USERS = ("name", "email", "hr_id", "active")  # what _as_given says
GIVEN_COLUMNS = (*ACTING_COLUMNS, CrmAccount.email, CrmAccount.hr_id, CrmAccount.active)


def note_users(
    connection: CrmConnection,
    crm_users: Iterable[CrmUser],
    acting: Iterable[str],
    *,
    now: datetime,
) -> dict[str, CrmAccount | ActingAccount]:
    """The accounts of the CRM users given and of those who acted (crm_id -> account):
    new ones added, names, e-mails and active flags refreshed, and those new or given and
    still unmatched matched to a person by e-mail or HR id where one now fits. (An account
    that only acted is not looked for again on every page: each sync pass gives every user
    first, which matches those whose person was added since.) Accounts are read as the few
    columns an ingest needs (a batch names thousands, and a pass gives every user); only
    those given with something to change or to match are read whole, as CrmAccounts."""
    given = {user.crm_id: user for user in crm_users}
    accounts: dict = {}
    to_change = []
    for chunk in _chunks(sorted(given)):
        query = select(*GIVEN_COLUMNS).where(
            CrmAccount.connection_id == connection.id, among(CrmAccount.crm_id, chunk)
        )
        for row in db.session.execute(query):
            accounts[row.crm_id] = ActingAccount(*row[: len(ACTING_COLUMNS)])
            kept = {name: getattr(row, name) for name in KEPT_OF_USERS}
            if row.person_id is None or kept != _as_given(given[row.crm_id]):
                to_change.append(row.crm_id)
    for chunk in _chunks(to_change):
        query = select(CrmAccount).where(
            CrmAccount.connection_id == connection.id, among(CrmAccount.crm_id, chunk)
        )
        accounts.update({a.crm_id: a for a in db.session.scalars(query)})
    only_acting = sorted(set(acting) - set(given))
    for chunk in _chunks(only_acting):
        query = select(*ACTING_COLUMNS).where(
            CrmAccount.connection_id == connection.id, among(CrmAccount.crm_id, chunk)
        )
        accounts.update({row.crm_id: ActingAccount(*row) for row in db.session.execute(query)})
    for crm_id in sorted(set(given) | set(only_acting)):
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
        if crm_id in given and isinstance(account, CrmAccount):
            for name, value in _as_given(given[crm_id]).items():
                setattr(account, name, value)
    looked_for = [
        a
        for a in accounts.values()
        if isinstance(a, CrmAccount) and a.person_id is None and (a.id is None or a.crm_id in given)
    ]
    _match_people(looked_for)
    db.session.flush()
    return accounts


def _as_given(user: CrmUser) -> dict:
    """What an account keeps of the CRM user as the CRM gives them."""
    return {
        "name": (user.name or user.crm_id)[:200],
        "email": (user.email or "").strip()[:254] or None,
        "hr_id": (user.hr_id or "").strip()[:64] or None,
        "active": user.active,
    }


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
        query = select(User).where(among(User.employee_id, chunk))
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


@dataclass
class _Record:
    """A CRM record as the events read so far leave it. `ref` is its id in crm_records, or
    a stand-in (below zero) while it is not inserted yet, so duplicates are found among the
    records of the same page too."""

    ref: int
    object: str
    external_id: str
    name: str
    url: str | None
    created_by_id: int | None
    changed_by_id: int | None
    changed_at: datetime
    score: float | None
    failed: list
    is_new: bool = False
    changed: bool = False
    keys: dict[str, str] | None = None  # its duplicate keys now, once an event changed it


def judge_records(
    connection: CrmConnection,
    crm_events: Sequence[CrmEvent],
    accounts: dict[str, CrmAccount],
    rules: QualityRules,
) -> dict[int, Judged]:
    """Judge each record event's record as the event left it, keep the record (with who
    created and last changed it, and what it failed), and return the judgement by the
    event's index. Duplicates are looked up among the connection's other records (those
    stored, and those of these events before it)."""
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
    keys_of = {
        index: {
            rule: value[:KEY_LENGTH]
            for rule, value in duplicate_keys(rules, e.object, e.fields).items()
        }
        for index, e in record_events
    }
    wanted = {(e.object, r, v) for i, e in record_events for r, v in keys_of[i].items()}
    holders, held = _key_holders(connection, wanted)
    judged: dict[int, Judged] = {}
    for index, event in record_events:
        external_id = event.record_id[:100]
        record = records.get((event.object, external_id))
        if record is None:
            record = _Record(
                -1 - len(records), event.object, external_id, "", None, None, None, event.at,
                None, [], is_new=True,
            )  # fmt: skip
            records[event.object, external_id] = record
        mine = keys_of[index]
        duplicated = frozenset(
            rule
            for rule, value in mine.items()
            if any(ref != record.ref for ref in holders.get((event.object, rule, value), ()))
        )
        judgement = judge(rules, event.object, event.fields, duplicated=duplicated, keys=mine)
        person_id = accounts[event.user_id].person_id
        if event.action == CREATED and record.created_by_id is None:
            record.created_by_id, record.changed = person_id, True
        if event.at >= record.changed_at or record.score is None:
            record.changed_by_id = person_id
            record.changed_at = event.at
            record.name = (event.record_name or record.name or event.record_id)[:200]
            record.url = (event.url or record.url or None) and (event.url or record.url)[:500]
            record.score = judgement.score if judgement else None
            record.failed = list(judgement.failed_keys) if judgement else []
            record.changed, record.keys = True, mine
            _hold(holders, held, record, mine)
        if judgement is not None:
            judged[index] = Judged(judgement.score, tuple(judgement.failed_keys))
    _save_records(connection, [r for r in records.values() if r.changed])
    return judged


def _records(connection: CrmConnection, wanted: set[tuple[str, str]]) -> dict:
    table = CrmRecord.__table__
    columns = [table.c[name] for name in RECORD_COLUMNS]
    return {
        (row.object, row.external_id): _Record(*row)
        for row in _rows_by_record(connection, wanted, columns)
    }


def _rows_by_record(connection: CrmConnection, pairs: set[tuple[str, str]], columns: list):
    """The rows of crm_records for these (object, external id) pairs: per object, the ids
    by IN, so that both databases look them up by the whole unique index (SQLite does not
    with a row-value IN)."""
    table = CrmRecord.__table__
    for crm_object, external_ids in _grouped(pairs):
        for chunk in _chunks(external_ids):
            query = select(*columns).where(
                table.c.connection_id == connection.id,
                table.c.object == crm_object,
                among(table.c.external_id, chunk),
            )
            yield from db.session.execute(query)


def _grouped(keys: Iterable[tuple]) -> list[tuple]:
    """(a, b, …, last) tuples as [((a, b, …), sorted lasts)], for an IN on the last column."""
    groups: dict[tuple, list] = {}
    for key in keys:
        groups.setdefault(key[:-1], []).append(key[-1])
    return [
        (head if len(head) > 1 else head[0], sorted(lasts))
        for head, lasts in sorted(groups.items())
    ]


def _key_holders(connection: CrmConnection, keys: set[tuple[str, str, str]]):
    """(object, rule, value) -> the records holding that key, and record -> the keys it
    holds among those (so that a record's keys are replaced without a scan of them all)."""
    holders: dict[tuple[str, str, str], set[int]] = {}
    held: dict[int, set[tuple[str, str, str]]] = {}
    table = CrmDuplicateKey.__table__
    for (crm_object, rule), values in _grouped(keys):
        for chunk in _chunks(values):
            query = select(table.c.value, table.c.record_id).where(
                table.c.connection_id == connection.id,
                table.c.object == crm_object,
                table.c.rule == rule,
                among(table.c.value, chunk),
            )
            for value, record_id in db.session.execute(query):
                holders.setdefault((crm_object, rule, value), set()).add(record_id)
                held.setdefault(record_id, set()).add((crm_object, rule, value))
    return holders, held


def _hold(holders: dict, held: dict, record: _Record, keys: dict[str, str]) -> None:
    """The record holds these keys now, and no longer those it held, so that a later record
    of the same batch is judged against them."""
    for key in held.pop(record.ref, ()):
        holders[key].discard(record.ref)
    mine = {(record.object, rule, value) for rule, value in keys.items()}
    for key in mine:
        holders.setdefault(key, set()).add(record.ref)
    held[record.ref] = mine


def _save_records(connection: CrmConnection, records: list[_Record]) -> None:
    """Write what the events changed in a few statements: the new records inserted, the
    others updated, and the duplicate keys of those whose keys changed replaced (most
    changes, a stage or an amount, leave them as they were)."""
    if not records:
        return
    new = [r for r in records if r.is_new]
    insert_rows(CrmRecord.__table__, [_record_row(connection, r) for r in new])
    ids = _ids_of(connection, {(r.object, r.external_id) for r in new})
    for record in new:
        record.ref = ids[record.object, record.external_id]
    _update_records([r for r in records if not r.is_new])
    rekeyed = [r for r in records if r.keys is not None]
    stored = _stored_keys([r.ref for r in rekeyed if not r.is_new])
    rekeyed = [r for r in rekeyed if r.is_new or stored.get(r.ref, {}) != r.keys]
    for chunk in _chunks([r.ref for r in rekeyed if not r.is_new]):
        db.session.execute(delete(CrmDuplicateKey).where(among(CrmDuplicateKey.record_id, chunk)))
    rows = [
        {
            "record_id": r.ref,
            "connection_id": connection.id,
            "object": r.object,
            "rule": rule,
            "value": value,
        }
        for r in rekeyed
        for rule, value in r.keys.items()
    ]
    insert_rows(CrmDuplicateKey.__table__, rows)


def _stored_keys(refs: list[int]) -> dict[int, dict[str, str]]:
    """record id -> its duplicate keys as stored (rule -> value)."""
    table = CrmDuplicateKey.__table__
    keys: dict[int, dict[str, str]] = {}
    for chunk in _chunks(refs):
        query = select(table.c.record_id, table.c.rule, table.c.value).where(
            among(table.c.record_id, chunk)
        )
        for record_id, rule, value in db.session.execute(query):
            keys.setdefault(record_id, {})[rule] = value
    return keys


def _record_row(connection: CrmConnection, record: _Record) -> dict:
    return {
        "connection_id": connection.id,
        "object": record.object,
        "external_id": record.external_id,
        "name": record.name,
        "url": record.url,
        "created_by_id": record.created_by_id,
        "changed_by_id": record.changed_by_id,
        "changed_at": record.changed_at,
        "score": record.score,
        "failed": _json_text(record.failed),
    }


def _ids_of(connection: CrmConnection, pairs: set[tuple[str, str]]) -> dict:
    table = CrmRecord.__table__
    columns = [table.c.object, table.c.external_id, table.c.id]
    return {(o, e): record_id for o, e, record_id in _rows_by_record(connection, pairs, columns)}


def _json_text(failed: list[str]) -> str:
    """A record's failed checks as JSON text, straight to the driver (orjson: the standard
    encoder took 2% of the CRM sync's reading, sampled with py-spy)."""
    return orjson.dumps(failed).decode()


def _update_records(records: list[_Record]) -> None:
    """One statement; a CrmRecord the session holds for one of them is expired, so that it
    is read again as written."""
    if not records:
        return
    changing = ("name", "url", "created_by_id", "changed_by_id", "changed_at", "score")
    rows = [
        {"id": r.ref}
        | {name: getattr(r, name) for name in changing}
        | {"failed": _json_text(r.failed)}
        for r in records
    ]
    update_rows(CrmRecord.__table__, rows)
    expire_held(CrmRecord, {r.ref for r in records})


def _actors(
    connection: CrmConnection, accounts: list[CrmAccount | ActingAccount], settings: LrsSettings
) -> dict[str, tuple[dict, str]]:
    """crm_id -> (actor, its key): the person, named as Uptake names them in its own
    statements (their name and identifiers read in one query, not each person whole); the
    CRM user while no person is matched."""
    person_ids = sorted({a.person_id for a in accounts if a.person_id is not None})
    people = {}
    for chunk in _chunks(person_ids):
        query = select(User.id, User.name, User.email, User.employee_id).where(
            among(User.id, chunk)
        )
        people.update({row.id: row for row in db.session.execute(query)})
    actors = {}
    for account in accounts:
        person = people.get(account.person_id)
        if person is None:
            actor = profile.crm_user_agent(connection.base_url, account.crm_id, account.name)
        else:
            actor = uptake_agent(person, settings)  # the row has the fields it reads
        actors[account.crm_id] = actor, agent_key(actor)
    return actors


def match_account(account: CrmAccount, person: User, *, actor: User | None, now: datetime) -> int:
    """An admin says which person a CRM user is. What that user did before, stored under
    the CRM user while nobody was known, is stored again as the person's (new statement ids:
    see `profile.statement_id`), so their points and adoption count from the start. Returns
    how many statements that stored."""
    connection = account.connection
    account.person_id, account.matched_by, account.person = person.id, "admin", person
    # A training CRM's activity is practice, never stored: the match is all there is to do.
    stored_count = 0 if connection.purpose == TRAINING else _store_again(connection, account, now)
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


def _store_again(connection: CrmConnection, account: CrmAccount, now: datetime) -> int:
    """The statements stored under the CRM user while nobody was known, stored again as the
    person's; how many."""
    before = profile.crm_user_agent(connection.base_url, account.crm_id, account.name)
    settings = lrs_settings()
    actor_now, actor_now_key = _actors(connection, [account], settings)[account.crm_id]
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
        statement["id"] = profile.statement_id(connection.base_url, event_id, actor_now_key)
        again.append(statement)
    return sum(
        store_new(connection, again[start : start + 500], now=now, settings=settings)
        for start in range(0, len(again), 500)
    )
