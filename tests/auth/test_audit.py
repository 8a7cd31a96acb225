"""The audit log: each change to roles, people and settings writes one entry naming who made
it (none from the command line), in the change's own transaction; admins alone read it, on
its page (newest first, paginated, filtered) and on each person's page."""

import io

import pytest
from sqlalchemy import select

from lms.auth.audit import rules
from lms.auth.audit import services as audit
from lms.auth.audit import views as audit_views
from lms.auth.models import AuditEntry, User
from lms.auth.people_import import COLUMNS
from lms.auth.services import get_or_create_division
from lms.coaching import services as coaching
from lms.database import db
from lms.gamification.models import Contest
from lms.xapi.models import LrsClient, OutboxItem
from tests.conftest import T0
from tests.xapi.statement_rows import add_statements


@pytest.fixture
def rep(make_user):
    rep = make_user(name="Rex Rep", email="rex.rep@example.com")
    db.session.commit()  # to the test's savepoint, so a view's rollback keeps them
    return rep


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(audit.select_entries(action=action)))


def only(action: str) -> AuditEntry:
    [entry] = entries(action)
    return entry


def person_form(person: User, **changes) -> dict:
    return {
        "email": person.email,
        "name": person.name,
        "job_role": person.job_role.slug,
        "division": person.division.name if person.division else "",
        "manager_email": "",
        "hire_date": person.hire_date.isoformat(),
    } | changes


# Roles and people ------------------------------------------------------------------------


def test_granting_admin_writes_one_roles_entry_with_the_admin_who_did(client, admin, rep):
    client.post(f"/people/{rep.id}/edit", data=person_form(rep, is_admin="y"))
    entry = only(audit.ROLES_CHANGED)
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (admin.id, "person", rep.id)
    assert entry.summary == "Granted admin to Rex Rep."
    assert entry.details == {"granted": ["admin"], "removed": [], "via": "form"}
    assert entries(audit.PERSON_CHANGED) == []  # nothing else changed


def test_removing_hr_writes_one_roles_entry(client, admin, make_user):
    hilda = make_user(name="Hilda HR", roles={"hr"})
    db.session.commit()
    client.post(f"/people/{hilda.id}/edit", data=person_form(hilda))
    entry = only(audit.ROLES_CHANGED)
    assert entry.summary == "Removed hr from Hilda HR." and entry.actor_id == admin.id


def test_changing_details_writes_what_changed(client, admin, rep):
    client.post(f"/people/{rep.id}/edit", data=person_form(rep, job_role="sales_manager"))
    entry = only(audit.PERSON_CHANGED)
    assert entry.details["changes"] == {"job_role": ["sales_rep", "sales_manager"]}
    assert entry.summary == "Changed Rex Rep: job role sales_rep → sales_manager."
    assert entry.actor_id == admin.id
    assert entries(audit.ROLES_CHANGED) == []


def test_saving_without_a_change_writes_nothing(client, admin, rep):
    client.post(f"/people/{rep.id}/edit", data=person_form(rep))
    assert entries() == []


def test_adding_a_person_with_hr_writes_the_addition_and_the_grant(client, admin):
    form = {
        "email": "new.hire@example.com",
        "name": "New Hire",
        "job_role": "sales_rep",
        "division": "North",
        "manager_email": "",
        "hire_date": "2026-10-01",
        "is_hr": "y",
    }
    client.post("/people/new", data=form)
    added, granted = only(audit.PERSON_ADDED), only(audit.ROLES_CHANGED)
    assert added.actor_id == granted.actor_id == admin.id
    assert added.details["email"] == "new.hire@example.com"
    assert granted.details["granted"] == ["hr"]


def test_a_refused_change_leaves_no_entry(client, admin, rep, make_user):
    other = make_user()
    db.session.commit()
    response = client.post(f"/people/{rep.id}/edit", data=person_form(rep, email=other.email))
    assert response.status_code == 200  # the form again, with the error
    assert entries() == []


def test_deactivating_and_reactivating_write_an_entry_each(client, admin, rep):
    client.post(f"/people/{rep.id}/deactivate")
    client.post(f"/people/{rep.id}/reactivate")
    for action in (audit.PERSON_DEACTIVATED, audit.PERSON_REACTIVATED):
        entry = only(action)
        assert (entry.actor_id, entry.subject_id) == (admin.id, rep.id)


def test_issuing_a_password_link_writes_an_entry(client, admin, rep):
    client.post(f"/people/{rep.id}/password-link")
    assert only(audit.PASSWORD_LINK_ISSUED).actor_id == admin.id


def test_naming_and_removing_a_champion_write_an_entry_each(client, admin, rep):
    division = get_or_create_division("North")
    db.session.commit()
    client.post(f"/divisions/{division.id}/champions", data={"email": rep.email})
    client.post(f"/divisions/{division.id}/champions/{rep.id}/remove")
    named, removed = only(audit.CHAMPION_NAMED), only(audit.CHAMPION_REMOVED)
    assert named.details == removed.details == {"division": "North"}
    assert named.actor_id == removed.actor_id == admin.id


HEADER = ",".join(COLUMNS)


def test_delegating_a_coach_and_revoking_it_write_an_entry_each(make_user):
    manager = make_user(name="Mara Manager", job_role="sales_manager")
    learner, coach = make_user(name="Leo Learner", manager=manager), make_user(name="Cora")
    delegation = coaching.delegate_coach(manager, learner, coach, now=T0)
    coaching.revoke_delegation(manager, delegation, now=T0)
    delegated, revoked = only(audit.COACH_DELEGATED), only(audit.COACH_DELEGATION_REVOKED)
    assert delegated.summary == "Cora may now coach Leo Learner."
    assert (delegated.subject_id, delegated.details) == (learner.id, {"coach": coach.email})
    assert delegated.actor_id == revoked.actor_id == manager.id


IMPORT = [
    "rex.rep@example.com,Rex Rep,sales_rep,North,,2026-10-01,learner;admin",  # granted admin
    "ivy.new@example.com,Ivy New,sales_rep,North,,2026-10-01,",  # added
]


def test_an_import_writes_an_entry_per_person_added_or_changed(client, admin, rep):
    data = "\n".join([HEADER, *IMPORT]) + "\n"
    client.post("/people/import", data={"file": (io.BytesIO(data.encode()), "people.csv")})
    added, granted = only(audit.PERSON_ADDED), only(audit.ROLES_CHANGED)
    assert added.details["email"] == "ivy.new@example.com" and added.details["via"] == "import"
    assert (granted.subject_id, granted.details["granted"]) == (rep.id, ["admin"])
    assert added.actor_id == granted.actor_id == admin.id


def test_the_command_line_records_no_actor(runner, rep, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("\n".join([HEADER, *IMPORT]) + "\n")
    assert runner.invoke(args=["users", "import", str(path)]).exit_code == 0
    runner.invoke(args=["users", "create-admin", "--email", "root@example.com", "--name", "Root"])
    runner.invoke(args=["users", "password-link", rep.email])
    assert {entry.action for entry in entries()} == {
        audit.PERSON_ADDED,
        audit.ROLES_CHANGED,
        audit.PASSWORD_LINK_ISSUED,
    }
    assert all(entry.actor_id is None for entry in entries())
    assert len(entries(audit.ROLES_CHANGED)) == 2  # rex granted admin; root created admin
    vias = {entry.details["email"]: entry.details["via"] for entry in entries(audit.PERSON_ADDED)}
    assert vias == {"root@example.com": "command line", "ivy.new@example.com": "import"}


# Settings ----------------------------------------------------------------------------------


def test_creating_and_revoking_an_lrs_client_write_an_entry_each(client, admin):
    client.post("/lrs/clients/new", data={"name": "CRM", "scopes": ["statements/write"]})
    lrs_client = db.session.scalar(select(LrsClient).where(LrsClient.name == "CRM"))
    client.post(f"/lrs/clients/{lrs_client.id}/revoke")
    created, revoked = only(audit.LRS_CLIENT_CREATED), only(audit.LRS_CLIENT_REVOKED)
    assert created.details == {"key": lrs_client.key, "scopes": ["statements/write"]}
    assert (revoked.subject_type, revoked.subject_id) == ("lrs_client", lrs_client.id)
    assert created.actor_id == revoked.actor_id == admin.id


def test_the_lrs_client_commands_record_no_actor(runner):
    result = runner.invoke(
        args=["xapi", "client", "create", "--name", "CRM", "--scope", "statements/write"]
    )
    assert result.exit_code == 0
    assert only(audit.LRS_CLIENT_CREATED).actor_id is None


def test_sending_dead_letters_again_writes_an_entry(client, admin):
    add_statements(2)
    items = list(db.session.scalars(select(OutboxItem).order_by(OutboxItem.id)))
    for item in items:
        item.dead_at, item.last_error = T0, "HTTP 400: refused"
    db.session.commit()
    client.post(f"/lrs/outbox/{items[0].id}/retry")
    client.post("/lrs/outbox/retry-all")
    one, every = only(audit.DEAD_LETTER_RETRIED), only(audit.DEAD_LETTERS_RETRIED)
    assert one.subject_id == items[0].id and "HTTP 400: refused" in one.summary
    assert every.details == {"count": 1}
    assert one.actor_id == every.actor_id == admin.id


def test_setting_the_adoption_target_writes_the_figures(client, admin):
    client.post("/adoption/target", data={"target_percent": "75"})
    entry = only(audit.ADOPTION_TARGET_SET)
    assert entry.details["after"] == 75 and entry.actor_id == admin.id


def test_creating_and_changing_a_contest_write_an_entry_each(client, login, make_user):
    hr = make_user(name="Hilda HR", roles={"hr"})
    login(hr)
    data = {
        "title": "Pipeline week",
        "metric": "count",
        "verb_id": "http://id.tincanapi.com/verb/viewed",
        "period": "week",
        "scope": "company",
        "status": "test",
        "min_samples": "1",
        "division_id": "0",
        "team_manager_id": "0",
        "starts_on": "2026-11-02",
    }
    client.post("/incentives/contests/new", data=data)
    contest = db.session.scalar(select(Contest).where(Contest.slug == "pipeline-week"))
    client.post(f"/incentives/contests/{contest.id}/edit", data=data | {"status": "live"})
    client.post(f"/incentives/contests/{contest.id}/edit", data=data | {"status": "live"})
    created, changed = reversed(entries(audit.CONTEST_SAVED))  # the second edit changed nothing
    assert created.summary == "Created contest Pipeline week."
    assert created.details["starts_on"] == "2026-11-02"
    assert changed.details == {"changes": {"status": ["test", "live"]}}
    assert created.actor_id == changed.actor_id == hr.id


# Reading it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [(), ("hr",)])
def test_only_admins_read_the_audit_log(client, login, make_user, rep, roles):
    login(make_user(roles=roles))
    assert client.get("/audit").status_code == 403
    page = client.get(f"/people/{rep.id}").get_data(as_text=True)  # HR sees the person
    assert "Recent changes" not in page


def test_visitors_not_logged_in_are_sent_to_log_in(client):
    assert "/login" in client.get("/audit").headers["Location"]


def test_the_admin_menu_links_the_audit_log(client, admin):
    assert 'href="/audit"' in client.get("/").get_data(as_text=True)


def test_the_page_lists_newest_first_and_filters_by_person_and_action(client, admin, rep):
    client.post(f"/people/{rep.id}/deactivate")
    client.post(f"/people/{rep.id}/reactivate")
    client.post(f"/people/{admin.id}/password-link")
    page = client.get("/audit").get_data(as_text=True)
    assert page.index("Issued a password link") < page.index("Reactivated Rex Rep")
    assert page.index("Reactivated Rex Rep") < page.index("Deactivated Rex Rep")
    about_rex = client.get(f"/audit?person={rep.id}").get_data(as_text=True)
    assert "Deactivated Rex Rep" in about_rex and "Issued a password link" not in about_rex
    deactivations = client.get("/audit?action=person.deactivated").get_data(as_text=True)
    assert "Deactivated Rex Rep" in deactivations and "Reactivated" not in deactivations


def test_the_persons_page_shows_admins_their_recent_entries(client, admin, rep):
    client.post(f"/people/{rep.id}/deactivate")
    page = client.get(f"/people/{rep.id}").get_data(as_text=True)
    assert "Recent changes" in page and "Deactivated Rex Rep." in page
    assert f'href="/audit?person={rep.id}"' in page


def test_the_page_is_paginated(client, admin, rep, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 2)
    for _ in range(3):
        client.post(f"/people/{rep.id}/password-link")
    first = client.get("/audit").get_data(as_text=True)
    second = client.get("/audit?page=2").get_data(as_text=True)
    assert first.count("Issued a password link") == 2
    assert second.count("Issued a password link") == 1
    # Uncounted (the log only grows): where the pages lead, not how many there are.
    assert "Next →" in first and "Previous" not in first and " of " not in first
    assert "Page 2" in second and "← Previous" in second and "Next →" not in second


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("page=abc", 400),
        ("page=99999999999999999999", 400),
        ("page=0", 400),
        ("person=abc", 400),
        ("person=2147483647", 404),
        ("action=no.such.action", 400),
        ("page=7", 200),  # past the last page: an empty page
    ],
)
def test_bad_query_values_get_a_clear_4xx(client, admin, query, status):
    assert client.get(f"/audit?{query}").status_code == status


# The words (pure) --------------------------------------------------------------------------


def test_everyone_is_a_learner_so_that_role_is_never_granted_nor_removed():
    assert rules.role_changes(["learner"], ["admin", "learner"]) == (["admin"], [])
    assert rules.role_changes(["hr", "learner"], []) == ([], ["hr"])


def test_the_summaries_say_what_changed():
    assert rules.roles_summary("Ann", ["admin", "hr"], []) == "Granted admin, hr to Ann."
    assert (
        rules.roles_summary("Ann", ["admin"], ["hr"])
        == "Granted admin to Ann; removed hr from Ann."
    )
    changes = rules.detail_changes(
        {"division": "North", "name": "Ann"}, {"division": None, "name": "Ann"}
    )
    assert rules.details_summary("Ann", changes) == "Changed Ann: division North → (none)."


def test_only_admins_may_read_it():
    assert rules.can_read_audit_log({"admin", "learner"})
    assert not rules.can_read_audit_log({"hr", "learner"})


def test_saving_a_person_says_added_changed_and_roles_apart():
    before = {"name": "Ann", "division": "North", "roles": ["learner"]}
    after = {"name": "Ann", "division": "South", "roles": ["admin", "learner"]}
    assert [kind for kind, _, _ in rules.person_saved("Ann", "a@x", None, after, "form")] == [
        "added",
        "roles",
    ]
    said = rules.person_saved("Ann", "a@x", before, after, "import")
    assert [(kind, details["via"]) for kind, _, details in said] == [
        ("changed", "import"),
        ("roles", "import"),
    ]
    assert rules.person_saved("Ann", "a@x", after, after, "form") == []
