"""Coaching backed by evidence from the live CRM: the monitoring step shows the learner's
recent use of the skill (records created and updated, their data quality, the last use) and
warns when there is nothing to monitor; a coach is proficient from their own CRM use too."""

from datetime import timedelta

import pytest

from lms.clock import utcnow
from lms.coaching import board, queries
from lms.courses.models import Skill
from lms.crm.connections import create_connection
from lms.crm.connectors.base import CREATED, UPDATED, CrmEvent, CrmUser
from lms.crm.evidence import MONITORED_DAYS, recent_use
from lms.crm.ingest import ingest
from lms.database import db
from tests.coaching.conftest import T0, sign, skill
from tests.crm.test_sync import COMPLETE_LEAD

NOW = T0 + timedelta(days=30)


@pytest.fixture
def live_crm(app):
    return create_connection(
        name="Live CRM", kind="generic", base_url="https://crm.acme.test", now=T0
    )


def changes(connection, person, *, obj="lead", count=1, at, action=CREATED, **fields):
    """`count` records of `obj` the person created (or updated) in the live CRM at `at`."""
    user = CrmUser(f"crm-{person.id}", person.name, person.email)
    events = [
        CrmEvent(
            f"{obj}-{person.id}-{n}-{at.isoformat()}-{action}",
            action,
            at + timedelta(minutes=n),
            user.crm_id,
            obj,
            f"{obj}-{person.id}-{n}",
            f"Record {n}",
            fields=COMPLETE_LEAD | fields,
        )
        for n in range(count)
    ]
    ingest(connection, events, [user], now=at + timedelta(hours=1))
    db.session.flush()


def test_recent_use_counts_the_skill_s_records_in_the_window(team, live_crm):
    changes(live_crm, team.learner, count=3, at=NOW - timedelta(days=2))
    changes(live_crm, team.learner, count=1, at=NOW - timedelta(days=1), action=UPDATED)
    changes(live_crm, team.learner, obj="contact", count=4, at=NOW - timedelta(days=1))
    changes(live_crm, team.learner, count=5, at=NOW - timedelta(days=MONITORED_DAYS + 3))
    use = recent_use(team.learner, ("lead",), now=NOW)
    assert (use.created, use.updated, use.records) == (3, 1, 3)
    assert use.quality is not None and 0 < use.quality <= 1
    assert use.last_used == NOW - timedelta(days=1)


def test_nothing_in_the_window_is_nothing_to_monitor_but_the_last_use_is_known(team, live_crm):
    changes(live_crm, team.learner, count=2, at=NOW - timedelta(days=40))
    use = recent_use(team.learner, ("lead",), now=NOW)
    assert not use.any
    assert use.last_used == NOW - timedelta(days=40, minutes=-1)


def test_the_step_4_form_shows_the_learner_s_use(team, live_crm, client, login):
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2, 3))
    changes(live_crm, team.learner, count=2, at=utcnow() - timedelta(days=3))  # the page's now
    db.session.commit()
    login(team.manager)
    html = client.get(f"/coaching/people/{team.learner.id}/skills/handle-leads/steps/4").get_data(
        as_text=True
    )
    assert "Leo Learner's use of Handle leads in the CRM" in html
    assert "2 created, 0 updated (2 records: lead)" in html


def test_the_step_4_form_warns_when_there_is_nothing_to_monitor(team, live_crm, client, login):
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2, 3))
    db.session.commit()
    login(team.manager)
    html = client.get(f"/coaching/people/{team.learner.id}/skills/handle-leads/steps/4").get_data(
        as_text=True
    )
    assert "Nothing to monitor: Leo Learner created or updated no lead record" in html


def test_a_coach_is_proficient_from_their_own_crm_use(team, live_crm):
    skills = {s.slug: s for s in db.session.query(Skill)}
    assert skills["handle-leads"].proficient_records == 20
    assert skill("handle-leads").id not in queries.proficient_skill_ids(team.peer, now=NOW)
    changes(live_crm, team.peer, count=19, at=NOW - timedelta(days=10))
    assert skill("handle-leads").id not in queries.proficient_skill_ids(team.peer, now=NOW)
    changes(
        live_crm, team.peer, count=1, at=NOW - timedelta(days=5), record_offset=True
    ) if False else None
    changes(live_crm, team.peer, obj="lead", count=20, at=NOW - timedelta(days=9))
    proficient = queries.proficient_skill_ids(team.peer, now=NOW)
    assert skill("handle-leads").id in proficient
    assert skill("log-service-cases").id not in proficient
    assert skill("handle-leads").id not in queries.trained_skill_ids(team.peer)


def test_use_older_than_the_skill_s_window_does_not_count(team, live_crm):
    changes(live_crm, team.peer, count=25, at=NOW - timedelta(days=61))
    assert skill("handle-leads").id not in queries.proficient_skill_ids(team.peer, now=NOW)


def test_the_board_shows_recent_use_at_the_monitoring_step(team, live_crm):
    sign(team.manager, team.learner, "handle-leads", steps=(1, 2, 3))
    sign(team.manager, team.peer, "handle-leads", steps=(1, 2, 3))
    changes(live_crm, team.learner, count=3, at=NOW - timedelta(days=2))
    cells = {
        row.person.id: next(c for c in row.cells if c and c.skill.slug == "handle-leads")
        for row in board.get_board(team.manager, shown=None, now=NOW).rows
    }
    assert cells[team.learner.id].recent_records == 3
    assert cells[team.peer.id].recent_records == 0
    manage = next(
        c
        for row in board.get_board(team.manager, shown=None, now=NOW).rows
        if row.person == team.learner
        for c in row.cells
        if c and c.skill.slug == "manage-opportunities"
    )
    assert manage.recent_records is None  # not at the monitoring step
