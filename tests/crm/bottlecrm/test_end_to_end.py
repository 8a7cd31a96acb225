"""End to end: two people use a real BottleCRM; one `lms crm sync --once` later, Uptake holds
their statements, points, adoption weeks and data-quality scores; a second sync adds nothing.

Expected figures follow content/gamification/points.yaml, content/adoption.yaml and
content/crm/data_quality.yaml as they are."""

import time

import pytest
from sqlalchemy import func, select

from lms.adoption.models import AdoptionWeek
from lms.clock import utcnow
from lms.crm.connections import create_connection
from lms.crm.models import CrmAccount, CrmRecord
from lms.database import db
from lms.gamification.models import PointsEntry, QualityTally
from lms.xapi.models import Statement

TOKEN_ENV = "UPTAKE_TEST_BOTTLECRM_TOKEN"
AFTER_CREATION = 2.2  # seconds: a save this long after creation is a change of its own


def sync(app):
    result = app.test_cli_runner().invoke(args=["crm", "sync", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def statements_of(person):
    query = select(func.count()).select_from(Statement).where(Statement.user_id == person.id)
    return db.session.scalar(query)


def points_of(person):
    rows = db.session.execute(
        select(PointsEntry.rule_key, func.sum(PointsEntry.points))
        .where(PointsEntry.user_id == person.id)
        .group_by(PointsEntry.rule_key)
    )
    return dict(rows.all())


def adoption_of(person):
    """(inputs, outputs, reports) over every week (the sync may straddle a Monday)."""
    row = db.session.execute(
        select(
            func.sum(AdoptionWeek.inputs),
            func.sum(AdoptionWeek.outputs),
            func.sum(AdoptionWeek.reports),
        ).where(AdoptionWeek.user_id == person.id)
    ).one()
    return tuple(int(n or 0) for n in row)


def quality_of(person):
    """(samples, average score) of the person's data-quality weeks."""
    row = db.session.execute(
        select(func.sum(QualityTally.samples), func.sum(QualityTally.score_sum)).where(
            QualityTally.user_id == person.id, QualityTally.period == "week"
        )
    ).one()
    samples, score_sum = int(row[0] or 0), int(row[1] or 0)
    return samples, round(score_sum / samples / 10_000, 4) if samples else None


@pytest.fixture
def team_at_work(open_crm_org, make_user):
    """Alice and Bob are Uptake people and BottleCRM users of one org; they work."""
    org = open_crm_org()
    alice, bob = org.join("alice"), org.join("bob")
    people = {
        "alice": make_user(name="Alice", email=alice.email),
        "bob": make_user(name="Bob", email=bob.email),
    }
    both = [alice.profile_id, bob.profile_id]
    lead = alice.create(
        "leads",
        first_name="Ann",
        last_name="Lee",
        email="ann@lee.example",
        phone="+441134960000",
        company_name="Lee Ltd",
        status="in process",
        source="email",
        country="GB",
        postcode="LS1 4AP",
        assigned_to=both,
    )
    alice.create(
        "contacts",
        first_name="Dee",
        last_name="Park",
        organization="Park Plc",
        email="dee@park.example",
        phone="+14155550101",
        title="CFO",
        country="US",
    )
    bobs_lead = bob.create(
        "leads", first_name="Cid", last_name="Moe", email="cid@moe.example", status="assigned"
    )
    bob.create("tasks", title="Call Ann", status="New", priority="High", due_date="2027-01-05")
    time.sleep(AFTER_CREATION)
    bob.update("leads", lead, job_title="CTO", phone="")  # Bob leaves the phone blank
    bob.convert_lead(bobs_lead)
    return org, alice, bob, people


def test_one_sync_gives_each_person_their_statements_points_adoption_and_quality(
    app, team_at_work, bottlecrm, monkeypatch
):
    org, alice, bob, people = team_at_work
    monkeypatch.setenv(TOKEN_ENV, org.admin.token)
    create_connection(
        name="BottleCRM",
        kind="bottlecrm",
        base_url=bottlecrm.base_url,
        secret_env=TOKEN_ENV,
        now=utcnow(),
    )
    before = db.session.scalar(select(func.count()).select_from(Statement))

    first = sync(app)

    for line in (
        "BottleCRM lead: 4 read, 4 stored",  # Ann created, updated; Cid created, converted
        "BottleCRM contact: 2 read, 2 stored",  # Dee; Cid's contact from the conversion
        "BottleCRM account: 1 read, 1 stored",  # the conversion's
        "BottleCRM opportunity: 1 read, 1 stored",  # the conversion's
        "BottleCRM case: 0 read, 0 stored",
        "BottleCRM task: 1 read, 1 stored",
        "BottleCRM logins: 3 read, 3 stored, 1 by unmatched CRM users",  # the admin's
    ):
        assert line in first
    alice_person, bob_person = people["alice"], people["bob"]
    assert db.session.scalar(select(func.count()).select_from(Statement)) == before + 12
    assert (statements_of(alice_person), statements_of(bob_person)) == (3, 8)
    assert points_of(alice_person) == {"crm-lead-created": 3, "crm-complete-record": 2}
    assert points_of(bob_person) == {
        "crm-lead-created": 3,
        "crm-lead-converted": 5,
        "crm-record-updated": 2,
        "crm-complete-record": 2,  # the task
    }
    # inputs: creates, updates, conversions; a log-in alone is not adoption
    assert adoption_of(alice_person) == (2, 0, 0)
    assert adoption_of(bob_person) == (7, 0, 0)
    # Each record as the sync found it: Ann's lead lost its phone to Bob's update, and
    # "In Process" is not in the lead status picklist: 12 of 14 checks.
    ann_lead = db.session.scalar(select(CrmRecord).where(CrmRecord.name == "Ann Lee"))
    assert (ann_lead.created_by_id, ann_lead.changed_by_id) == (alice_person.id, bob_person.id)
    assert sorted(ann_lead.failed) == ["lead.phone.present", "lead.status.picklist"]
    assert ann_lead.score == pytest.approx(12 / 14)
    assert quality_of(alice_person) == (2, pytest.approx((12 / 14 + 1) / 2, abs=1e-4))
    cid = 7 / 11  # Cid's lead (created, converted): no company, phone, source, country
    bobs = [cid, cid, 12 / 14, 1.0, 2 / 6, 7 / 10, 4 / 6]  # + Ann, task, account, contact, deal
    assert quality_of(bob_person) == (7, pytest.approx(sum(bobs) / 7, abs=1e-4))
    accounts = {a.email: a.person_id for a in db.session.scalars(select(CrmAccount))}
    assert accounts == {
        org.admin.email: None,
        alice.email: alice_person.id,
        bob.email: bob_person.id,
    }


def test_a_second_sync_adds_nothing(app, team_at_work, bottlecrm, monkeypatch):
    org, _alice, _bob, _people = team_at_work
    monkeypatch.setenv(TOKEN_ENV, org.admin.token)
    create_connection(
        name="BottleCRM",
        kind="bottlecrm",
        base_url=bottlecrm.base_url,
        secret_env=TOKEN_ENV,
        now=utcnow(),
    )
    sync(app)
    statements = db.session.scalar(select(func.count()).select_from(Statement))
    points = db.session.scalar(select(func.sum(PointsEntry.points)))
    weeks = db.session.scalar(select(func.sum(AdoptionWeek.inputs)))

    second = sync(app)

    for stream in ("lead", "contact", "account", "opportunity", "case", "task", "logins"):
        assert f"BottleCRM {stream}: 0 read, 0 stored" in second
    assert db.session.scalar(select(func.count()).select_from(Statement)) == statements
    assert db.session.scalar(select(func.sum(PointsEntry.points))) == points
    assert db.session.scalar(select(func.sum(AdoptionWeek.inputs))) == weeks
