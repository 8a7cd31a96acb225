"""Bulk writes and IN conditions: the same rows and answers on SQLite (executemany, IN
lists) as on PostgreSQL (arrays read with unnest, = ANY)."""

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from lms.bulk_writes import add_rows, add_to_rows, expire_held, insert_rows, update_rows
from lms.crm.connections import create_connection
from lms.crm.models import CrmAccount, CrmRecord
from lms.database import db
from lms.gamification.models import PointsTally
from lms.value_lists import among, with_pairs
from lms.xapi.models import Activity

pytestmark = pytest.mark.usefixtures("app")
NOW = datetime(2026, 12, 5, 9, 30, 15, 123456)


def _activities(*ids):
    return [{"activity_id": i, "definition": "{}", "updated_at": NOW} for i in ids]


def test_insert_rows_keeps_order_and_values():
    insert_rows(Activity.__table__, _activities("urn:a:3", "urn:a:1", "urn:a:2"))
    rows = db.session.execute(
        select(Activity.activity_id, Activity.updated_at).order_by(Activity.id)
    )
    assert [tuple(r) for r in rows] == [(i, NOW) for i in ("urn:a:3", "urn:a:1", "urn:a:2")]
    # The stored time compares equal with a time SQLAlchemy binds (SQLite keeps text).
    assert db.session.scalar(select(Activity.id).where(Activity.updated_at == NOW).limit(1))


def test_insert_rows_can_skip_rows_already_there():
    insert_rows(Activity.__table__, _activities("urn:b:1"))
    insert_rows(Activity.__table__, _activities("urn:b:1", "urn:b:2"), ignore_duplicates=True)
    found = db.session.scalars(
        select(Activity.activity_id).where(Activity.activity_id.like("urn:b:%"))
    )
    assert sorted(found) == ["urn:b:1", "urn:b:2"]


def test_insert_and_update_rows_with_json_floats_and_nulls():
    connection = create_connection(
        name="Bulk CRM", kind="generic", base_url="https://crm.bulk.example", now=NOW
    )
    row = {
        "connection_id": connection.id,
        "object": "lead",
        "name": "A lead",
        "url": None,
        "created_by_id": None,
        "changed_by_id": None,
        "changed_at": NOW,
        "failed": json.dumps(["email.format"]),
    }
    # A float column given whole numbers and fractions in the same batch.
    insert_rows(
        CrmRecord.__table__,
        [row | {"external_id": "L1", "score": 1}, row | {"external_id": "L2", "score": 0.5}],
    )
    records = {r.external_id: r for r in db.session.scalars(select(CrmRecord))}
    assert (records["L1"].score, records["L2"].score) == (1.0, 0.5)
    assert records["L1"].failed == ["email.format"] and records["L1"].url is None

    later = datetime(2026, 12, 6, 8, 0)
    update_rows(
        CrmRecord.__table__,
        [
            {"id": records["L1"].id, "score": None, "changed_at": later, "failed": "[]"},
            {"id": records["L2"].id, "score": 1, "changed_at": later, "failed": "[]"},
        ],
    )
    expire_held(CrmRecord, {records["L1"].id, records["L2"].id})
    assert (records["L1"].score, records["L1"].failed, records["L1"].changed_at) == (
        None,
        [],
        later,
    )
    assert records["L2"].score == 1.0 and records["L2"].name == "A lead"


def test_add_to_rows_adds_and_keeps_the_later_time_a_null_being_earlier():
    connection = create_connection(
        name="Adding CRM", kind="generic", base_url="https://crm.adding.example", now=NOW
    )
    accounts = [
        CrmAccount(connection_id=connection.id, crm_id=f"u{n}", name=f"U{n}",
                   first_seen_at=NOW, events_unmatched=n, last_event_at=at)
        for n, at in ((1, None), (2, NOW))
    ]  # fmt: skip
    db.session.add_all(accounts)
    db.session.flush()
    later, earlier = datetime(2026, 12, 6, 8), datetime(2026, 12, 1, 8)
    add_to_rows(
        CrmAccount.__table__,
        [
            {"id": accounts[1].id, "last_event_at": earlier, "events_unmatched": 5},
            {"id": accounts[0].id, "last_event_at": later, "events_unmatched": 0},
        ],
        added=("events_unmatched",),
        latest=("last_event_at",),
    )
    expire_held(CrmAccount, {a.id for a in accounts})
    assert [(a.events_unmatched, a.last_event_at) for a in accounts] == [(1, later), (7, NOW)]
    add_to_rows(CrmAccount.__table__, [], added=("events_unmatched",))  # nothing to do


def test_add_rows_inserts_then_adds_and_keeps_the_later_time(make_user):
    ann, bob = make_user(), make_user()
    week = date(2026, 11, 30)
    first, second = datetime(2026, 12, 1, 9), datetime(2026, 12, 2, 9)

    def tally(user, points, at):
        return {"user_id": user.id, "period": "week", "period_start": week, "points": points,
                "reached_at": at}  # fmt: skip

    returned = add_rows(
        PointsTally.__table__,
        [tally(ann, 5, second)],
        key=("user_id", "period", "period_start"),
        added=("points",),
        latest=("reached_at",),
        returning=("user_id", "points"),
    )
    assert [tuple(r) for r in returned] == [(ann.id, 5)]
    returned = add_rows(
        PointsTally.__table__,
        [tally(ann, 3, first), tally(bob, 2, first)],
        key=("user_id", "period", "period_start"),
        added=("points",),
        latest=("reached_at",),
        returning=("user_id", "points"),
    )
    assert sorted(tuple(r) for r in returned) == sorted([(ann.id, 8), (bob.id, 2)])
    stored = db.session.execute(
        select(PointsTally.user_id, PointsTally.points, PointsTally.reached_at).where(
            PointsTally.period_start == week
        )
    )
    assert sorted(tuple(r) for r in stored) == sorted([(ann.id, 8, second), (bob.id, 2, first)])
    assert add_rows(PointsTally.__table__, [], key=("user_id",), added=("points",)) == []


def test_among_and_with_pairs_answer_as_in_lists():
    insert_rows(Activity.__table__, _activities("urn:c:1", "urn:c:2", "urn:c:3"))
    query = select(Activity.activity_id).where(
        among(Activity.activity_id, {"urn:c:1", "urn:c:3", "urn:c:9"})
    )
    assert sorted(db.session.scalars(query)) == ["urn:c:1", "urn:c:3"]
    assert (
        list(db.session.scalars(select(Activity.id).where(among(Activity.activity_id, [])))) == []
    )

    ids = dict(db.session.execute(select(Activity.activity_id, Activity.id)).all())
    pairs = [(ids["urn:c:2"], "urn:c:2"), (ids["urn:c:1"], "urn:c:3")]  # the second matches no row
    query = with_pairs(select(Activity.activity_id), Activity.id, Activity.activity_id, pairs)
    assert list(db.session.scalars(query)) == ["urn:c:2"]
    query = with_pairs(select(Activity.activity_id), Activity.id, Activity.activity_id, [])
    assert list(db.session.scalars(query)) == []
