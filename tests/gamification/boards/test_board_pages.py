"""Boards that read as people: unnamed colleagues numbered on the page, bars scaled to the
board's range with the data-quality bar drawn, nobody winning below that bar, and an empty
board or division saying why."""

from datetime import date, datetime

import pytest

from lms.gamification.boards import catalogue as cat
from lms.gamification.boards import privacy
from lms.gamification.boards import rules as r
from lms.gamification.boards.leaderboards import COMPANY, Board
from tests.gamification.boards.test_boards import WEEK, points, quality

QUALITY_URL = f"/incentives/boards/quality-week?start={WEEK.isoformat()}"


# Pure rules ----------------------------------------------------------------------------------


def test_unnamed_colleagues_are_numbered_in_the_order_shown():
    numbers = r.ColleagueNumbers()
    assert [numbers.of(7), numbers.of(3), numbers.of(7), numbers.of(9)] == [1, 2, 1, 3]
    assert r.colleague_label(4, "South") == "Colleague #4, South"
    assert r.colleague_label(4, "") == "Colleague #4"


def test_bars_are_scaled_to_the_board_s_range():
    low, high = r.bar_range("quality", [5900.0, 4000.0])
    assert r.bar_share(5900, low, high, lower_is_better=False) == pytest.approx(0.59)
    low, high = r.bar_range("points", [50.0, 25.0])
    assert r.bar_share(25, low, high, lower_is_better=False) == 0.5
    low, high = r.bar_range("days", [2.0, 10.0])
    assert r.bar_share(2, low, high, lower_is_better=True) == 1.0  # the fewest days: longest
    assert r.bar_share(0, 0.0, 50.0, lower_is_better=False) == 0.02  # still a sliver


def test_the_data_quality_bar_is_drawn_on_quality_boards_only():
    assert r.quality_line("quality", 0.7) == 0.7
    assert r.quality_line("points", 0.7) is None
    assert r.is_below_bar("quality", 5900, 0.7) and not r.is_below_bar("quality", 7000, 0.7)
    assert not r.is_below_bar("points", 1, 0.7)


def test_an_empty_board_says_why():
    samples = r.EmptyBoard("quality", "in South", "the week of 5 Oct 2026", 2)
    assert r.empty_reason(samples) == (
        "Nobody in South has 2 or more data-quality scores in the week of 5 Oct 2026: a person "
        "needs at least 2 to be ranked (min_samples), so that one record does not make a winner."
    )
    points_board = r.EmptyBoard("points", "in your team", "all time")
    assert r.empty_reason(points_board) == "Nobody in your team has earned points so far."


def test_period_words_and_status():
    now = datetime(2026, 10, 8, 12)
    assert r.period_words("week", WEEK) == "the week of 5 Oct 2026"
    assert r.period_words("month", date(2026, 10, 1)) == "October 2026"
    assert r.period_words("quarter", date(2026, 10, 1)) == "Q4 2026"
    assert r.period_status("week", WEEK, now) == "runs until 11 Oct 2026"
    assert r.period_status("week", date(2026, 9, 28), now) == "ended on 4 Oct 2026"
    assert r.period_status("all", date(2000, 1, 1), now) == "never ends"


# Rows and bars of real boards ----------------------------------------------------------------


def test_a_learner_sees_colleagues_numbered_and_stable_on_the_page(make_user):
    people = [make_user(name=f"Rank {n + 1}", division="East") for n in range(15)]
    for n, person in enumerate(people):
        points(person, 150 - n * 10)
    privacy.save_preference(people[1], show_name=True, on_public_boards=True, now=datetime.now())
    top, own = privacy.learner_view(Board("points-week", "week", WEEK), COMPANY, people[13])
    assert [row.name for row in top[:4]] == [
        "Colleague #1, East",
        "Rank 2",  # opted in: named, not numbered
        "Colleague #2, East",
        "Colleague #3, East",
    ]
    assert [row.name for row in own] == ["Colleague #10, East", "Rank 14", "Colleague #11, East"]


def test_the_learner_board_page_numbers_rows_and_labels_bars_alike(client, login, make_user):
    people = [make_user(name=f"Rank {n + 1}", division="East") for n in range(3)]
    for n, person in enumerate(people):
        points(person, 30 - n * 10)
    login(people[2])
    page = client.get(f"/leaderboards?start={WEEK.isoformat()}").get_data(as_text=True)
    assert "<td>Colleague #1, East</td>" in page and "1. Colleague #1, East" in page
    assert "<td>Colleague #2, East</td>" in page and "2. Colleague #2, East" in page
    assert "Rank 1<" not in page


def test_a_quality_board_draws_the_70_percent_bar_and_scales_bars_to_100(make_user):
    person = make_user(division="South")
    quality(person, [5900, 5900])
    shown = cat.resolve("quality-week", WEEK, include_test=False)
    line = cat.chart_line(shown)
    assert (line.at, line.label) == (70.0, "70% bar")
    rows = privacy.rows_for(cat.standings(shown, COMPANY), make_user(roles={"hr"}))
    [bar] = cat.bars(rows, shown.unit)
    assert bar.width == pytest.approx(59.0) and bar.text == "59.0%"
    assert cat.chart_line(cat.resolve("points-week", WEEK, include_test=False)) is None


# HR's pages: no winner below the bar, empty divisions ----------------------------------------


@pytest.fixture
def hr(make_user):
    return make_user(name="Hilda HR", job_role="hr_partner", roles={"hr"})


def test_nobody_wins_the_quality_board_below_the_bar(client, login, hr, make_user):
    low = make_user(name="Lou Low", division="South")
    quality(low, [5900, 5900])
    login(hr)
    page = client.get(QUALITY_URL).get_data(as_text=True)
    assert "No winner: the best this period, 59.0% is below the 70% data-quality bar" in page
    assert "Grant reward to" not in page and 'class="chart-bar-line"' in page
    overview = client.get(f"/incentives?start={WEEK.isoformat()}").get_data(as_text=True)
    assert "no winner: 59.0% is below the 70% data-quality bar" in overview


def test_a_grant_below_the_bar_is_refused_when_posted_directly(client, login, hr, make_user):
    from sqlalchemy import func, select

    from lms.database import db
    from lms.gamification.models import RewardGrant

    low = make_user(name="Lou Low", division="South")
    quality(low, [5900, 5900])
    login(hr)
    grant = f"/incentives/boards/quality-week/grant?start={WEEK.isoformat()}"
    data = {"user_id": low.id, "prize": "Cake", "confirmed": "yes", "grant_early": "y"}
    page = client.post(grant, data=data, follow_redirects=True).get_data(as_text=True)
    assert "Winner: 59.0% is below the 70% data-quality bar" in page
    assert db.session.scalar(select(func.count(RewardGrant.id))) == 0


def _south_without_enough_scores(make_user):
    south, north = make_user(division="South"), make_user(division="North")
    quality(north, [9000, 9000])
    quality(south, [9000])  # one score: fewer than min_samples
    return south


def test_a_division_with_nobody_eligible_says_why_to_hr(client, login, hr, make_user):
    _south_without_enough_scores(make_user)
    login(hr)
    page = client.get(QUALITY_URL).get_data(as_text=True)
    assert (
        "Nobody in South has 2 or more data-quality scores in the week of 5 Oct 2026: a "
        "person needs at least 2 to be ranked (min_samples)"
    ) in page


def test_an_empty_division_board_says_why_to_a_learner(client, login, make_user):
    login(_south_without_enough_scores(make_user))
    mine = client.get(
        f"/leaderboards?board=quality-week&scope=division&start={WEEK.isoformat()}"
    ).get_data(as_text=True)
    assert 'id="board-empty">Nobody in South has 2 or more data-quality scores' in mine
