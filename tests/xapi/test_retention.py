"""`lms xapi prune`: statements LRS clients sent before the retention horizon are archived,
then removed; what Uptake still reads stays, and so does everything derived from them (points,
tallies, data-quality samples, adoption weeks), which the rebuilds then check from the
horizon on."""

import gzip
import hashlib
import json
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from lms.adoption import aggregates
from lms.adoption.models import AdoptionWeek
from lms.clock import utcnow
from lms.config import ConfigError, retention_months
from lms.database import db
from lms.events import StatementsReceived, publish
from lms.gamification.boards import catalogue
from lms.gamification.boards.contests import early_adopter_standings
from lms.gamification.models import PointsEntry, PointsTally, QualitySample, QualityTally
from lms.gamification.points import engine
from lms.gamification.points.history import points_lines
from lms.gamification.points.rebuild import rebuild
from lms.gamification.ruleset import current_ruleset
from lms.localisation import format_day
from lms.xapi.clients import authority_for
from lms.xapi.models import (
    OutboxItem,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementPrune,
)
from lms.xapi.settings import lrs_settings
from lms.xapi.store.retention import current_horizon, retention_horizon
from lms.xapi.store.write import store_batch
from tests.gamification.ledger_support import RULESET, void
from tests.gamification.ledger_support import crm as ledger_crm
from tests.query_plans import full_scans, queries_run

HORIZON = retention_horizon(utcnow(), 3)
OLD = HORIZON - timedelta(days=60 + HORIZON.weekday()) + timedelta(hours=9)  # a Monday
NEW = HORIZON + timedelta(days=14 - HORIZON.weekday(), hours=9)  # a Monday after it
UPDATE = "http://activitystrea.ms/schema/1.0/update"
CREATE = "http://activitystrea.ms/schema/1.0/create"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
LEAD = "https://uptake.dev/xapi/profiles/crm-usage/activity-types/lead"


@pytest.fixture
def retention(app, monkeypatch):
    monkeypatch.setitem(app.config, "STATEMENT_RETENTION_MONTHS", 3)


@pytest.fixture
def crm_client(make_client):
    return make_client(name="CRM")[0]


def crm(person, verb=UPDATE, record="https://crm.example/leads/1", *, at, score=None):
    """A CRM change of a lead, named after the record's last character."""
    document = ledger_crm(person, verb, record, at=at, score=score)
    document["object"]["definition"] = {"type": LEAD, "name": {"en-US": f"Lead {record[-1]}"}}
    return document


def send(client, statements: list[dict], *, now: datetime, ruleset=None):
    """Store a batch as the LRS does for a client, with what follows it (points, adoption)."""
    settings = lrs_settings()
    authority = None if client is None else authority_for(client, settings.base_url)
    batch = store_batch(
        statements,
        authority=authority,
        client_id=None if client is None else client.id,
        now=now,
        settings=settings,
        may_void_others=True,
    )
    if ruleset is None:
        publish(StatementsReceived(fresh=tuple(batch.fresh), now=now))
    else:
        engine.apply(batch.fresh, now=now, ruleset=ruleset)
    db.session.flush()
    return batch


def prune(runner, archive, *extra):
    result = runner.invoke(args=["xapi", "prune", "--archive", str(archive), *extra])
    db.session.expire_all()
    return result


def stored_ids() -> set[str]:
    return set(db.session.scalars(select(Statement.statement_id)))


def archived_documents(archive) -> list[dict]:
    with gzip.open(archive, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def history(make_user, crm_client):
    """Ann's CRM use before and after the horizon, with data-quality scores, Ben's, a
    stranger's, and Uptake's own record of a course Ann completed before it."""
    ann, ben = make_user(), make_user()

    class Stranger:
        email = "nobody-known@example.com"

    old = [crm(ann, record=f"https://crm.example/leads/{n}", at=OLD, score=0.5) for n in range(4)]
    old += [crm(ben, CREATE, "https://crm.example/leads/9", at=OLD + timedelta(days=1))]
    old += [crm(Stranger, at=OLD)]
    send(crm_client, old, now=OLD + timedelta(days=1))
    own = {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": f"mailto:{ann.email}"},
        "verb": {"id": COMPLETED},
        "object": {"id": "https://uptake.example/courses/crm-basics"},
        "timestamp": OLD.isoformat() + "Z",
    }
    send(None, [own], now=OLD)
    new = [crm(ann, record=f"https://crm.example/leads/{n}", at=NEW, score=1.0) for n in range(3)]
    send(crm_client, new, now=NEW)
    return ann, ben, old, own, new


def derived() -> dict:
    """Everything kept beside the statements, without the link to them."""
    entries = select(
        PointsEntry.user_id,
        PointsEntry.kind,
        PointsEntry.rule_key,
        PointsEntry.award_key,
        PointsEntry.points,
        PointsEntry.earned_at,
    ).order_by(PointsEntry.id)
    samples = select(QualitySample.user_id, QualitySample.score, QualitySample.scored_at)
    return {
        "ledger": db.session.execute(entries).all(),
        "tallies": sorted(db.session.execute(select(PointsTally.__table__)).all()),
        "samples": sorted(db.session.execute(samples).all()),
        "quality": sorted(db.session.execute(select(QualityTally.__table__)).all()),
        "weeks": sorted(db.session.execute(select(AdoptionWeek.__table__)).all()),
    }


def test_the_horizon_is_a_whole_month_and_at_least_three_back():
    assert retention_horizon(datetime(2026, 12, 5, 22, 0), 3) == datetime(2026, 9, 1)
    assert retention_horizon(datetime(2026, 2, 28), 14) == datetime(2024, 12, 1)
    with pytest.raises(ValueError):
        retention_horizon(datetime(2026, 12, 5), 2)


@pytest.mark.parametrize(("raw", "months"), [(None, 0), ("0", 0), ("3", 3), ("24", 24)], ids=str)
def test_retention_is_read_from_the_environment(raw, months):
    env = {} if raw is None else {"STATEMENT_RETENTION_MONTHS": raw}
    assert retention_months(env) == months


@pytest.mark.parametrize("raw", ["1", "2", "-3", "a year"])
def test_a_retention_shorter_than_three_months_is_refused(raw):
    with pytest.raises(ConfigError, match="STATEMENT_RETENTION_MONTHS"):
        retention_months({"STATEMENT_RETENTION_MONTHS": raw})


def test_without_a_retention_setting_nothing_is_pruned(runner, make_user, crm_client, tmp_path):
    history(make_user, crm_client)
    before = stored_ids()
    result = prune(runner, tmp_path / "archive.ndjson.gz")
    assert result.exit_code == 1
    assert "STATEMENT_RETENTION_MONTHS is 0" in result.output
    assert stored_ids() == before and not (tmp_path / "archive.ndjson.gz").exists()


def test_what_clients_sent_before_the_horizon_is_archived_then_removed(
    runner, retention, make_user, crm_client, tmp_path
):
    ann, ben, old, own, new = history(make_user, crm_client)
    archive = tmp_path / "before.ndjson.gz"
    result = prune(runner, archive)
    assert result.exit_code == 0, result.output
    # Ann's and Ben's first record changes stay (the early-adopter board reads them).
    gone = [old[1], old[2], old[3], old[5]]
    assert [d["id"] for d in archived_documents(archive)] == [d["id"] for d in gone]
    assert stored_ids() == {old[0]["id"], old[4]["id"], own["id"]} | {d["id"] for d in new}
    prune_row = db.session.scalars(select(StatementPrune)).one()
    assert prune_row.before == HORIZON and prune_row.finished_at is not None
    assert (prune_row.archived, prune_row.kept) == (4, 2)
    assert prune_row.archive_sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert f"Archived and removed 4 statements stored before {HORIZON:%Y-%m-%d}" in result.output
    assert current_horizon().first_kept_pk == db.session.scalar(
        select(Statement.id).where(Statement.statement_id == new[0]["id"])
    )


def test_an_archived_statement_is_as_it_was_stored(
    runner, retention, make_user, crm_client, tmp_path
):
    _ann, _ben, old, _own, _new = history(make_user, crm_client)
    stored = db.session.scalar(
        select(Statement.document).where(Statement.statement_id == old[1]["id"])
    )
    prune(runner, tmp_path / "a.ndjson.gz")
    assert archived_documents(tmp_path / "a.ndjson.gz")[0] == json.loads(stored)


def test_the_removed_statements_leave_no_mention_and_no_outbox_row(
    runner, retention, make_user, crm_client, tmp_path, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", "https://lrs.example/xapi")
    _ann, _ben, old, _own, _new = history(make_user, crm_client)
    db.session.execute(update(OutboxItem).values(delivered_at=OLD + timedelta(days=2)))
    prune(runner, tmp_path / "a.ndjson.gz")
    pks = set(db.session.scalars(select(Statement.id)))
    for model in (StatementAgent, StatementActivity, OutboxItem):
        orphans = select(func.count()).select_from(model).where(model.statement_pk.not_in(pks))
        assert db.session.scalar(orphans) == 0, model.__tablename__
    assert db.session.scalar(select(func.count()).select_from(StatementActivity)) > 0


def test_points_tallies_quality_and_adoption_weeks_stay_as_they_were(
    runner, retention, make_user, crm_client, tmp_path
):
    ann, *_ = history(make_user, crm_client)
    kept = derived()
    assert kept["ledger"] and kept["samples"] and kept["weeks"]
    prune(runner, tmp_path / "a.ndjson.gz")
    assert derived() == kept
    unlinked = select(func.count()).where(PointsEntry.statement_pk.is_(None))
    assert db.session.scalar(unlinked) > 0


def test_the_rebuilds_find_no_difference_after_a_prune(
    runner, retention, make_user, crm_client, tmp_path
):
    history(make_user, crm_client)
    prune(runner, tmp_path / "a.ndjson.gz")
    assert rebuild(current_ruleset(), now=utcnow()) == []
    assert aggregates.rebuild() == []
    weeks = select(AdoptionWeek.week_start).where(AdoptionWeek.week_start < HORIZON.date())
    assert db.session.scalars(weeks).all(), "the archived weeks are kept, not rebuilt away"


def test_the_replay_starts_from_the_ledger_as_it_stood_at_the_horizon(
    runner, retention, make_user, crm_client, tmp_path
):
    """The test ruleset's `record` rule awards once per record: touched again after the
    horizon, the record earns nothing, and a replay that did not know the archived award
    would find one missing."""
    ann = make_user()
    first = crm(ann, record="https://crm.example/leads/0", at=OLD)
    send(crm_client, [first], now=OLD, ruleset=RULESET)
    send(crm_client, [crm(ann, at=OLD)], now=OLD, ruleset=RULESET)
    send(crm_client, [crm(ann, at=NEW)], now=NEW, ruleset=RULESET)
    awards = select(PointsEntry.rule_key).where(PointsEntry.user_id == ann.id)
    assert sorted(db.session.scalars(awards)) == ["record", "record", "update", "update", "update"]
    prune(runner, tmp_path / "a.ndjson.gz")
    assert first["id"] in stored_ids() and len(stored_ids()) == 2  # her first record change
    assert rebuild(RULESET, now=NEW) == []
    # What the replay compares is still checked: an award since the horizon goes missing.
    newest = db.session.scalar(select(func.max(PointsEntry.id)))
    db.session.execute(update(PointsEntry).where(PointsEntry.id == newest).values(points=99))
    assert len([d for d in rebuild(RULESET, now=NEW) if d.startswith("ledger:")]) == 1


def test_a_voided_statement_and_its_voiding_go_or_stay_together(
    runner, retention, make_user, crm_client, tmp_path
):
    ann = make_user()
    first = crm(ann, at=OLD - timedelta(days=1))  # her first record change: it stays
    both_old, voided_late = crm(ann, at=OLD), crm(ann, at=OLD)
    send(crm_client, [first, both_old, voided_late], now=OLD)
    voiding_old = void(both_old["id"], at=OLD)
    send(crm_client, [voiding_old], now=OLD + timedelta(hours=1))
    voiding_new = void(voided_late["id"], at=NEW)
    send(crm_client, [voiding_new], now=NEW)
    prune(runner, tmp_path / "a.ndjson.gz")
    assert stored_ids() == {first["id"], voided_late["id"], voiding_new["id"]}
    assert {d["id"] for d in archived_documents(tmp_path / "a.ndjson.gz")} == {
        both_old["id"],
        voiding_old["id"],
    }
    assert rebuild(current_ruleset(), now=utcnow()) == []


def test_a_statement_voided_twice_stays_with_both_voidings(
    runner, retention, make_user, crm_client, tmp_path
):
    """Voided before the horizon and again after it (the second takes nothing back): the
    three stay together, and the replay knows the award was already taken back."""
    ann = make_user()
    first, voided = crm(ann, at=OLD - timedelta(days=1)), crm(ann, at=OLD)
    send(crm_client, [first, voided], now=OLD)
    voiding_old, voiding_new = void(voided["id"], at=OLD), void(voided["id"], at=NEW)
    send(crm_client, [voiding_old], now=OLD + timedelta(hours=1))
    send(crm_client, [voiding_new], now=NEW)
    prune(runner, tmp_path / "a.ndjson.gz")
    assert stored_ids() == {first["id"], voided["id"], voiding_old["id"], voiding_new["id"]}
    assert rebuild(current_ruleset(), now=utcnow()) == []


def test_statements_waiting_to_be_forwarded_stay(
    runner, retention, make_user, crm_client, tmp_path, app, monkeypatch
):
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", "https://lrs.example/xapi")
    ann = make_user()
    sent = [crm(ann, record=f"https://crm.example/leads/{n}", at=OLD) for n in range(3)]
    batch = send(crm_client, sent, now=OLD)
    delivered = [fresh.pk for fresh in batch.fresh[1:2]]
    db.session.execute(
        update(OutboxItem).where(OutboxItem.statement_pk.in_(delivered)).values(delivered_at=OLD)
    )
    prune(runner, tmp_path / "a.ndjson.gz")
    # The first is Ann's first record change; the third is still to be forwarded.
    assert stored_ids() == {sent[0]["id"], sent[2]["id"]}


def test_the_early_adopter_board_is_the_same_after_a_prune(
    runner, retention, make_user, crm_client, tmp_path
):
    history(make_user, crm_client)
    board = early_adopter_standings()
    prune(runner, tmp_path / "a.ndjson.gz")
    assert early_adopter_standings() == board and board


def test_a_dry_run_counts_and_changes_nothing(runner, retention, make_user, crm_client, tmp_path):
    history(make_user, crm_client)
    before = stored_ids()
    result = prune(runner, tmp_path / "a.ndjson.gz", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would archive and remove 4 statements" in result.output
    assert "keep 2 from LRS clients" in result.output
    assert stored_ids() == before and current_horizon() is None
    assert not (tmp_path / "a.ndjson.gz").exists()


def test_an_existing_archive_is_never_overwritten(
    runner, retention, make_user, crm_client, tmp_path
):
    history(make_user, crm_client)
    archive = tmp_path / "a.ndjson.gz"
    archive.write_bytes(b"last year's archive")
    before = stored_ids()
    result = prune(runner, archive)
    assert result.exit_code == 1
    assert f"Cannot create the archive {archive}: File exists." in result.output
    assert archive.read_bytes() == b"last year's archive"
    assert stored_ids() == before and current_horizon() is None


def test_an_archive_in_a_missing_folder_is_refused(
    runner, retention, make_user, crm_client, tmp_path
):
    history(make_user, crm_client)
    before = stored_ids()
    result = prune(runner, tmp_path / "no-such-folder" / "a.ndjson.gz")
    assert result.exit_code == 1 and "No such file or directory" in result.output
    assert stored_ids() == before and current_horizon() is None


def test_a_second_prune_finds_nothing_more_and_the_horizon_never_moves_back(
    runner, retention, make_user, crm_client, tmp_path, app, monkeypatch
):
    history(make_user, crm_client)
    prune(runner, tmp_path / "a.ndjson.gz")
    again = prune(runner, tmp_path / "b.ndjson.gz")
    assert again.exit_code == 0 and "Archived and removed 0 statements" in again.output
    assert archived_documents(tmp_path / "b.ndjson.gz") == []
    monkeypatch.setitem(app.config, "STATEMENT_RETENTION_MONTHS", 6)
    back = prune(runner, tmp_path / "c.ndjson.gz")
    assert back.exit_code == 1 and "would move its horizon back" in back.output
    assert not (tmp_path / "c.ndjson.gz").exists()


def test_a_contest_period_before_the_horizon_has_no_standings_but_says_why(
    runner, retention, make_user, crm_client, tmp_path, client, login
):
    history(make_user, crm_client)
    prune(runner, tmp_path / "a.ndjson.gz")
    before = catalogue.resolve("contest-weekly-feature-champion", OLD.date(), include_test=True)
    since = catalogue.resolve("contest-weekly-feature-champion", NEW.date(), include_test=True)
    assert before.archived_before == HORIZON.date() and since.archived_before is None
    points = catalogue.resolve("points-week", OLD.date(), include_test=True)
    assert points.archived_before is None  # read from the tallies, which stay
    login(make_user())
    page = client.get(
        f"/leaderboards?board=contest-weekly-feature-champion&start={OLD.date().isoformat()}"
    )
    day = format_day(HORIZON.date(), locale="en", zone="UTC")
    said = f'archived up to <time datetime="{HORIZON.date().isoformat()}">{day}</time>'
    assert said in page.get_data(as_text=True)


def test_points_history_names_what_an_archived_statement_was_about(
    runner, retention, make_user, crm_client, tmp_path
):
    """The test ruleset's `record` rule counts the record (an activity): its name is the
    activity's definition. (Rules per statement counted the statement, which is archived.)"""
    ann = make_user()
    send(crm_client, [crm(ann, at=OLD - timedelta(days=1))], now=OLD, ruleset=RULESET)
    lead = "https://crm.example/leads/7"
    send(crm_client, [crm(ann, record=lead, at=OLD)], now=OLD, ruleset=RULESET)
    prune(runner, tmp_path / "a.ndjson.gz")
    entries = db.session.scalars(
        select(PointsEntry).where(PointsEntry.user_id == ann.id, PointsEntry.object_id == lead)
    ).all()
    assert [entry.statement_pk for entry in entries] == [None]
    assert [line.about for line in points_lines(entries, RULESET.rules)] == ["Lead 7"]


def test_a_prune_reads_no_growing_table_whole(
    runner, retention, make_user, crm_client, tmp_path, app, monkeypatch
):
    """Every step is a lookup or a walk of a key range: the chunks by primary key, the
    first record changes by person, the void partners, the outbox, the ledger and samples by
    statement, the mentions by their own key."""
    monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", "https://lrs.example/xapi")
    _ann, _ben, old, *_ = history(make_user, crm_client)
    send(crm_client, [void(old[1]["id"], at=OLD)], now=OLD)
    db.session.execute(update(OutboxItem).values(delivered_at=OLD))
    with queries_run() as queries:
        assert prune(runner, tmp_path / "a.ndjson.gz").exit_code == 0
    assert any(sql.startswith("DELETE FROM statement_agents") for sql, _ in queries)
    assert [str(scan) for scan in full_scans(queries)] == []
