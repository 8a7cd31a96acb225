"""Signals recorded per finished week, once, and what each triggers taken once per episode:
a remedial course through the enrolment service with the signal's reason, a nudge to the
person, a word to the manager."""

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.adoption import actions, aggregates, signals
from lms.adoption import rules as r
from lms.adoption.content import current_adoption
from lms.adoption.models import AdoptionSignal
from lms.clock import utcnow
from lms.communications.models import Notification
from lms.courses.models import Enrollment
from lms.database import db
from tests.adoption.conftest import SCORED, crm_statement

NOW = datetime(2026, 10, 12, 6, 0)  # a Monday morning: the week judged began 5 October
JUDGED = r.last_complete_week(NOW)


def history(person, inputs, *, outputs=None, reports=None, ending=JUDGED):
    """Weekly counts ending with the judged week, written as the aggregates would be."""
    count = len(inputs)
    outputs, reports = outputs or [0] * count, reports or [0] * count
    sums = {
        (person.id, ending - timedelta(weeks=count - 1 - n)): [inputs[n], outputs[n], reports[n]]
        for n in range(count)
    }
    aggregates.write(sums)


def healthy(person, **kwargs):
    """Steady updating, three times as much back, a report a week: no signal."""
    history(person, [10] * 6, outputs=[30] * 6, reports=[1] * 6, **kwargs)


def recorded(person) -> dict[str, AdoptionSignal]:
    rows = db.session.scalars(select(AdoptionSignal).where(AdoptionSignal.user_id == person.id))
    return {row.kind: row for row in rows}


def notifications(person) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == person.id)
    return list(db.session.scalars(query))


def test_a_drop_is_recorded_with_its_reason_once(make_user):
    dropping, steady = make_user(), make_user()
    history(dropping, [10, 10, 10, 10, 2, 2], outputs=[30] * 6, reports=[1] * 6)
    healthy(steady)
    new = signals.record_signals(NOW, current_adoption())
    assert [(s.user_id, s.kind) for s in new] == [(dropping.id, r.UPDATING_DROP)]
    assert new[0].week_start == JUDGED and new[0].since == JUDGED
    assert "2.0 times a week over the last 2 weeks, down from 10.0" in new[0].reason
    assert signals.record_signals(NOW, current_adoption()) == []
    assert recorded(steady) == {}


def test_few_reports_and_a_low_3x_factor(make_user):
    person = make_user()
    history(person, [10] * 6, outputs=[5] * 6, reports=[0] * 6)
    signals.record_signals(NOW, current_adoption())
    found = recorded(person)
    assert set(found) == {r.FEW_REPORTS, r.THREE_X}
    assert found[r.THREE_X].value == 0.5


def test_low_data_quality_from_the_crms_scores(make_user, post):
    person = make_user()
    healthy(person)
    post(
        [
            crm_statement(
                person, SCORED, "data-quality/weekly", at=NOW - timedelta(days=d), score=s
            )
            for d, s in ((3, 0.5), (10, 0.6))
        ],
        now=NOW,
    )
    signals.record_signals(NOW, current_adoption())
    signal = recorded(person)[r.DATA_QUALITY]
    assert signal.reason.startswith("The CRM records they created or changed scored 55%")


def test_remedial_course_assigned_once_with_the_signals_reason(make_user, post, course):
    person = make_user()
    healthy(person)
    post([crm_statement(person, SCORED, "dq/1", at=NOW - timedelta(days=2), score=0.4)], now=NOW)
    content = current_adoption()
    signals.record_signals(NOW, content)
    acted = actions.take_actions(actions.pending(JUDGED), content, now=NOW)
    assert [s.kind for s in acted] == [r.DATA_QUALITY]
    remedial = course("remedial-complete-profiles")
    enrolment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.user_id == person.id, Enrollment.course_id == remedial.id
        )
    )
    assert enrolment.source == "remedial"
    assert enrolment.reason == recorded(person)[r.DATA_QUALITY].reason
    assert acted[0].outcome == "Assigned “Refresher: complete customer profiles”."
    assert actions.take_actions(actions.pending(JUDGED), content, now=NOW) == []


def test_a_continuing_signal_is_one_episode_acted_on_once(make_user):
    person = make_user()
    content = current_adoption()
    history(person, [10] * 6, outputs=[5] * 6, reports=[1] * 6)
    signals.record_signals(NOW, content)
    actions.take_actions(actions.pending(JUDGED), content, now=NOW)
    later = NOW + timedelta(weeks=1)
    history(person, [10], outputs=[5], reports=[1], ending=JUDGED + timedelta(weeks=1))
    [again] = signals.record_signals(later, content)
    assert again.kind == r.THREE_X and again.since == JUDGED
    assert actions.take_actions(actions.pending(again.week_start), content, now=later) == []
    assert len(notifications(person)) == 1
    [line] = signals.list_signals(again.week_start, [person.id])
    assert (line.since, line.outcome) == (JUDGED, f"Nudged {person.name}.")  # the episode's


def test_nudge_notifies_the_person_once(make_user):
    person = make_user()
    content = current_adoption()
    history(person, [10] * 6, outputs=[5] * 6, reports=[1] * 6)
    signals.record_signals(NOW, content)
    actions.take_actions(actions.pending(JUDGED), content, now=NOW)
    [notice] = notifications(person)
    assert notice.key == f"adoption:three-x:{JUDGED.isoformat()}"
    assert "3X factor of 0.5" in notice.body


def test_the_manager_is_told_about_a_drop(make_user):
    manager = make_user()
    person = make_user(manager=manager)
    content = current_adoption()
    history(person, [10, 10, 10, 10, 1, 1], outputs=[30] * 6, reports=[1] * 6)
    signals.record_signals(NOW, content)
    [acted] = actions.take_actions(actions.pending(JUDGED), content, now=NOW)
    assert acted.response == r.TELL_MANAGER and acted.outcome == f"Told {manager.name}."
    [notice] = notifications(manager)
    assert notice.title == f"{person.name}: less crm updating than before"
    assert notice.link == f"/adoption/team/{manager.id}"
    assert notifications(person) == []


def test_without_a_manager_nothing_is_sent_and_the_outcome_says_so(make_user):
    person = make_user()
    content = current_adoption()
    history(person, [10, 10, 10, 10, 1, 1], outputs=[30] * 6, reports=[1] * 6)
    signals.record_signals(NOW, content)
    [acted] = actions.take_actions(actions.pending(JUDGED), content, now=NOW)
    assert acted.outcome == f"{person.name} has no active manager to tell."


def test_the_team_as_a_whole(make_user):
    a, b = make_user(), make_user()
    history(a, [10, 10, 10, 10, 0, 0], outputs=[30] * 6, reports=[1] * 6)
    history(b, [10, 10, 10, 10, 2, 2], outputs=[30] * 6, reports=[1] * 6)
    [team] = signals.evaluate_team([a.id, b.id], JUDGED, current_adoption())
    assert team.kind == r.UPDATING_DROP
    assert team.reason.startswith("Together, the team: updated the CRM 2.0 times a week")
    assert "down from 20.0 a week" in team.reason


def test_the_command_acts_once_however_often_it_runs(make_user, runner):
    person = make_user()
    judged = r.last_complete_week(utcnow())
    history(person, [10] * 6, outputs=[5] * 6, reports=[1] * 6, ending=judged)
    first = runner.invoke(args=["adoption", "signals", "--act"])
    assert "1 new signal(s)" in first.output and "1 action(s) taken" in first.output
    second = runner.invoke(args=["adoption", "signals", "--act"])
    assert "0 new signal(s)" in second.output and "0 action(s) taken" in second.output
    assert len(notifications(person)) == 1


def test_rebuild_command(make_user, runner):
    result = runner.invoke(args=["adoption", "rebuild"])
    assert "No differences" in result.output
