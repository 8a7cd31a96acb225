"""`lms gamification rebuild`: a replay of a realistic history matches the ledger; tampering
is reported, exactly."""

from datetime import date, timedelta

from sqlalchemy import delete, select, update

from lms.database import db
from lms.gamification.models import PointsEntry, PointsTally
from lms.gamification.points import engine
from lms.gamification.points.ledger import add_manual_entry
from lms.gamification.points.rebuild import rebuild
from lms.xapi.recording.record import link_earlier_statements
from tests.conftest import T0
from tests.gamification.ledger_support import RULESET, SCORED, VIEWED, crm, post, void


def history(make_user):
    """Awards, caps, cool-downs, voids (later, on arrival, in the same batch), re-earning,
    quality samples, a person linked late and a manual bonus."""
    ann, hr = make_user(), make_user(roles=("hr",))

    class Stranger:
        email = "late@example.com"

    first = crm(ann, at=T0)
    post([crm(ann, obj=f"https://crm.example/leads/{n}", at=T0) for n in range(5)], now=T0)
    post([first, crm(ann, VIEWED, "https://crm.example/reports/1", at=T0)], now=T0)
    scored = crm(ann, SCORED, "https://crm.example/q", at=T0, score=0.95)
    post([scored, crm(Stranger, at=T0)], now=T0)
    early = crm(ann, obj="https://crm.example/leads/7", at=T0)
    later = T0 + timedelta(days=8)
    post(
        [void(first["id"], at=later), void(scored["id"], at=later), void(early["id"], at=later)],
        now=later,
    )
    post([early, crm(ann, at=later)], now=later)
    same = crm(ann, obj="https://crm.example/leads/8", at=later)
    post([same, void(same["id"], at=later)], now=later)
    add_manual_entry(ann, 7, "Helped the team", granted_by=hr, now=later)
    ben = make_user(email="late@example.com")
    link_earlier_statements([ben])
    engine.apply_to_linked([ben], now=later, ruleset=RULESET)
    db.session.flush()
    return ann


def test_a_replay_of_a_mixed_history_matches(make_user):
    history(make_user)
    assert rebuild(RULESET, now=T0) == []


def test_a_missing_ledger_row_is_reported(make_user):
    ann = history(make_user)
    row = db.session.scalars(
        select(PointsEntry).where(PointsEntry.user_id == ann.id, PointsEntry.rule_key == "report")
    ).one()
    db.session.execute(delete(PointsEntry).where(PointsEntry.id == row.id))
    found = rebuild(RULESET, now=T0)
    ledger = [line for line in found if line.startswith("ledger:")]
    assert ledger == [
        f"ledger: person {ann.id} {row.award_key} kind=rule, rule_key=report, "
        f"points=1, earned_at={T0}, statement_pk={row.statement_pk} is missing"
    ]
    assert all(line.startswith(("ledger:", "points tally:")) for line in found)
    assert len(found) == 4  # the row, and its week, month and all-time tallies


def test_a_changed_tally_is_reported(make_user):
    ann = history(make_user)
    db.session.execute(
        update(PointsTally)
        .where(
            PointsTally.user_id == ann.id,
            PointsTally.period == "week",
            PointsTally.period_start == date(2026, 10, 5),
        )
        .values(points=PointsTally.points + 1)
    )
    found = rebuild(RULESET, now=T0)
    assert len(found) == 1
    assert found[0].startswith(f"points tally: person {ann.id} week 2026-10-05")


def test_the_command_exits_1_on_a_difference(runner, make_user, monkeypatch):
    from lms.gamification import cli

    monkeypatch.setattr(cli, "current_ruleset", lambda: RULESET)
    history(make_user)
    result = runner.invoke(args=["gamification", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "No differences" in result.output
    db.session.execute(update(PointsTally).values(points=PointsTally.points + 1))
    result = runner.invoke(args=["gamification", "rebuild"])
    assert result.exit_code == 1
    assert "difference(s)" in result.output
