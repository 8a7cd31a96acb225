"""What every connector shares: a sync reads each stream from its cursor, matches CRM users
to people, stores each event once as a statement of the CRM-usage profile (so points,
adoption weeks and data-quality scores follow), and records what went wrong per stream."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.adoption.models import AdoptionWeek
from lms.crm.connectors.base import ConnectorError, CrmEvent, CrmUser, RateLimited
from lms.crm.ingest import match_account, read_events
from lms.crm.models import CrmAccount, CrmCursor, CrmDuplicateKey, CrmRecord
from lms.crm.sync import sync_connection
from lms.database import db
from lms.gamification.models import PointsEntry, QualityTally
from lms.xapi.models import Statement
from tests.conftest import T0
from tests.crm.scripted import ScriptedConnector

MONDAY = T0  # 2026-10-05 09:00, a Monday
COMPLETE_LEAD = {
    "first_name": "Ann",
    "last_name": "Lee",
    "company": "Harbour Cement",
    "email": "ann.lee@harbour.test",
    "phone": "+44 20 7946 0000",
    "title": "Buyer",
    "status": "Open",
    "source": "Web",
    "country": "GB",
    "postcode": "SW1A 1AA",
}


def at(hours: float):
    return MONDAY + timedelta(hours=hours)


def lead(event_id, action, hours, user, record="L1", **fields):
    return CrmEvent(
        event_id,
        action,
        at(hours),
        user,
        "lead",
        record,
        "Harbour Cement",
        "Lead",
        fields=COMPLETE_LEAD | fields,
    )


@pytest.fixture
def people(make_user):
    ann = make_user(email="ann@acme.test")
    ben = make_user(email="ben@acme.test")
    ben.employee_id = "HR-42"
    db.session.flush()
    return ann, ben


@pytest.fixture
def crm(people):
    return team_crm()


def team_crm(connector=ScriptedConnector) -> ScriptedConnector:
    """Ann and Ben (matched by e-mail and by HR id) work a lead, log in and run a report; a
    deactivated ghost nobody is matched to creates a lead."""
    users = [
        CrmUser("U1", "Ann", email="ANN@acme.test"),
        CrmUser("U2", "Ben", email="b.personal@mail.test", hr_id="HR-42"),
        CrmUser("U3", "Ghost", email="ghost@elsewhere.test", active=False),
    ]
    return connector(
        {
            "lead": [
                lead("L1/c", "created", 1, "U1"),
                lead("L1/u", "updated", 2, "U2", phone=""),
                lead("L1/q", "converted", 3, "U1", status="Qualified"),
                lead("L2/c", "created", 4, "U3", record="L2"),
            ],
            "logins": [CrmEvent("login-1", "logged_in", at(0.5), "U1")],
            "reports": [CrmEvent("run-1", "viewed", at(5), "U2", "report", "pipeline")],
        },
        users,
    )


def statements_of(user_id):
    query = select(func.count()).select_from(Statement).where(Statement.user_id == user_id)
    return db.session.scalar(query)


def points_of(user_id, rule):
    query = select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
        PointsEntry.user_id == user_id, PointsEntry.rule_key == rule
    )
    return db.session.scalar(query)


def test_a_sync_stores_each_event_for_its_person_and_what_follows_follows(connection, crm, people):
    ann, ben = people
    outcomes = sync_connection(connection, now=at(24), connector=crm)
    assert {o.stream: (o.read, o.stored, o.error) for o in outcomes} == {
        "lead": (4, 4, None),
        "logins": (1, 1, None),
        "reports": (1, 1, None),
    }
    assert statements_of(ann.id) == 3 and statements_of(ben.id) == 2
    # matched by e-mail (any case) and by HR id; the deactivated ghost stays unmatched
    accounts = {a.crm_id: a for a in db.session.scalars(select(CrmAccount))}
    assert (accounts["U1"].person_id, accounts["U1"].matched_by) == (ann.id, "email")
    assert (accounts["U2"].person_id, accounts["U2"].matched_by) == (ben.id, "hr_id")
    assert accounts["U3"].person_id is None and accounts["U3"].events_unmatched == 1
    assert not accounts["U3"].active
    # points by content/gamification/points.yaml
    assert points_of(ann.id, "crm-lead-created") == 3
    assert points_of(ann.id, "crm-lead-converted") == 5
    assert points_of(ben.id, "crm-record-updated") == 2
    assert points_of(ben.id, "crm-report-used") == 1
    # adoption: Ann put in two things, Ben one and ran a report
    weeks = {
        w.user_id: (w.inputs, w.outputs, w.reports)
        for w in db.session.scalars(select(AdoptionWeek))
    }
    assert weeks == {ann.id: (2, 0, 0), ben.id: (1, 1, 1)}


def test_records_are_judged_and_their_scores_are_the_persons_data_quality(connection, crm, people):
    ann, ben = people
    sync_connection(connection, now=at(24), connector=crm)
    record = db.session.scalar(select(CrmRecord).where(CrmRecord.external_id == "L1"))
    assert record.changed_by_id == ann.id and record.created_by_id == ann.id
    assert record.score == 1.0 and record.failed == []
    assert points_of(ann.id, "crm-complete-record") > 0
    # Ben's update left the phone blank: his sample is below 1 and names the check
    ben_week = db.session.scalar(
        select(QualityTally).where(QualityTally.user_id == ben.id, QualityTally.period == "week")
    )
    assert ben_week.samples == 1 and ben_week.score_sum < 10_000
    stored = db.session.scalar(
        select(Statement.document).where(
            Statement.user_id == ben.id, Statement.verb_id.like("%update")
        )
    )
    assert "phone" in stored


def test_a_second_sync_and_a_backfill_over_the_same_window_add_nothing(connection, crm, people):
    sync_connection(connection, now=at(24), connector=crm)
    total = db.session.scalar(select(func.count()).select_from(Statement))
    points = db.session.scalar(select(func.sum(PointsEntry.points)))
    again = sync_connection(connection, now=at(25), connector=crm)
    assert sum(o.stored for o in again) == 0 and sum(o.read for o in again) == 0
    backfill = sync_connection(connection, now=at(26), connector=crm, since=MONDAY)
    assert sum(o.read for o in backfill) == 6 and sum(o.stored for o in backfill) == 0
    assert db.session.scalar(select(func.count()).select_from(Statement)) == total
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == points


def test_cursors_resume_where_the_last_page_stopped(connection, crm, people):
    sync_connection(connection, now=at(24), connector=crm)
    cursor = db.session.scalar(select(CrmCursor).where(CrmCursor.stream == "lead"))
    assert cursor.cursor == "4" and cursor.events_read == 4 and cursor.last_event_at == at(4)
    crm.events["lead"].append(lead("L1/u2", "updated", 30, "U1"))
    crm.pulls.clear()
    outcomes = sync_connection(connection, now=at(31), connector=crm)
    assert ("lead", "4", None) in crm.pulls
    assert next(o for o in outcomes if o.stream == "lead").stored == 1


def test_a_failing_stream_is_recorded_and_the_others_go_on(connection, crm, people):
    crm.failures["logins"] = ConnectorError("LoginHistory: the API user lacks View Setup")
    outcomes = sync_connection(connection, now=at(24), connector=crm)
    by_stream = {o.stream: o for o in outcomes}
    assert by_stream["logins"].error == "LoginHistory: the API user lacks View Setup"
    assert by_stream["lead"].stored == 4 and by_stream["reports"].stored == 1
    assert connection.last_error == "logins: LoginHistory: the API user lacks View Setup"
    assert connection.last_success_at is None  # not every stream succeeded


def test_a_rate_limited_stream_waits_as_long_as_the_crm_asked(connection, crm, people):
    crm.failures["reports"] = RateLimited("HTTP 429", retry_after=120)
    sync_connection(connection, now=at(24), connector=crm)
    cursor = db.session.scalar(select(CrmCursor).where(CrmCursor.stream == "reports"))
    assert cursor.retry_at == at(24) + timedelta(seconds=120)
    del crm.failures["reports"]
    crm.pulls.clear()
    early = sync_connection(connection, now=at(24) + timedelta(seconds=60), connector=crm)
    assert next(o for o in early if o.stream == "reports").waiting_until == cursor.retry_at
    assert all(stream != "reports" for stream, _, _ in crm.pulls)
    later = sync_connection(connection, now=at(24) + timedelta(seconds=121), connector=crm)
    assert next(o for o in later if o.stream == "reports").stored == 1
    assert cursor.retry_at is None and cursor.last_error is None


def test_a_matched_ghost_s_earlier_events_count_for_the_person(connection, crm, people, make_user):
    sync_connection(connection, now=at(24), connector=crm)
    ghost = db.session.scalar(select(CrmAccount).where(CrmAccount.crm_id == "U3"))
    cleo = make_user(email="cleo@acme.test")
    assert match_account(ghost, cleo, actor=None, now=at(25)) == 1
    assert statements_of(cleo.id) == 1 and points_of(cleo.id, "crm-lead-created") == 3
    assert match_account(ghost, cleo, actor=None, now=at(26)) == 0  # once only
    # the next sync attributes the ghost's new events to Cleo directly
    crm.events["lead"].append(lead("L2/u", "updated", 40, "U3", record="L2"))
    sync_connection(connection, now=at(41), connector=crm)
    assert statements_of(cleo.id) == 2


def test_each_pass_refreshes_the_crm_users_and_matches_those_a_person_now_fits(
    connection, crm, people, make_user
):
    ann, _ben = people
    sync_connection(connection, now=at(24), connector=crm)
    crm.known_users[0] = CrmUser("U1", "Ann Lee", email="ann.lee@acme.test", hr_id=" HR-7 ")
    crm.known_users[2] = CrmUser("U3", "Ghost", email="Cleo@Acme.test", active=True)
    cleo = make_user(email="cleo@acme.test")
    sync_connection(connection, now=at(48), connector=crm)
    accounts = {
        a.crm_id: a for a in db.session.scalars(select(CrmAccount).order_by(CrmAccount.crm_id))
    }
    u1, u2, u3 = accounts["U1"], accounts["U2"], accounts["U3"]
    assert (u1.name, u1.email, u1.hr_id, u1.person_id) == (
        "Ann Lee",
        "ann.lee@acme.test",
        "HR-7",
        ann.id,  # matched once, kept: a new e-mail in the CRM does not move its history
    )
    assert (u3.active, u3.person_id, u3.matched_by) == (True, cleo.id, "email")
    assert (u2.name, u2.active) == ("Ben", True)  # unchanged, not written


def test_two_records_with_one_e_mail_are_duplicates(connection, people):
    crm = ScriptedConnector(
        {
            "contact": [
                CrmEvent(
                    "C1", "created", at(1), "U1", "contact", "C1", fields={"email": "Jo@X.test"}
                ),
                CrmEvent(
                    "C2", "created", at(2), "U1", "contact", "C2", fields={"email": "jo@x.test"}
                ),
            ]
        },
        [CrmUser("U1", "Ann", email="ann@acme.test")],
    )
    sync_connection(connection, now=at(24), connector=crm)
    first, second = db.session.scalars(select(CrmRecord).order_by(CrmRecord.external_id))
    assert not any("duplicate" in key for key in first.failed)
    assert any("duplicate" in key for key in second.failed)


def test_duplicate_keys_follow_each_change_across_syncs(connection, people):
    def contact(event_id, hours, record="C1", **fields):
        return CrmEvent(event_id, "updated", at(hours), "U1", "contact", record, fields=fields)

    first = contact("C1/1", 1, email="jo@x.test", company="Acme", name="Jo Park")
    # Another record's keys come after C1's, so that C1's written again would get new ids.
    other = contact("C2/1", 1.5, "C2", email="al@x.test", company="Acme", name="Al Fox")
    crm = ScriptedConnector(
        {"contact": [first, other]}, [CrmUser("U1", "Ann", email="ann@acme.test")]
    )
    sync_connection(connection, now=at(2), connector=crm)
    before = keys_of_record()
    assert any(value == "jo@x.test" for _, value in before.values())

    crm.events["contact"].append(
        contact("C1/2", 3, email="jo@x.test", company="Acme", name="Jo Park", title="Buyer")
    )
    sync_connection(connection, now=at(4), connector=crm)
    assert keys_of_record() == before  # nothing the keys are made of changed: not rewritten

    crm.events["contact"].append(contact("C1/3", 5, email="jo.new@x.test", company=""))
    sync_connection(connection, now=at(6), connector=crm)
    after = keys_of_record()
    values = {value for _, value in after.values()}
    assert "jo.new@x.test" in values and "jo@x.test" not in values
    assert set(after) < set(before)  # the emptied company's rule holds no key any more


def keys_of_record(external_id: str = "C1") -> dict[str, tuple[int, str]]:
    """rule -> (row id, value): a key written again has a new row id."""
    query = (
        select(CrmDuplicateKey.rule, CrmDuplicateKey.id, CrmDuplicateKey.value)
        .join(CrmRecord, CrmRecord.id == CrmDuplicateKey.record_id)
        .where(CrmRecord.external_id == external_id)
    )
    return {rule: (row_id, value) for rule, row_id, value in db.session.execute(query)}


def test_small_pages_are_stored_together_up_to_a_batch(connection, crm, people, monkeypatch):
    monkeypatch.setattr("lms.crm.sync.BATCH_EVENTS", 3)
    stored_batches = []
    real_read_events = read_events

    def counting(connection, events, users, *, now):
        stored_batches.append(len(events))
        return real_read_events(connection, events, users, now=now)

    monkeypatch.setattr("lms.crm.sync.read_events", counting)
    outcomes = sync_connection(connection, now=at(24), connector=crm, streams=("lead",))
    # Pages of 2: the first two pages (4 events) reach the batch, then the stream ends.
    assert stored_batches == [4] and outcomes[0].stored == 4
    cursor = db.session.scalar(select(CrmCursor).where(CrmCursor.stream == "lead"))
    assert cursor.cursor == "4" and cursor.events_read == 4


class FailingLater(ScriptedConnector):
    """A CRM whose second page of a stream fails."""

    def pull(self, stream, cursor, *, since=None):
        if stream == "lead" and cursor == "2":
            self.pulls.append((stream, cursor, since))
            raise ConnectorError("HTTP 503 from the CRM")
        return super().pull(stream, cursor, since=since)


def test_what_was_read_before_a_crm_error_is_stored_and_the_cursor_kept(connection, crm, people):
    failing = FailingLater(crm.events, crm.known_users)
    outcomes = sync_connection(connection, now=at(24), connector=failing, streams=("lead",))
    assert outcomes[0].stored == 2 and outcomes[0].error == "HTTP 503 from the CRM"
    cursor = db.session.scalar(select(CrmCursor).where(CrmCursor.stream == "lead"))
    assert cursor.cursor == "2" and cursor.events_read == 2
    assert cursor.last_error == "HTTP 503 from the CRM"
    again = sync_connection(connection, now=at(25), connector=crm, streams=("lead",))
    assert again[0].stored == 2 and cursor.cursor == "4" and cursor.last_error is None
