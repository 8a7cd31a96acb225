"""Leaderboards from tallies: ordering, the tie-break, own rank, neighbours, scopes."""

from datetime import date, timedelta

from lms.gamification.boards import leaderboards as lb
from lms.gamification.points.tallies import add_to_quality_tallies, add_to_tallies
from tests.conftest import T0

WEEK = date(2026, 10, 5)  # T0's Monday


def points(person, amount, at=T0):
    add_to_tallies([{"user_id": person.id, "points": amount, "earned_at": at}])


def quality(person, scores, at=T0):
    add_to_quality_tallies(
        [
            {"user_id": person.id, "score": s, "scored_at": at + timedelta(minutes=n)}
            for n, s in enumerate(scores)
        ]
    )


def week_board():
    return lb.Board("points-week", "week", WEEK)


def order(standings):
    return [(s.rank, s.user_id) for s in standings]


def test_points_board_orders_by_points_then_first_to_reach_then_id(make_user):
    a, b, c, d = (make_user() for _ in range(4))
    points(a, 10, T0 + timedelta(hours=2))
    points(b, 10, T0 + timedelta(hours=1))  # same points, reached sooner: ahead of a
    points(c, 30)
    points(d, 10, T0 + timedelta(hours=1))  # same points and moment as b: higher id after b
    standings = lb.list_standings(week_board(), limit=10)
    mine = [s.user_id for s in standings if s.user_id in {a.id, b.id, c.id, d.id}]
    assert mine == [c.id, b.id, d.id, a.id]
    for s in standings:
        assert lb.rank_of(week_board(), s.user_id).rank == s.rank


def test_week_month_and_all_time_are_separate_periods(make_user):
    person = make_user()
    points(person, 5, T0)
    points(person, 7, T0 - timedelta(days=7))  # the week before, same month? (Sept 28)
    week = lb.get_standing(week_board(), person.id)
    all_time = lb.get_standing(
        lb.Board("points-all", "all", lb.board_start("all", WEEK)), person.id
    )
    assert week[0] == 5 and all_time[0] == 12
    previous = lb.Board("points-week", "week", WEEK - timedelta(days=7))
    assert lb.get_standing(previous, person.id)[0] == 7


def test_inactive_people_are_neither_listed_nor_counted_ahead(make_user):
    gone, here = make_user(active=False), make_user()
    points(gone, 1000)
    points(here, 999)
    assert gone.id not in [s.user_id for s in lb.list_standings(week_board(), limit=50)]
    assert lb.rank_of(week_board(), here.id).rank == 1  # each test's rows are its own


def test_own_rank_and_neighbours(make_user):
    people = [make_user() for _ in range(5)]
    for n, person in enumerate(people):
        points(person, 100 - n * 10)
    board = week_board()
    assert lb.rank_of(board, people[2].id).rank == 3
    above, below = lb.neighbours(board, people[2].id)
    assert above[0] == people[1].id and below[0] == people[3].id
    top_above, _ = lb.neighbours(board, people[0].id)
    assert top_above is None
    assert lb.rank_of(board, make_user().id) is None  # not on the board


def test_neighbours_at_the_nearest_value_someone_in_scope_holds(make_user):
    """Beyond a person's own points, the neighbour is at the nearest value an active person
    holds, the one ranked next to them there (above: the last to reach it); values held only
    by people out of scope are passed over."""
    me, gone_up, gone_down = make_user(), make_user(active=False), make_user(active=False)
    late_up, early_up, down = make_user(), make_user(), make_user()
    points(me, 50)
    points(gone_up, 55)
    points(gone_down, 45)
    points(late_up, 60, at=T0 + timedelta(hours=2))
    points(early_up, 60, at=T0 + timedelta(hours=1))
    points(down, 40)
    above, below = lb.neighbours(week_board(), me.id)
    assert above[:2] == (late_up.id, 60)  # ranked 2nd, just above me: early_up is 1st
    assert below[:2] == (down.id, 40)


def test_division_and_team_scopes(make_user):
    boss = make_user(division="South")
    south = [make_user(division="South", manager=boss) for _ in range(2)]
    north = make_user(division="North")
    for n, person in enumerate([*south, north]):
        points(person, 10 + n)
    division = lb.Scope("division", south[0].division_id)
    assert [s.user_id for s in lb.list_standings(week_board(), division)] == [
        south[1].id,
        south[0].id,
    ]
    assert lb.rank_of(week_board(), south[0].id, division).rank == 2
    team = lb.Scope("team", member_ids=frozenset(p.id for p in south))
    assert lb.rank_of(week_board(), south[1].id, team).rank == 1


def test_quality_board_needs_min_samples_and_ranks_by_average(make_user):
    good, better, few = make_user(), make_user(), make_user()
    quality(good, [8000] * 5)
    quality(better, [9000] * 5)
    quality(few, [10000] * 2)
    board = lb.Board("quality-week", "week", WEEK, min_samples=5)
    ids = [s.user_id for s in lb.list_standings(board, limit=50)]
    assert ids.index(better.id) < ids.index(good.id) and few.id not in ids
    assert lb.rank_of(board, better.id).value == 9000
    assert lb.rank_of(board, good.id).rank == lb.rank_of(board, better.id).rank + 1


def test_quality_tie_goes_to_whoever_reached_it_first(make_user):
    later, sooner = make_user(), make_user()
    quality(later, [9000] * 5, T0 + timedelta(hours=3))
    quality(sooner, [9000] * 5, T0)
    board = lb.Board("quality-week", "week", WEEK, min_samples=5)
    assert lb.rank_of(board, sooner.id).rank < lb.rank_of(board, later.id).rank


def test_quality_winner_in_each_division(make_user):
    n1, n2, s1 = (
        make_user(division="North"),
        make_user(division="North"),
        make_user(division="South"),
    )
    quality(n1, [7000] * 5)
    quality(n2, [9500] * 5)
    quality(s1, [6000] * 5)
    board = lb.Board("quality-week", "week", WEEK, min_samples=5)
    winners = lb.division_winners(board, [n1.division_id, s1.division_id])
    assert winners[n1.division_id].user_id == n2.id
    assert winners[s1.division_id].user_id == s1.id


def test_board_start_by_period():
    day = date(2026, 10, 8)
    assert lb.board_start("week", day) == WEEK
    assert lb.board_start("month", day) == date(2026, 10, 1)
    assert lb.board_start("all", day) == date(2000, 1, 1)


def test_neighbours_among_equal_points_follow_the_tie_break(make_user):
    first, second, third = (make_user() for _ in range(3))
    top, bottom = make_user(), make_user()
    for n, person in enumerate((first, second, third)):
        points(person, 20, T0 + timedelta(minutes=n))
    points(top, 99)
    points(bottom, 1)
    board = week_board()
    above, below = lb.neighbours(board, second.id)
    assert (above[0], below[0]) == (first.id, third.id)
    assert lb.neighbours(board, first.id)[0][0] == top.id
    assert lb.neighbours(board, third.id)[1][0] == bottom.id
