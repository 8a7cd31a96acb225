"""CRM sync throughput: CRM events through `lms.crm.sync.sync_connection`, the path every
connector takes, into the statement store, with points, badges, adoption weeks and
data-quality samples following in the same transactions.

1. A fresh database built by the migrations: a SQLite file in a temp dir, or with
   --database-url postgresql://USER@HOST:PORT/DB a new database made on that server (and
   dropped afterwards). Content synced; the CRM users' people bulk-inserted (not timed).
2. An in-memory CRM (a connector, like tests/crm/scripted.py) makes its events lazily, one
   working day at a time: ~2,000 CRM users (most matched to people by e-mail, some by HR id,
   a few to nobody) log in, create, update and convert leads, contacts, accounts,
   opportunities, cases and tasks, and view reports. Records are realistic; some are
   incomplete or badly formatted (each user has their own carelessness), now and then one
   duplicates another, and now and then a page re-reads the end of the one before (an
   overlapping window). One sync pass per working day, pages of --page-size events.
3. Prints events/s overall and per 100,000 events, the counts of what followed, and checks
   that every event was stored exactly once and every record's last changer is the CRM's;
   then how the time divides between the statement store (store_batch), what follows it
   (points, badges, adoption weeks, quality samples: lms.reactions) and the CRM side
   (matching, data quality, records, building statements, cursors, commits).
4. Re-syncs the last --resync events (a backfill `since` their first moment): must store
   nothing; prints its speed.

Only the sync passes are timed: the CRM makes each day's events before the pass starts.
On PostgreSQL, ANALYZE runs after 5,000 events and each time they have doubled (autovacuum's
part: the development machine's server runs without it).

On PostgreSQL the sync runs in two processes, as `lms crm sync` does there: one store
process for every pass, as for the worker's life (the store's phases are then not timed:
they run in the second process); --processes 1 for one.

    .venv/bin/python bench/crm_sync.py [--events 1000000] [--database-url URL]
        [--page-size 500] [--resync 100000] [--keep-database] [--processes 1|2]
        [--profile FILE [--profile-after N]]
"""

import argparse
import cProfile
import hashlib
import pstats
import random
import sys
import tempfile
import time
from bisect import bisect_left
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import Text, cast, func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402  (beside this script)
    add_database_arguments,
    analyze,
    database_label,
    fresh_database,
    machine,
)

from lms import MIGRATIONS_DIR, create_app  # noqa: E402
from lms import events as lms_events  # noqa: E402
from lms.adoption.models import AdoptionWeek  # noqa: E402
from lms.auth.models import Division, JobRole, User  # noqa: E402
from lms.clock import utcnow  # noqa: E402
from lms.courses.content.sync import sync_content  # noqa: E402
from lms.crm import ingest as crm_ingest  # noqa: E402
from lms.crm.connections import create_connection  # noqa: E402
from lms.crm.connectors.base import (  # noqa: E402
    ACCOUNT,
    CASE,
    CONTACT,
    CONVERTED,
    CREATED,
    LEAD,
    LOGGED_IN,
    OPPORTUNITY,
    REPORT,
    TASK,
    UPDATED,
    VIEWED,
    CrmEvent,
    CrmUser,
    Page,
)
from lms.crm.models import CrmAccount, CrmDuplicateKey, CrmRecord  # noqa: E402
from lms.crm.pipeline import default_processes, worker_store  # noqa: E402
from lms.crm.sync import sync_connection  # noqa: E402
from lms.database import db  # noqa: E402
from lms.gamification.models import BadgeAward, PointsEntry, QualitySample  # noqa: E402
from lms.xapi.models import Statement  # noqa: E402

CRM_URL = "https://northwind.my.bench-crm.example"
FIRST_DAY = datetime(2026, 1, 5)  # a Monday
DAY_OPENS, DAY_HOURS = 7, 12  # events fall between 07:00 and 19:00 UTC
CRM_USERS = 2_000
UNMATCHED_SHARE, HR_ID_SHARE = 0.015, 0.03  # CRM users nobody is / matched by HR id only
ACTIONS_PER_DAY = (3, 8, 12, 20)  # a CRM user's daily actions besides logging in: light … heavy
ABSENT_SHARE = 0.1  # of working days a CRM user does not open the CRM
OVERLAP_EVERY, OVERLAP = 20, 5  # every 20th page re-reads the 5 events before its cursor
NATIVE = {
    LEAD: "Lead",
    CONTACT: "Contact",
    ACCOUNT: "Account",
    OPPORTUNITY: "Opportunity",
    CASE: "Case",
    TASK: "Task",
}
STREAMS = (*NATIVE, "logins", "reports")
MIX = (  # (action, object, share of a user's actions after logging in)
    (VIEWED, REPORT, 0.10),
    (CREATED, LEAD, 0.07),
    (CREATED, CONTACT, 0.04),
    (CREATED, ACCOUNT, 0.015),
    (CREATED, OPPORTUNITY, 0.025),
    (CREATED, CASE, 0.03),
    (CREATED, TASK, 0.06),
    (UPDATED, LEAD, 0.12),
    (UPDATED, CONTACT, 0.12),
    (UPDATED, ACCOUNT, 0.07),
    (UPDATED, OPPORTUNITY, 0.12),
    (UPDATED, CASE, 0.05),
    (UPDATED, TASK, 0.08),
    (CONVERTED, LEAD, 0.02),
)
REPORTS = tuple(
    f"{area} {view}"
    for area in ("Pipeline", "Forecast", "Leads", "Cases", "Activities", "Accounts")
    for view in ("by stage", "by owner", "this quarter", "last 30 days", "by region")
)
# fmt: off
FIRST = ("Ann", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gita", "Hugo", "Ida", "Jon", "Kim", "Lars",
    "Mia", "Nils", "Olga", "Pia", "Raj", "Sara", "Tom", "Ula", "Vera", "Wim", "Xena", "Yusuf",
    "Zoe", "Ali", "Bea", "Carl", "Dina", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jade")
LAST = ("Lee", "Moss", "Park", "Reyes", "Novak", "Berg", "Costa", "Diaz", "Eklund", "Fox", "Gray",
    "Hill", "Ito", "Jansen", "Klein", "Lopez", "Murphy", "Nagy", "Olsen", "Perez", "Quinn",
    "Rossi", "Schmidt", "Tanaka", "Urban", "Vogel", "Weber")
WORDS = ("Harbour", "Granite", "Summit", "Blue", "Northern", "Apex", "Cedar", "Silver", "Delta",
    "Orchard", "Iron", "Meadow", "Pioneer", "Coastal", "Atlas", "Beacon", "Crown", "Falcon",
    "Maple", "Riverside", "Sterling", "Union")
PLACES = ("Avon", "Bristol", "Cork", "Dover", "Elbe", "Fife", "Galway", "Humber", "Isar", "Jura",
    "Kent", "Leeds", "Mersey", "Nord", "Oder", "Perth", "Rhine", "Solent", "Tyne", "Ulster",
    "Valley", "Wessex", "York", "Zeeland", "Aachen", "Bergen", "Calais", "Douro", "Essex",
    "Flanders", "Genoa", "Hague", "Iberia", "Lyon", "Malmo", "Nantes", "Oslo", "Porto", "Riga",
    "Seine")
TRADES = ("Cement", "Logistics", "Foods", "Analytics", "Textiles", "Energy", "Marine", "Pharma",
    "Robotics", "Print")
# fmt: on
KINDS = ("Group", "Holdings", "Partners", "Works", "Trading")
MARKET = len(WORDS) * len(PLACES) * len(TRADES) * len(KINDS)  # the companies sold to
NOT_RENAMED = ("email", "first_name", "last_name", "company", "name")
LEGAL = ("Ltd", "GmbH", "Inc.", "S.A.", "", "", "plc", "B.V.", "LLC")
INDUSTRIES = ("Construction", "Energy", "Finance", "Manufacturing", "Retail", "Technology")
LEAD_STATUSES = ("Open", "Contacted", "Working", "Nurturing", "Qualified")
SOURCES = ("Web", "Trade show", "Referral", "Partner", "Phone inquiry", "Email")
STAGES = ("Prospecting", "Qualification", "Needs analysis", "Proposal", "Negotiation")
COUNTRIES = {  # code: (a name people write, valid phones, valid postcodes, invalid postcodes)
    "GB": ("United Kingdom", "+44 20 7946 {:04d}", ("SW1A 1AA", "EC1A 1BB", "M1 1AE"), ("SW1")),
    "DE": ("Germany", "+49 30 9018 {:04d}", ("10115", "80331", "50667"), ("1011", "D-80331")),
    "US": ("USA", "+1 (415) 555-{:04d}", ("94105", "10001-1234", "60601"), ("9410", "ABCDE")),
    "FR": ("France", "+33 1 4268 {:04d}", ("75008", "69002", "13001"), ("750", "99999")),
    "NL": ("Netherlands", "+31 20 555 {:04d}", ("1012 JS", "3011 AD"), ("1012", "0123 AB")),
    "IE": ("Ireland", "+353 1 555 {:04d}", ("D02 X285", "T12 R2NN"), ("D2", "Dublin 2")),
}
BAD_PHONES = ("020 7946 {:04d}", "+44 (0)20 7946 {:04d}", "ext. {:04d}", "n/a", "")
BAD_EMAILS = ("{}@{}", "{} @{}.com", "{}@@{}.com", "{}")


@dataclass
class Person:
    """A CRM user and what they do: how much, and how carelessly (the share of fields they
    leave empty or get wrong)."""

    user: CrmUser
    email: str | None  # the person's e-mail in Uptake; None for nobody Uptake knows
    employee_id: str
    actions: int
    careless: float
    own: dict[str, list["Record"]] = field(default_factory=dict)


@dataclass
class Record:
    object: str
    id: str
    fields: dict
    last_changer: str = ""  # crm_id of who changed it last, for the final check


class Crm:
    """Makes a company's CRM use lazily, a working day at a time, with the records it holds."""

    def __init__(self, total: int, seed: int = 13):
        self.rng = random.Random(seed)
        self.total, self.made, self.day = total, 0, FIRST_DAY
        self.now = FIRST_DAY  # when the CRM's last working day was over
        self.people = [self._person(n) for n in range(CRM_USERS)]
        self.records: dict[str, list[Record]] = {crm_object: [] for crm_object in NATIVE}
        self.duplicates_made = self.accounts = 0
        self.counter = 0

    def _person(self, n: int) -> Person:
        rng, first, last = self.rng, FIRST[n % len(FIRST)], LAST[n // len(FIRST) % len(LAST)]
        email = f"{first}.{last}.{n}@northwind.example".lower()
        crm_email, share = email, rng.random()
        if share < UNMATCHED_SHARE:  # a contractor or an integration user
            email, crm_email = None, f"ext{n}@partner.example"
        elif share < UNMATCHED_SHARE + HR_ID_SHARE:  # the CRM has a private address
            crm_email = f"{first}{n}@mail.example".lower()
        elif share < 0.3:
            crm_email = crm_email.title()  # e-mails match without regard to case
        user = CrmUser(f"005U{n:08d}", f"{first} {last}", email=crm_email, hr_id=f"E{n:05d}")
        return Person(user, email, f"E{n:05d}", rng.choice(ACTIONS_PER_DAY), rng.uniform(0.01, 0.3))

    def next_day(self) -> list[CrmEvent]:
        """The next working day's events, in the order they happened; [] once `total` made."""
        if self.made >= self.total:
            return []
        start = self.day + timedelta(hours=DAY_OPENS)
        plans = []
        for person in self.people:
            if self.rng.random() >= ABSENT_SHARE:
                count = max(1, round(person.actions * self.rng.uniform(0.5, 1.5)))
                plans.append((person, count))
        span = DAY_HOURS * 3_600_000
        moments = sorted(self.rng.sample(range(span), sum(c + 1 for _, c in plans)))
        self.rng.shuffle(moments)
        events, used = [], 0
        for person, count in plans:  # a login first, then the day's actions in order
            mine = sorted(moments[used : used + count + 1])
            used += count + 1
            events.append((mine[0], person, LOGGED_IN, None))
            for moment in mine[1:]:
                action, crm_object = self._choose()
                events.append((moment, person, action, crm_object))
        events.sort(key=lambda item: item[0])
        made = []
        for moment, person, action, crm_object in events:
            at = start + timedelta(milliseconds=moment)
            made.extend(self._events(person, action, crm_object, at))
            if self.made + len(made) >= self.total:
                break
        made = made[: self.total - self.made]
        self.made += len(made)
        self.now = start + timedelta(hours=DAY_HOURS, minutes=5)
        self.day += timedelta(days=3 if self.day.weekday() == 4 else 1)
        return made

    def _choose(self) -> tuple[str, str]:
        roll = self.rng.random()
        for action, crm_object, share in MIX:
            roll -= share
            if roll < 0:
                return action, crm_object
        return UPDATED, TASK

    def _event_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}/{self.counter:09d}"

    def _events(self, person: Person, action: str, crm_object, at: datetime) -> list[CrmEvent]:
        user_id = person.user.crm_id
        if action == LOGGED_IN:
            return [CrmEvent(self._event_id("LoginHistory"), LOGGED_IN, at, user_id)]
        if action == VIEWED:
            name = self.rng.choice(REPORTS)
            report_id = "00O" + hashlib.md5(name.encode()).hexdigest()[:12]
            url = f"{CRM_URL}/lightning/r/Report/{report_id}/view"
            event_id = self._event_id("ReportEvent")
            return [CrmEvent(event_id, VIEWED, at, user_id, REPORT, report_id, name, "Report", url)]
        if action == CREATED:
            return [self._record_event(person, CREATED, self._new(person, crm_object), at)]
        record = self._pick(person, crm_object)
        if action == CONVERTED and record.fields.get("status") == "Converted":
            action = UPDATED  # a lead converts once; afterwards it is only kept up to date
        if action == CONVERTED:
            record.fields["status"] = "Converted"
            contact = self._new(person, CONTACT, like=record)
            events = [self._record_event(person, CONVERTED, record, at)]
            later = at + timedelta(milliseconds=1)
            return [*events, self._record_event(person, CREATED, contact, later)]
        self._change(person, record)
        return [self._record_event(person, UPDATED, record, at)]

    def _record_event(self, person: Person, action: str, record: Record, at) -> CrmEvent:
        record.last_changer = person.user.crm_id
        native = NATIVE[record.object]
        fields = record.fields
        name = fields.get("name") or f"{fields.get('first_name', '')} {fields.get('last_name', '')}"
        return CrmEvent(
            self._event_id(native),
            action,
            at,
            person.user.crm_id,
            record.object,
            record.id,
            name.strip() or fields.get("subject"),
            native,
            f"{CRM_URL}/lightning/r/{native}/{record.id}/view",
            dict(fields),  # the record as this event left it
        )

    def _pick(self, person: Person, crm_object: str) -> Record:
        """Mostly one of the user's own records; sometimes a colleague's; when the user has
        none yet, an older record the CRM held before Uptake read it."""
        own = person.own.get(crm_object)
        if own and self.rng.random() < 0.85:
            return self.rng.choice(own[-200:])
        everyone = self.records[crm_object]
        if everyone and self.rng.random() < 0.5:
            return self.rng.choice(everyone)
        return self._new(person, crm_object)

    def _new(self, person: Person, crm_object: str, like: Record | None = None) -> Record:
        n = sum(len(records) for records in self.records.values())
        prefix = {LEAD: "00Q", CONTACT: "003", ACCOUNT: "001", OPPORTUNITY: "006"}
        record_id = prefix.get(crm_object, "500" if crm_object == CASE else "00T") + f"{n:012d}"
        fields = self._fields(person, crm_object, n)
        if like is not None:  # a converted lead's contact: the same person and company
            fields |= {k: like.fields.get(k) for k in ("first_name", "last_name", "company")}
            fields["email"] = like.fields.get("email")
        elif crm_object in (LEAD, CONTACT, ACCOUNT) and self.rng.random() < 0.03:
            fields |= self._duplicate_of(crm_object)
        record = Record(crm_object, record_id, fields)
        self.records[crm_object].append(record)
        person.own.setdefault(crm_object, []).append(record)
        return record

    def _duplicate_of(self, crm_object: str) -> dict:
        """Someone enters again what the CRM already holds (the same e-mail in another case;
        the same company and name; the same account)."""
        earlier = self.records[crm_object]
        if not earlier:
            return {}
        original = self.rng.choice(earlier).fields
        self.duplicates_made += 1
        if crm_object == ACCOUNT:
            return {"name": original.get("name"), "website": original.get("website")}
        if self.rng.random() < 0.5 and original.get("email"):
            return {"email": str(original["email"]).upper()}
        return {k: original.get(k) for k in ("first_name", "last_name", "company")}

    def _fields(self, person: Person, crm_object: str, n: int) -> dict:
        rng = self.rng
        if crm_object == ACCOUNT:  # each account a company of its own (7919: a permutation)
            self.accounts += 1
            company, domain = _company(self.accounts * 7919 % MARKET, rng.choice(LEGAL))
        else:
            company, domain = _company(rng.randrange(MARKET), rng.choice(LEGAL))
        country = rng.choice(tuple(COUNTRIES))
        if crm_object in (LEAD, CONTACT):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            fields = {
                "first_name": first,
                "last_name": last,
                "company": company,
                "email": f"{first}.{last}{n}@{domain}".lower(),
                "phone": self._phone(country),
                "title": rng.choice(("Buyer", "Head of Purchasing", "CFO", "Engineer")),
                "country": country if rng.random() < 0.7 else COUNTRIES[country][0],
                "postcode": rng.choice(COUNTRIES[country][2]),
                "city": "Springfield",
            }
            if crm_object == LEAD:
                fields |= {"status": rng.choice(LEAD_STATUSES), "source": rng.choice(SOURCES)}
        elif crm_object == ACCOUNT:
            fields = {
                "name": company,
                "industry": rng.choice(INDUSTRIES),
                "phone": self._phone(country),
                "website": f"https://www.{domain}",
                "country": country,
                "postcode": rng.choice(COUNTRIES[country][2]),
            }
        elif crm_object == OPPORTUNITY:
            fields = {
                "name": f"{company} — {rng.choice(('renewal', 'expansion', 'new site'))}",
                "stage": rng.choice(STAGES),
                "amount": rng.randrange(1_000, 250_000, 500),
                "close_date": self._date_in(rng.randrange(10, 120)),
                "probability": rng.choice((10, 20, 40, 60, 80)),
            }
        elif crm_object == CASE:
            fields = {
                "subject": f"Delivery problem #{n}",
                "priority": rng.choice(("Low", "Medium", "High", "Urgent")),
                "status": rng.choice(("New", "Open", "Working")),
            }
        else:
            fields = {
                "subject": rng.choice(("Call back", "Send quote", "Follow up", "Book demo")),
                "due_date": self._date_in(rng.randrange(1, 14)),
                "priority": rng.choice(("Low", "Normal", "High")),
            }
        for name in list(fields):  # what this user leaves empty or gets wrong
            if rng.random() < person.careless / 2:
                fields[name] = self._spoilt(name, fields[name], country)
        return fields

    def _date_in(self, days: int) -> str:
        return (self.day + timedelta(days=days)).date().isoformat()

    def _phone(self, country: str) -> str:
        return COUNTRIES[country][1].format(self.rng.randrange(10_000))

    def _spoilt(self, name: str, value, country: str):
        rng = self.rng
        if name == "phone":
            return rng.choice(BAD_PHONES).format(rng.randrange(10_000))
        if name == "email" and value:
            local, _, domain = str(value).partition("@")
            return rng.choice(BAD_EMAILS).format(local, domain.split(".")[0])
        if name == "postcode":
            return rng.choice(COUNTRIES[country][3])
        if name in ("status", "stage", "source", "industry", "priority"):
            return rng.choice(("Hot", "TBD", "", "see notes"))
        return rng.choice(("", "n/a", "-", None))

    def _change(self, person: Person, record: Record) -> None:
        """An update: one or two fields change; careful users mostly put things right."""
        fresh = self._fields(person, record.object, len(self.records[record.object]))
        for name in self.rng.sample(sorted(fresh), min(2, len(fresh))):
            if name in NOT_RENAMED and record.fields.get(name):
                continue  # people rarely rename; they fill in what is missing
            record.fields[name] = fresh[name]


def _company(k: int, legal: str) -> tuple[str, str]:
    """The k-th company of the market: its name (with a legal form) and its web domain."""
    parts = []
    for names in (WORDS, PLACES, TRADES, KINDS):
        k, index = divmod(k, len(names))
        parts.append(names[index])
    return f"{' '.join(parts)} {legal}".strip(), "".join(parts).lower() + ".example"


class BenchConnector:
    """The connector over `Crm`: one stream per record object, log-ins and report views;
    the cursor is the position in the stream. Read events are forgotten, except the last
    `keep` events made (over all streams), which a backfill reads again."""

    kind = "bench"
    title = "Bench CRM"

    def __init__(self, crm: Crm, *, page_size: int, keep: int):
        self.crm, self.page_size = crm, page_size
        self.events: dict[str, list[CrmEvent]] = {stream: [] for stream in STREAMS}
        self.first: dict[str, int] = dict.fromkeys(STREAMS, 0)  # position of events[0]
        self.keep_from = crm.total - keep  # the first event (over all streams) kept
        self.kept_at: dict[str, int] = {}  # per stream, the position of its first kept event
        self.resync_since: datetime | None = None  # the moment of the first kept event
        self.made = self.pages = self.handed = 0  # events made; pages and events pulled
        self.on_pull = lambda handed: None

    def open_day(self) -> int:
        """Let the CRM's next working day happen; how many events it made."""
        made = self.crm.next_day()
        for event in made:
            stream = _stream_of(event)
            if self.made == self.keep_from:
                self.resync_since = event.at
                self.kept_at = {s: self.first[s] + len(self.events[s]) for s in STREAMS}
            self.events[stream].append(event)
            self.made += 1
        return len(made)

    def streams(self) -> tuple[str, ...]:
        return STREAMS

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        self.on_pull(self.handed)
        events, first = self.events[stream], self.first[stream]
        if cursor is not None:
            start = int(cursor)
        elif since is not None:
            start = first + bisect_left(events, since, key=lambda e: e.at)
        else:
            start = first
        self.pages += 1
        if self.pages % OVERLAP_EVERY == 0 and self.page_size > 2 * OVERLAP:
            start = max(first, start - OVERLAP)  # an overlapping window re-reads a few
        page = events[start - first : start - first + self.page_size]
        end = start + len(page)
        more = end < first + len(events)
        self._forget(stream, end)
        self.handed += len(page)
        return Page(page, cursor=str(end), more=more)

    def _forget(self, stream: str, read_to: int) -> None:
        """Drop, a few thousand at a time, what was read (but the few an overlapping window
        may read again) and is not kept for the backfill."""
        keep_from = self.kept_at.get(stream, read_to)
        cut = min(read_to - OVERLAP, keep_from) - self.first[stream]
        if cut >= 5_000:
            del self.events[stream][:cut]
            self.first[stream] += cut

    def users(self) -> list[CrmUser]:
        return [person.user for person in self.crm.people]

    def check(self) -> str:
        return f"{len(self.crm.people)} users"


def _stream_of(event: CrmEvent) -> str:
    if event.action == LOGGED_IN:
        return "logins"
    return "reports" if event.object == REPORT else event.object


def add_people(crm: Crm) -> None:
    """The CRM users' people (those Uptake knows) in a few bulk inserts, not timed."""
    roles = dict(db.session.execute(select(JobRole.slug, JobRole.id)).all())
    db.session.execute(insert(Division), [{"name": f"Region {n}"} for n in range(6)])
    divisions = list(db.session.scalars(select(Division.id)))
    now = utcnow()
    rows = [
        {
            "email": person.email,
            "email_sha1": hashlib.sha1(f"mailto:{person.email}".encode()).hexdigest(),
            "name": person.user.name,
            "employee_id": person.employee_id,
            "job_role_id": roles["sales_rep" if n % 5 else "customer_service_rep"],
            "division_id": divisions[n % len(divisions)],
            "hire_date": date(2024, 3, 4) + timedelta(days=n % 500),
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for n, person in enumerate(crm.people)
        if person.email is not None
    ]
    for start in range(0, len(rows), 1_000):
        db.session.execute(insert(User.__table__), rows[start : start + 1_000])
    db.session.commit()


class Stopwatch:
    """Time spent inside the sync passes only."""

    def __init__(self):
        self.total, self.started = 0.0, None

    @contextmanager
    def running(self):
        self.started = time.perf_counter()
        try:
            yield
        finally:
            self.total += time.perf_counter() - self.started
            self.started = None

    def elapsed(self) -> float:
        running = time.perf_counter() - self.started if self.started is not None else 0.0
        return self.total + running


class Phases:
    """Time spent in named functions of the sync path (the outermost call only, as what
    follows a statement may publish again), by replacing them with timed wrappers."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.depth = 0

    def time(self, label: str, module, name: str) -> None:
        original = getattr(module, name)
        self.seconds[label] = 0.0

        def timed(*args, **kwargs):
            if self.depth:
                return original(*args, **kwargs)
            self.depth, began = 1, time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - began
                self.depth = 0

        setattr(module, name, timed)


def timed_phases() -> Phases:
    """The statement store and what follows it (points, badges, adoption weeks), apart
    from the CRM side of the path (matching, data quality, records, statements built)."""
    phases = Phases()
    phases.time("statement store (write_batch)", crm_ingest, "write_batch")
    phases.time("points, badges, adoption (reactions)", lms_events, "_react")
    return phases


def sync_all(
    connection,
    connector: BenchConnector,
    watch: Stopwatch,
    profiler,
    profile_after: int = 0,
    store=None,
) -> list:
    """One pass per working day until the CRM has made every event; the time at every
    100,000 events handed to the sync (its pages before them were stored)."""
    marks, step = [], 100_000
    analyzed = []

    def on_pull(handed: int) -> None:
        if handed >= step * (len(marks) + 1):
            marks.append(watch.elapsed())
        if handed >= ANALYZE_AFTER * 2 ** len(analyzed):  # 5,000, 10,000, 20,000 …
            analyzed.append(analyze(db.engine))

    connector.on_pull = on_pull
    max_days = connector.crm.total // 1_000 + 10  # a working day makes ~20,000 events
    for _ in range(max_days):
        if not connector.open_day():
            break
        profiling = profiler is not None and connector.made > profile_after
        with watch.running():
            if profiling:
                profiler.enable()
            sync_connection(connection, now=connector.crm.now, connector=connector, store=store)
            if profiling:
                profiler.disable()
    return marks


ANALYZE_AFTER = 5_000  # events; then again each time they have doubled


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def crm_statements(connection) -> int:
    """Statements stored as the CRM's (badges earned add Uptake's own)."""
    query = select(func.count()).where(Statement.client_id == connection.client_id)
    return db.session.scalar(query)


def failing_duplicates() -> int:
    failed = cast(CrmRecord.failed, Text)
    return db.session.scalar(select(func.count()).where(failed.like("%duplicate%")))


def last_changers_right(crm: Crm, connection) -> tuple[int, int]:
    """Records whose last changer in Uptake is the person of who changed them last in the
    CRM (nobody for an unmatched user), of the records any event named."""
    person_of = {
        a.crm_id: a.person_id
        for a in db.session.scalars(
            select(CrmAccount).where(CrmAccount.connection_id == connection.id)
        )
    }
    stored = dict(
        db.session.execute(
            select(CrmRecord.external_id, CrmRecord.changed_by_id).where(
                CrmRecord.connection_id == connection.id
            )
        ).all()
    )
    touched = [r for records in crm.records.values() for r in records if r.last_changer]
    right = sum(1 for r in touched if stored.get(r.id, -1) == person_of.get(r.last_changer))
    return right, len(touched)


def report(args, connector: BenchConnector, connection, seconds: float, marks: list) -> None:
    crm, made = connector.crm, connector.crm.made
    print(f"sync: {made:,} events ({connector.handed:,} read with overlaps) in {seconds:.1f} s")
    print(f"      {made / seconds:,.0f} events/s overall")
    previous = 0.0
    for n, mark in enumerate(marks, start=1):
        print(f"      events {(n - 1) * 100:>4}k-{n * 100}k: {100_000 / (mark - previous):,.0f}/s")
        previous = mark
    statements = crm_statements(connection)
    print(
        f"stored: {statements:,} statements, {count(PointsEntry):,} ledger rows, "
        f"{count(BadgeAward):,} badges, {count(AdoptionWeek):,} adoption weeks, "
        f"{count(QualitySample):,} quality samples"
    )
    unmatched = db.session.scalar(
        select(func.count()).select_from(CrmAccount).where(CrmAccount.person_id.is_(None))
    )
    print(
        f"        {count(CrmRecord):,} crm_records, {count(CrmDuplicateKey):,} duplicate keys, "
        f"{failing_duplicates():,}"
        f" records failing a duplicate check ({crm.duplicates_made:,} duplicates entered), "
        f"{unmatched} unmatched CRM users"
    )
    right, touched = last_changers_right(crm, connection)
    print(
        f"check:  every event stored once: {statements == made}; last changer right on "
        f"{right:,} of {touched:,} records"
    )
    if statements != made or right != touched:
        sys.exit("the sync lost, doubled or misattributed something")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--resync", type=int, default=100_000, help="events read again")
    add_database_arguments(parser)
    parser.add_argument(
        "--processes",
        type=int,
        choices=(1, 2),
        help="2: a second process stores while the sync reads (default on PostgreSQL)",
    )
    parser.add_argument("--profile", help="write cProfile statistics of the sync to this file")
    parser.add_argument(
        "--profile-after", type=int, default=0, help="profile only the days after N events"
    )
    args = parser.parse_args()
    if args.events < 1 or args.page_size < 1 or not 0 <= args.resync <= args.events:
        parser.error("--events and --page-size must be positive, --resync at most --events")
    crm = Crm(args.events)
    connector = BenchConnector(crm, page_size=args.page_size, keep=args.resync)
    with (
        tempfile.TemporaryDirectory(prefix="uptake-bench-") as folder,
        fresh_database(args.database_url, Path(folder), keep=args.keep_database) as url,
    ):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "BASE_URL": "http://lms.bench",
                "CONTENT_DIR": ROOT / "content",
            }
        )
        with app.app_context():
            try:
                run(args, connector)
            finally:
                db.session.remove()
                db.engine.dispose()


def run(args, connector: BenchConnector) -> None:
    upgrade(directory=MIGRATIONS_DIR)
    sync_content(ROOT / "content", now=utcnow())
    add_people(connector.crm)
    connection = create_connection(
        name="Bench CRM", kind="generic", base_url=CRM_URL, now=FIRST_DAY
    )
    db.session.commit()
    processes = args.processes or default_processes()
    print(
        f"{machine()}; {database_label(db.engine)}; {len(connector.crm.people):,} CRM users; "
        f"{processes} process{'es' if processes > 1 else ''}"
    )
    profiler = cProfile.Profile() if args.profile else None
    watch, phases = Stopwatch(), timed_phases()
    with worker_store(processes) as store:
        marks = sync_all(connection, connector, watch, profiler, args.profile_after, store)
        if profiler:
            profiler.dump_stats(args.profile)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        report(args, connector, connection, watch.total, marks)
        if processes == 1:
            crm_side = watch.total - sum(phases.seconds.values())
            for label, seconds in (*phases.seconds.items(), ("the CRM side (lms.crm)", crm_side)):
                print(f"time:   {label:<38} {seconds:7.1f} s  {seconds / watch.total:4.0%}")
        else:
            print("time:   the store's phases ran in the second process (--processes 1 shows them)")
        if args.resync:
            resync(connection, connector, store)


def resync(connection, connector: BenchConnector, store) -> None:
    """The last --resync events read again (a backfill): nothing may be stored."""
    statements, since = crm_statements(connection), connector.resync_since
    began = time.perf_counter()
    outcomes = sync_connection(
        connection, now=connector.crm.now, connector=connector, since=since, store=store
    )
    seconds = time.perf_counter() - began
    read, stored = sum(o.read for o in outcomes), sum(o.stored for o in outcomes)
    print(
        f"re-sync since {since:%Y-%m-%d %H:%M}: {read:,} events read, {stored} stored, "
        f"in {seconds:.1f} s ({read / seconds:,.0f} events/s)"
    )
    if stored or crm_statements(connection) != statements:
        sys.exit("the re-sync stored something")


if __name__ == "__main__":
    main()
