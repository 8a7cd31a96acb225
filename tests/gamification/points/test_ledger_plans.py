"""The ledger lookups every batch makes are index lookups on both databases, not scans of a
ledger that grows by a row for nearly every statement (a row-value IN list was a scan of the
whole table on SQLite: the CRM sync fell by half over a million events)."""

import re

from sqlalchemy import select

from lms.gamification.models import PointsEntry
from lms.value_lists import among, with_pairs
from tests.query_plans import plan_text


def assert_looked_up_by_person(plan: str) -> None:
    """Each pair is looked up in the ledger, by person at least. (Which of the indexes
    starting with the person serves it on a test's near-empty table is a toss-up for
    PostgreSQL's planner.)"""
    assert "SEARCH points_entries" in plan or re.search(
        r"Index Cond: \(+user_id = given\.first", plan
    )
    assert "SCAN points_entries" not in plan and "Seq Scan on points_entries" not in plan


def test_awards_of_a_batch_are_looked_up_by_person_and_object(app):
    pairs = [(1, "a" * 40), (2, "b" * 40), (3, "c" * 40)]
    query = with_pairs(
        select(PointsEntry.user_id, PointsEntry.object_hash, PointsEntry.kind),
        PointsEntry.user_id,
        PointsEntry.object_hash,
        pairs,
    )
    assert_looked_up_by_person(plan_text(query))


def test_reversed_awards_are_looked_up_by_person_and_key(app):
    query = with_pairs(
        select(PointsEntry.user_id, PointsEntry.award_key),
        PointsEntry.user_id,
        PointsEntry.award_key,
        [(1, "rev:x"), (2, "rev:y")],
    )
    assert_looked_up_by_person(plan_text(query))


def test_day_points_read_a_person_and_rule_by_time(app):
    query = select(PointsEntry.user_id, PointsEntry.points).where(
        among(PointsEntry.user_id, [1, 2]),
        among(PointsEntry.rule_key, ["crm-record-updated"]),
        PointsEntry.earned_at >= "2026-12-01",
    )
    plan = plan_text(query)
    assert "ix_points_entries_user_rule_earned" in plan
