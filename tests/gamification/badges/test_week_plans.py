"""A week's statements of the people in a batch (the busy-week badge) are read from the first
statement stored that week on, through the people's index: not through every statement they
ever made, which grew with their history and slowed every batch."""

from datetime import datetime

from sqlalchemy import func, select

from lms.database import db
from lms.gamification.badges.criteria import _week_window
from lms.gamification.rules import Match
from lms.value_lists import among
from lms.xapi.models import Statement
from tests.query_plans import plan_text

UPDATE = "http://activitystrea.ms/schema/1.0/update"


def test_a_week_is_read_from_its_first_statement_on(app):
    window = _week_window(datetime(2026, 10, 5), Match(verbs=frozenset({UPDATE})))
    query = (
        select(Statement.user_id, func.count())
        .where(among(Statement.user_id, [1, 2]), *window)
        .group_by(Statement.user_id)
    )
    plan = plan_text(query)
    if db.session.get_bind().dialect.name == "sqlite":
        assert "ix_statements_user_id_id (user_id=? AND id>?)" in plan, plan
    else:
        assert "ix_statements_user_id_id" in plan and "id >= " in plan, plan


def test_the_first_statement_of_a_week_is_one_step_into_the_store(app):
    """A batch of thousands shares one stored moment: the least id among them must come
    from the (stored, id) index, not from sorting every statement stored at that moment."""
    window = _week_window(datetime(2026, 10, 5), Match(verbs=frozenset({UPDATE})))
    plan = plan_text(select(Statement.id).where(*window))
    if db.session.get_bind().dialect.name == "sqlite":
        assert "ix_statements_stored_id (stored>?)" in plan, plan
    else:
        assert "ix_statements_stored_id" in plan and "Sort" not in plan, plan
