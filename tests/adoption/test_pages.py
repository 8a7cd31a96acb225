"""The adoption pages: who may see what (HR and admins the dashboard, a manager only their
own reporting tree), the charts and their tables, CSV, the target, the governance summary."""

import csv
import io
from datetime import date, timedelta

from lms.adoption import actions, aggregates, signals
from lms.adoption import rules as r
from lms.adoption.content import current_adoption
from lms.adoption.target import get_target_percent
from lms.clock import today, utcnow
from lms.database import db
from lms.gamification.models import RewardGrant


def use_crm(person, inputs=10, outputs=30, reports=1, weeks=6):
    this = r.week_of(today())
    aggregates.write(
        {(person.id, this - timedelta(weeks=n)): [inputs, outputs, reports] for n in range(weeks)}
    )


def raise_signals():
    now = utcnow()
    content = current_adoption()
    signals.record_signals(now, content)
    actions.take_actions(actions.pending(r.last_complete_week(now)), content, now=now)


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_dashboard_for_hr_and_admins_only(make_user, login, client):
    login(make_user())
    assert client.get("/adoption").status_code == 403
    assert client.get("/adoption/weekly.csv").status_code == 403
    assert client.get("/adoption/governance").status_code == 403


def test_hr_sees_the_charts_with_their_numbers(make_user, login, client):
    people = [make_user(division="North", hire_date=date(2026, 1, 5)) for _ in range(4)]
    for person in people[:3]:
        use_crm(person)
    login(make_user(roles=["hr"]))
    page = client.get("/adoption").get_data(as_text=True)
    assert page.count("<svg") == 4  # all divisions, North, and the two funnels
    for heading in ("Adoption rate by week", "By division", "Onboarding funnel"):
        assert heading in page
    assert "Coaching funnel by step" in page and "Target 90%" in page
    assert '<td class="num">3</td>' in page  # 3 active users, printed in the table
    assert "Set the target" not in page  # admins only


def test_weekly_csv(make_user, login, client):
    person = make_user(division="North", hire_date=date(2026, 1, 5))
    use_crm(person)
    login(make_user(roles=["hr"], division="North", hire_date=date(2026, 1, 5)))
    response = client.get("/adoption/weekly.csv?weeks=4")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = rows(response)
    assert table[0][:6] == ["group", "week_start", "licensed", "active", "adoption_rate", "target"]
    latest = [row for row in table if row[0] == "North"][-1]
    assert latest[2:5] == ["2", "1", "0.5000"]
    assert len([row for row in table if row[0] == "All divisions"]) == 4


def test_signals_csv_lists_reason_and_action(make_user, login, client):
    manager = make_user()
    person = make_user(name="=Formula Person", manager=manager)
    use_crm(person, outputs=5)
    raise_signals()
    login(make_user(roles=["hr"]))
    table = rows(client.get("/adoption/signals.csv"))
    assert table[0] == [
        "week_start", "person", "email", "signal", "reason", "since", "action", "outcome"
    ]  # fmt: skip
    kinds = {row[3]: row for row in table[1:]}
    assert kinds["3X factor below three"][1] == "'=Formula Person"  # not run as a formula
    assert kinds["3X factor below three"][6:] == ["nudge", "Nudged =Formula Person."]


def test_admin_sets_the_target_hr_may_not(make_user, login, client):
    login(make_user(roles=["hr"]))
    assert client.get("/adoption/target").status_code == 403
    client.post("/logout")
    login(make_user(roles=["admin"]))
    assert "Set the target" in client.get("/adoption").get_data(as_text=True)
    refused = client.post("/adoption/target", data={"target_percent": "0"})
    assert "Give a whole percentage from 1 to 100." in refused.get_data(as_text=True)
    assert get_target_percent() == 90
    response = client.post("/adoption/target", data={"target_percent": "75"})
    assert response.status_code == 302
    assert get_target_percent() == 75
    assert "Target 75%" in client.get("/adoption").get_data(as_text=True)


def test_a_manager_sees_their_reports_signal_and_the_course_it_assigned(
    make_user, login, client, post
):
    from tests.adoption.conftest import SCORED, crm_statement

    manager = make_user()
    report = make_user(name="Rita Report", manager=manager)
    outsider = make_user(name="Olga Outsider")
    for person in (report, outsider):
        use_crm(person)
        post(
            [crm_statement(person, SCORED, "dq/1", at=utcnow() - timedelta(days=7), score=0.3)],
            now=utcnow(),
        )
    raise_signals()
    login(manager)
    assert client.get("/adoption/team").headers["Location"].endswith(f"/adoption/team/{manager.id}")
    page = client.get(f"/adoption/team/{manager.id}").get_data(as_text=True)
    assert "Rita Report" in page and "Incomplete customer profiles" in page
    assert "Assigned “Refresher: complete customer profiles”." in page
    assert "miss fields a complete record has" in page  # each signal says what it means
    assert "Olga Outsider" not in page
    assert page.count("<svg") == 4  # the team, its one division, the two funnels
    assert "Olga" not in client.get(f"/adoption/team/{manager.id}/signals.csv").get_data(
        as_text=True
    )


def test_team_views_follow_the_reporting_tree(make_user, login, client):
    director = make_user()
    manager = make_user(manager=director)
    make_user(manager=manager)
    other = make_user()
    make_user(manager=other)
    login(manager)
    assert client.get(f"/adoption/team/{manager.id}").status_code == 200
    assert client.get(f"/adoption/team/{other.id}").status_code == 404
    assert client.get(f"/adoption/team/{other.id}/weekly.csv").status_code == 404
    assert client.get(f"/adoption/team/{director.id}").status_code == 404
    client.post("/logout")
    login(director)
    assert client.get(f"/adoption/team/{manager.id}").status_code == 200  # below them
    client.post("/logout")
    login(make_user(roles=["hr"]))
    assert client.get(f"/adoption/team/{other.id}").status_code == 200


def test_a_person_without_reports_has_no_team_view(make_user, login, client):
    person = make_user()
    login(person)
    assert client.get("/adoption/team").status_code == 403
    assert client.get(f"/adoption/team/{person.id}").status_code == 404


def test_my_team_links_to_the_team_view_and_hr_has_the_menu_entry(make_user, login, client):
    manager = make_user()
    make_user(manager=manager)
    login(manager)
    assert "/adoption/team" in client.get("/team").get_data(as_text=True)
    client.post("/logout")
    login(make_user(roles=["hr"]))
    assert '<a href="/adoption" >Adoption</a>' in client.get("/").get_data(as_text=True)


def test_governance_summary_prints_and_downloads(make_user, login, client):
    hr = make_user(roles=["hr"])
    winner = make_user(name="Wendy Winner")
    use_crm(winner)
    db.session.add(
        RewardGrant(
            board_key=f"points-week:division:{winner.division_id}",
            period_start=r.week_of(today()),
            user_id=winner.id,
            prize="Team lunch",
            granted_by_id=hr.id,
            granted_at=utcnow(),
        )
    )
    db.session.flush()
    login(hr)
    page = client.get("/adoption/governance").get_data(as_text=True)
    for part in ("Adoption against target", "Trend", "Top signals", "Incentives granted"):
        assert part in page
    assert "Open feedback" in page and "Wendy Winner" in page and "Team lunch" in page
    assert "What these signals mean" in page
    assert f"Points this week, {winner.division.name}, the week of" in page  # words, no key
    assert "points-week" not in page
    assert "The 3X factor is what someone gets out of the CRM" in page  # explained where named
    assert "@media print" in page and "<svg" in page
    quarter = f"{today().year}-Q{(today().month - 1) // 3 + 1}"
    download = client.get(f"/adoption/governance/download?quarter={quarter}")
    assert f'filename="uptake-governance-{quarter}.html"' in download.headers["Content-Disposition"]
    assert "Download (HTML)" not in download.get_data(as_text=True)
    assert client.get("/adoption/governance?quarter=2026-Q5").status_code == 400
    earlier = client.get("/adoption/governance?quarter=2025-Q1").get_data(as_text=True)
    assert "Wendy Winner" not in earlier


def test_weeks_shown_are_bounded(make_user, login, client):
    login(make_user(roles=["hr"]))
    page = client.get("/adoption?weeks=999").get_data(as_text=True)
    assert 'value="104"' in page
    assert client.get("/adoption?weeks=1").status_code == 200
