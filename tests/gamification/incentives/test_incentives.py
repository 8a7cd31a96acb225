"""HR's incentive pages over HTTP: permissions, grant once, CSV, contests, audit."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from lms.database import db
from lms.gamification.models import Contest, PointsEntry, RewardGrant
from tests.conftest import T0
from tests.gamification.boards.test_boards import WEEK, points
from tests.gamification.incentives.test_bursts import entries, every


@pytest.fixture
def hr(make_user):
    return make_user(name="Hilda HR", job_role="hr_partner", roles={"hr"})


@pytest.fixture
def board(make_user):
    """Three people on this week's points board, the first keeping off public boards."""
    people = [
        make_user(name=n, division="West") for n in ("Wendy Winner", "Sam Second", "Tom Third")
    ]
    for n, person in enumerate(people):
        points(person, 50 - n * 10, T0 + timedelta(minutes=n))
    return people


URL = f"/incentives/boards/points-week?start={WEEK.isoformat()}"


@pytest.mark.parametrize(
    "path", ["/incentives", URL, "/incentives/audit", "/incentives/contests/new"]
)
def test_learners_get_403(client, login, make_user, path):
    login(make_user())
    assert client.get(path).status_code == 403


def test_hr_sees_board_with_full_names_and_chart(client, login, hr, board):
    login(hr)
    assert client.get(f"/incentives?start={WEEK.isoformat()}").status_code == 200
    page = client.get(URL).get_data(as_text=True)
    assert "Wendy Winner" in page and "chart-bar" in page and "Grant reward to Wendy Winner" in page


def test_grant_once_per_board_and_period(client, login, hr, board):
    login(hr)
    grant = f"/incentives/boards/points-week/grant?start={WEEK.isoformat()}"
    asked = {"user_id": board[0].id, "prize": "Coffee", "note": "Hi"}
    response = client.post(grant, data=asked | {"confirmed": "yes"})
    assert response.status_code == 302
    again = client.post(
        grant,
        data={"user_id": board[1].id, "prize": "Tea", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "already granted to Wendy Winner" in again.get_data(as_text=True)
    grants = db.session.scalars(select(RewardGrant).where(RewardGrant.board_key == "points-week"))
    assert [(g.user_id, g.prize, g.granted_by_id) for g in grants] == [
        (board[0].id, "Coffee", hr.id)
    ]


def test_grant_refuses_someone_not_on_the_board(client, login, hr, board, make_user):
    login(hr)
    stranger = make_user()
    grant = f"/incentives/boards/points-week/grant?start={WEEK.isoformat()}"
    page = client.post(grant, data={"user_id": stranger.id, "prize": "Car"}, follow_redirects=True)
    assert "Winner: choose someone on the board." in page.get_data(as_text=True)


def test_csv_export(client, login, hr, board):
    login(hr)
    response = client.get(f"/incentives/boards/points-week.csv?start={WEEK.isoformat()}")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["rank", "name", "division", "value", "shown_as"]
    assert rows[1:] == [
        ["1", "Wendy Winner", "West", "50", "50"],
        ["2", "Sam Second", "West", "40", "40"],
        ["3", "Tom Third", "West", "30", "30"],
    ]


def test_create_contest_and_field_errors(client, login, hr):
    login(hr)
    bad = client.post("/incentives/contests/new", data={"title": "", "metric": "count"})
    assert "Title: give the contest a title." in bad.get_data(as_text=True)
    data = {
        "title": "Pipeline week",
        "metric": "count",
        "verb_id": "",
        "period": "week",
        "scope": "company",
        "status": "test",
        "min_samples": "1",
        "division_id": "0",
        "team_manager_id": "0",
    }
    page = client.post("/incentives/contests/new", data=data).get_data(as_text=True)
    assert "verb: needed unless the metric is points" in page
    data["verb_id"] = "http://id.tincanapi.com/verb/viewed"
    assert client.post("/incentives/contests/new", data=data).status_code == 302
    made = db.session.scalar(select(Contest).where(Contest.slug == "pipeline-week"))
    assert made.status == "test" and made.created_by_id == hr.id


def test_test_mode_contest_is_hidden_from_learners(client, login, hr, make_user):
    db.session.add(
        Contest(
            slug="secret",
            title="Secret",
            metric="count",
            verb_id="http://x.example/v",
            period="week",
            status="test",
            created_at=T0,
        )
    )
    db.session.flush()
    login(make_user())
    assert client.get("/leaderboards?board=contest-secret").status_code == 404
    assert "Secret" not in client.get("/leaderboards").get_data(as_text=True)
    client.post("/logout")
    login(hr)
    assert client.get("/leaderboards?board=contest-secret").status_code == 200


def test_audit_lists_manual_points(client, login, hr, make_user):
    person = make_user(name="Pat Person")
    db.session.add(
        PointsEntry(
            user_id=person.id,
            kind="manual",
            rule_key="manual",
            award_key="m1",
            points=-5,
            earned_at=T0,
            recorded_at=T0,
            reason="Duplicate leads",
            granted_by_id=hr.id,
        )
    )
    db.session.flush()
    login(hr)
    page = client.get("/incentives/audit").get_data(as_text=True)
    assert "Pat Person" in page and "Duplicate leads" in page and "-5" in page


def test_navigation(client, login, hr, make_user):
    login(make_user())
    page = client.get("/leaderboards").get_data(as_text=True)
    assert "Leaderboards" in page and "Incentives" not in page
    client.post("/logout")
    login(hr)
    assert "Incentives" in client.get("/leaderboards").get_data(as_text=True)


def test_csv_export_makes_formulas_inert(client, login, hr, make_user):
    """A name or division a spreadsheet would run as a formula is written as text."""
    evil = make_user(
        name='=HYPERLINK("http://evil.example","Click")', division="+cmd|' /C calc'!A0"
    )
    points(evil, 99, T0)
    login(hr)
    response = client.get(f"/incentives/boards/points-week.csv?start={WEEK.isoformat()}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][1:3] == ['\'=HYPERLINK("http://evil.example","Click")', "'+cmd|' /C calc'!A0"]


def test_the_winner_s_burst_shows_beside_the_grant(client, login, hr, board):
    """Flags are a warning beside the grant, not a block."""
    entries(board[0], every(T0 + timedelta(days=1), 14, timedelta(minutes=3)))
    login(hr)
    page = client.get(URL).get_data(as_text=True)
    assert "Suspicious bursts in this period" in page
    assert "Before granting:</strong> Wendy Winner is flagged for this period" in page
    assert (
        "14 awards within an hour (Oct 6, 2026, 9:00\u202fAM – 9:39\u202fAM): at least 12" in page
    )
    grant = f"/incentives/boards/points-week/grant?start={WEEK.isoformat()}"
    confirmed = {"user_id": board[0].id, "prize": "Tea", "confirmed": "yes"}
    assert client.post(grant, data=confirmed).status_code == 302
    assert db.session.scalar(select(RewardGrant.user_id)) == board[0].id


def test_someone_else_s_burst_is_listed_but_not_held_against_the_winner(
    client, login, make_user, board
):
    entries(board[2], every(T0 + timedelta(days=2), 12, timedelta(minutes=1)))
    login(make_user(roles={"admin"}))
    page = client.get(URL).get_data(as_text=True)
    assert "Suspicious bursts in this period" in page and "Awards within an hour" in page
    assert "Before granting" not in page
    assert "Wendy Winner is not flagged for this period; others on the board are" in page


def test_a_period_without_flags_shows_none(client, login, hr, board):
    entries(board[0], every(T0 - timedelta(days=3), 14, timedelta(minutes=3)))  # last week
    login(hr)
    page = client.get(URL).get_data(as_text=True)
    assert "Suspicious bursts" not in page and "Before granting" not in page
    assert "Grant reward to Wendy Winner" in page


def test_the_incentives_page_lists_the_day_s_bursts(client, login, hr, make_user):
    owl = make_user(name="Olive Owl", division="East")
    midnight = datetime.combine(WEEK, time()) + timedelta(days=1)
    entries(owl, every(midnight - timedelta(minutes=20), 12, timedelta(minutes=4)))
    login(hr)
    page = client.get(f"/incentives?start={WEEK.isoformat()}").get_data(as_text=True)
    assert f'Suspicious bursts on <time datetime="{WEEK.isoformat()}">' in page
    window = "Oct 5, 2026, 11:40\u202fPM – Oct 6, 2026, 12:24\u202fAM"
    assert "Olive Owl" in page and window in page
    next_day = client.get(f"/incentives?start={midnight.date().isoformat()}")
    assert "No bursts flagged." in next_day.get_data(as_text=True)
