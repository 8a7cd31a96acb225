"""A sync in two processes (lms.crm.pipeline): the same statements, points, adoption weeks
and cursors as in one; a batch the store process cannot store stops its stream only; a
store process that dies loses nothing. The store process has its own connection, so each
test has a database of its own with committed data."""

import multiprocessing
import os
import signal
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.adoption.models import AdoptionWeek
from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.config import ConfigError, crm_sync_processes
from lms.crm import pipeline
from lms.crm import sync as crm_sync
from lms.crm.connections import create_connection
from lms.crm.models import CrmConnection, CrmCursor
from lms.crm.pipeline import StoreProcess, StoreProcessFailed
from lms.crm.sync import sync_connection
from lms.database import db
from lms.gamification.models import PointsEntry
from lms.xapi.models import Statement
from tests.conftest import app_of_its_own, load_reference_data
from tests.crm.test_sync import MONDAY, FailingLater, at, team_crm
from tests.databases import BACKEND

on_postgresql = pytest.mark.skipif(
    BACKEND != "postgresql",
    reason="a sync in two processes needs PostgreSQL (one writer on SQLite)",
)


@pytest.fixture
def crm_app(tmp_path):
    def people_and_connection():
        load_reference_data()
        for email, employee_id in (("ann@acme.test", None), ("ben@acme.test", "HR-42")):
            person = User(
                email=email,
                name=email.split("@")[0].title(),
                employee_id=employee_id,
                job_role=get_job_role("sales_rep"),
                division=get_or_create_division("North"),
                hire_date=date(2026, 10, 1),
                active=True,
            )
            person.set_roles({"learner"})
            db.session.add(person)
        create_connection(
            name="Scripted", kind="generic", base_url="https://crm.acme.test", now=MONDAY
        )

    with app_of_its_own(tmp_path, people_and_connection) as app:
        yield app


def sync(crm_app, connector, *, processes=2, hours=24, **options):
    """One pass, in a store process of its own (or, with processes=1, in this one)."""
    with crm_app.app_context():
        try:
            if processes == 1:
                return sync_in(None, connector, hours=hours, **options)
            with StoreProcess() as store:
                return sync_in(store, connector, hours=hours, **options)
        finally:
            db.session.remove()


def sync_in(store, connector, *, hours=24, **options):
    """A pass handing its batches to this store, in the app context."""
    connection = db.session.scalar(select(CrmConnection))
    return sync_connection(connection, now=at(hours), connector=connector, store=store, **options)


def what_is_stored(crm_app) -> dict:
    """Statements and points per person, adoption weeks and cursors, as committed."""
    with crm_app.app_context():
        people = dict(db.session.execute(select(User.email, User.id)).all())
        ann, ben = people["ann@acme.test"], people["ben@acme.test"]
        statements = select(Statement.user_id, func.count()).group_by(Statement.user_id)
        points = select(PointsEntry.user_id, func.sum(PointsEntry.points)).group_by(
            PointsEntry.user_id
        )
        weeks = select(AdoptionWeek.user_id, AdoptionWeek.inputs, AdoptionWeek.outputs)
        cursors = select(CrmCursor.stream, CrmCursor.cursor, CrmCursor.last_error)
        name = {ann: "ann", ben: "ben", None: "nobody"}
        stored = {
            "statements": {name[u]: n for u, n in db.session.execute(statements)},
            "points": {name[u]: n for u, n in db.session.execute(points)},
            "weeks": {name[u]: (i, o) for u, i, o in db.session.execute(weeks)},
            "cursors": {s: (c, e) for s, c, e in db.session.execute(cursors)},
        }
        db.session.remove()
        return stored


@on_postgresql
def test_two_processes_store_what_one_would(crm_app):
    outcomes = sync(crm_app, team_crm())
    assert {o.stream: (o.read, o.stored, o.error) for o in outcomes} == {
        "lead": (4, 4, None),
        "logins": (1, 1, None),
        "reports": (1, 1, None),
    }
    stored = what_is_stored(crm_app)
    assert stored["statements"] == {"ann": 3, "ben": 2, "nobody": 1}
    assert stored["weeks"] == {"ann": (2, 0), "ben": (1, 1)}
    assert stored["cursors"] == {
        "lead": ("4", None),
        "logins": ("1", None),
        "reports": ("1", None),
    }
    assert stored["points"]["ann"] > 0 and stored["points"]["ben"] > 0
    # the same pass again, in one process, finds everything stored
    again = sync(crm_app, team_crm(), processes=1, hours=25, since=MONDAY)
    assert sum(o.read for o in again) == 6 and sum(o.stored for o in again) == 0
    assert what_is_stored(crm_app) == stored


@on_postgresql
def test_a_batch_the_store_process_cannot_store_stops_its_stream_only(crm_app, monkeypatch):
    real_store_read = crm_sync.store_read

    def refusing_reports(connection, read, *, now):
        if any("pipeline" in d["object"]["id"] for d in read.batch.documents):  # the report
            raise RuntimeError("the LRS refused a statement")
        return real_store_read(connection, read, now=now)

    monkeypatch.setattr(crm_sync, "store_read", refusing_reports)  # before the fork
    outcomes = {o.stream: o for o in sync(crm_app, team_crm())}
    assert outcomes["reports"].stored == 0
    assert outcomes["reports"].error == (
        "could not store what was read: the LRS refused a statement"
    )
    assert outcomes["lead"].stored == 4 and outcomes["lead"].error is None
    cursors = what_is_stored(crm_app)["cursors"]
    assert cursors["reports"] == (None, outcomes["reports"].error)  # read again next time
    with crm_app.app_context():
        connection = db.session.scalar(select(CrmConnection))
        assert connection.last_error.startswith("reports: could not store")
        assert connection.last_success_at is None


@on_postgresql
def test_what_was_read_before_a_crm_error_is_stored_by_the_store_process(crm_app):
    outcomes = sync(crm_app, team_crm(FailingLater), streams=("lead",))
    assert (outcomes[0].read, outcomes[0].stored) == (2, 2)
    assert outcomes[0].error == "HTTP 503 from the CRM"
    assert what_is_stored(crm_app)["cursors"]["lead"] == ("2", "HTTP 503 from the CRM")


@on_postgresql
def test_a_store_process_that_dies_loses_nothing(crm_app, monkeypatch):
    monkeypatch.setattr(pipeline, "store_job", lambda job: os._exit(3))
    with pytest.raises(StoreProcessFailed, match="exit code 3"):
        sync(crm_app, team_crm())
    assert what_is_stored(crm_app)["statements"] == {}
    monkeypatch.undo()
    outcomes = sync(crm_app, team_crm(), hours=25)
    assert sum(o.stored for o in outcomes) == 6
    assert what_is_stored(crm_app)["statements"] == {"ann": 3, "ben": 2, "nobody": 1}


@on_postgresql
def test_one_store_process_serves_pass_after_pass_until_closed(crm_app):
    with crm_app.app_context(), StoreProcess() as store:
        first = sync_in(store, team_crm())
        second = sync_in(store, team_crm(), hours=25, since=MONDAY)  # the same events again
        assert multiprocessing.active_children() == [store.process]
        db.session.remove()
    assert multiprocessing.active_children() == []
    assert [sum(o.stored for o in outcomes) for outcomes in (first, second)] == [6, 0]
    assert what_is_stored(crm_app)["statements"] == {"ann": 3, "ben": 2, "nobody": 1}


@on_postgresql
def test_a_store_process_whose_reader_was_killed_ends(crm_app, tmp_path):
    pid_file = tmp_path / "store.pid"

    def reader_killed_before_it_closes():
        with crm_app.app_context():
            store = StoreProcess()
            pid_file.write_text(str(store.process.pid))
            os.kill(os.getpid(), signal.SIGKILL)

    reader = multiprocessing.get_context("fork").Process(target=reader_killed_before_it_closes)
    reader.start()
    reader.join(timeout=30)
    assert reader.exitcode == -signal.SIGKILL
    assert _ends_within(int(pid_file.read_text()), seconds=10)


def _ends_within(pid: int, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in ("Z", "X"):  # ended; whoever adopted it has not reaped it yet
            return True
        time.sleep(0.1)
    return False


@on_postgresql
def test_the_command_syncs_in_two_processes_and_says_when_its_store_process_died(
    crm_app, scripted_kind, monkeypatch
):
    def run(*args):
        return crm_app.test_cli_runner().invoke(args=["crm", *args])

    with crm_app.app_context():
        connect = run("connect", "CRM", "--kind", "hubspot", "--url", "https://api.hubapi.com",
                      "--secret-env", "UPTAKE_TEST_CRM_TOKEN")  # fmt: skip
        assert connect.exit_code == 0, connect.output
        real_store_job = pipeline.store_job
        monkeypatch.setattr(pipeline, "store_job", lambda job: os._exit(3))
        died = run("sync", "--once", "--processes", "2", "--connection", "CRM")
        assert died.exit_code == 1
        assert "Error: the process storing the CRM sync ended (exit code 3)" in died.output
        monkeypatch.setattr(pipeline, "store_job", real_store_job)
        synced = run("sync", "--once", "--processes", "2", "--connection", "CRM")
        assert synced.exit_code == 0, synced.output
        assert "CRM contact: 5 read, 5 stored" in synced.output
        db.session.remove()
    assert what_is_stored(crm_app)["statements"] == {"ann": 5}
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's refusal")
def test_sqlite_is_synced_in_one_process(crm_app):
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        sync(crm_app, team_crm())
    assert what_is_stored(crm_app)["statements"] == {}


@pytest.mark.parametrize(("raw", "processes"), [("", None), ("1", 1), (" 2 ", 2)])
def test_the_number_of_processes_is_read_from_the_environment(raw, processes):
    assert crm_sync_processes({"CRM_SYNC_PROCESSES": raw}) == processes


@pytest.mark.parametrize("raw", ["3", "0", "two"])
def test_a_number_of_processes_other_than_one_or_two_is_refused(raw):
    with pytest.raises(ConfigError, match="CRM_SYNC_PROCESSES must be 1 or 2"):
        crm_sync_processes({"CRM_SYNC_PROCESSES": raw})


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's refusal")
def test_the_command_refuses_two_processes_on_sqlite(crm_app):
    result = crm_app.test_cli_runner().invoke(args=["crm", "sync", "--once", "--processes", "2"])
    assert result.exit_code == 2 and "two processes need PostgreSQL" in result.output
