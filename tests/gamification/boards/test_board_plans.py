"""The incentives page's reads of the statements and the ledger go through the indexes made
for them, on both databases: each person's first CRM record change, a day's awards (bursts),
HR's manual entries. (tests/test_request_plans.py checks that no request reads a growing
table whole; this says which index serves.)"""

from datetime import date

from lms.gamification.boards import contests
from lms.gamification.incentives import audit, bursts
from tests.query_plans import plan_of_recorded, queries_run


def test_first_record_changes_are_a_lookup_per_person(make_user):
    make_user()
    with queries_run() as queries:
        contests.early_adopter_standings()
    plan = plan_of_recorded(queries, "statements.user_id = users.id")
    assert "ix_statements_record_changes_user_timestamp" in plan


def test_a_days_awards_are_read_by_time(make_user):
    with queries_run() as queries:
        bursts.list_bursts(date(2026, 10, 5))
    assert "ix_points_entries_earned_at" in plan_of_recorded(queries, "HAVING count(*)")


def test_manual_entries_are_read_newest_first_from_their_own_index(app):
    with queries_run() as queries:
        audit.list_manual_entries()
    assert "ix_points_entries_manual_recorded" in plan_of_recorded(queries, "points_entries")
