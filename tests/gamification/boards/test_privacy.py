"""What colleagues see of a board: the top ten, the viewer's row and neighbours, names only
for people who opted in, nothing of people who opted out; HR sees everyone named."""

from datetime import timedelta

import pytest

from lms.gamification.boards import privacy
from lms.gamification.boards.leaderboards import COMPANY, Board
from tests.conftest import T0
from tests.gamification.boards.test_boards import WEEK, points


@pytest.fixture
def board():
    return Board("points-week", "week", WEEK)


@pytest.fixture
def ranked(make_user):
    """Fifteen people, 150 points down to 10, in division East."""
    people = [make_user(name=f"Rank {n + 1}", division="East") for n in range(15)]
    for n, person in enumerate(people):
        points(person, 150 - n * 10, T0 + timedelta(minutes=n))
    return people


def test_learner_sees_top_ten_and_own_row_with_neighbours(board, ranked, make_user):
    viewer = ranked[12]
    top, own = privacy.learner_view(board, privacy_scope(), viewer)
    assert [row.rank for row in top] == list(range(1, 11))
    assert [row.rank for row in own] == [12, 13, 14]
    assert [row.is_viewer for row in own] == [False, True, False]
    assert own[1].name == "Rank 13"  # always named to themselves


def privacy_scope():
    return COMPANY


def test_names_only_for_people_who_opted_in(board, ranked):
    privacy.save_preference(ranked[0], show_name=True, on_public_boards=True, now=T0)
    top, _ = privacy.learner_view(board, privacy_scope(), ranked[14])
    assert top[0].name == "Rank 1"
    assert top[1].name == "Colleague #1, East"  # numbered on the page: the first unnamed
    assert [row.name for row in top[2:4]] == ["Colleague #2, East", "Colleague #3, East"]


def test_opted_out_people_are_left_out_but_keep_their_rank(board, ranked, make_user):
    privacy.save_preference(ranked[0], show_name=True, on_public_boards=False, now=T0)
    top, _ = privacy.learner_view(board, privacy_scope(), ranked[14])
    assert ranked[0].id not in [row.user_id for row in top]
    assert top[0].rank == 2  # true ranks: the winner is still the winner
    hr = make_user(roles={"hr"})
    staff_top, _ = privacy.learner_view(board, privacy_scope(), hr)
    assert staff_top[0].user_id == ranked[0].id and staff_top[0].name == "Rank 1"


def test_opted_out_neighbour_is_skipped(board, ranked):
    privacy.save_preference(ranked[11], show_name=False, on_public_boards=False, now=T0)
    _, own = privacy.learner_view(board, privacy_scope(), ranked[12])
    assert [row.rank for row in own] == [11, 13, 14]


def test_preferences_page_saves(client, login, make_user):
    person = make_user()
    login(person)
    assert client.get("/me/leaderboards").status_code == 200
    response = client.post("/me/leaderboards", data={"show_name": "y"})
    assert response.status_code == 302
    saved = privacy.get_preference(person.id)
    assert saved.show_name is True and saved.on_public_boards is False


def test_leaderboards_page_shows_colleague_not_name(client, login, ranked):
    login(ranked[14])
    page = client.get(f"/leaderboards?start={WEEK.isoformat()}").get_data(as_text=True)
    assert "Colleague #1, East" in page and "Rank 1<" not in page
    assert "board-chart" in page and "150" in page


def test_hidden_person_below_keeps_true_ranks(board, ranked):
    privacy.save_preference(ranked[13], show_name=False, on_public_boards=False, now=T0)
    _, own = privacy.learner_view(board, privacy_scope(), ranked[12])
    assert [(row.rank, row.user_id) for row in own] == [
        (12, ranked[11].id),
        (13, ranked[12].id),
        (15, ranked[14].id),
    ]
