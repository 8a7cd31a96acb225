"""Suspicious bursts: rolling windows of an hour and of 24 hours, far above the person's own
usual, and several quizzes passed within an hour."""

from datetime import date, datetime, timedelta

from lms.database import db
from lms.gamification.incentives import bursts
from lms.gamification.incentives.bursts import AWARDS, DAY, HOUR, QUIZ_PASSES, RULES
from lms.gamification.models import PointsEntry
from tests.gamification.incentives.test_fast_passes import pass_quiz
from tests.query_plans import full_scans, queries_run

DAY_SEEN = date(2026, 10, 20)
MIDNIGHT = datetime(2026, 10, 21)
HOUR_RULE, DAY_RULE, QUIZ_RULE = RULES


def every(start: datetime, count: int, step: timedelta) -> list[datetime]:
    return [start + n * step for n in range(count)]


def entries(person, moments, key=""):
    for n, moment in enumerate(moments):
        db.session.add(
            PointsEntry(
                user_id=person.id,
                kind="rule",
                rule_key="r",
                award_key=f"{key}{moment.isoformat()}-{n}",
                points=1,
                earned_at=moment,
                recorded_at=moment,
            )
        )
    db.session.flush()


def days_before(day: date, days: int, count: int) -> list[datetime]:
    """`count` awards a minute apart at nine on each of the `days` days before `day`."""
    nine = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    return [
        m
        for back in range(days, 0, -1)
        for m in every(nine - timedelta(days=back), count, timedelta(minutes=1))
    ]


def test_an_hour_across_midnight_is_one_window(app):
    moments = every(MIDNIGHT - timedelta(minutes=20), 12, timedelta(minutes=4))
    window = bursts.busiest_window(moments, HOUR)
    assert (window.start, window.last, window.count) == (moments[0], moments[-1], 12)
    # Said in the reader's language and zone (UTC here): both days named.
    assert window.label == "Oct 20, 2026, 11:40\u202fPM – Oct 21, 2026, 12:24\u202fAM"
    # Cut at midnight, neither day's part reaches the minimum.
    assert max(sum(m < MIDNIGHT for m in moments), sum(m >= MIDNIGHT for m in moments)) < 12


def test_an_hour_across_the_hour_is_one_window(app):
    moments = every(datetime(2026, 10, 20, 9, 31), 12, timedelta(minutes=5))
    window = bursts.busiest_window(moments, HOUR)
    assert (window.count, window.label) == (12, "Oct 20, 2026, 9:31\u202fAM – 10:26\u202fAM")
    assert bursts.is_burst(window.count, bursts.usual_count([], HOUR), HOUR_RULE)


def test_the_busiest_window_is_found_and_the_earliest_of_equals():
    moments = every(datetime(2026, 10, 20, 8), 3, HOUR) + every(
        datetime(2026, 10, 20, 14), 5, timedelta(minutes=1)
    )
    assert bursts.busiest_window(moments, HOUR).start == datetime(2026, 10, 20, 14)
    assert bursts.busiest_window(moments[:3], HOUR).start == datetime(2026, 10, 20, 8)
    assert bursts.busiest_window([], HOUR) is None


def test_windows_start_in_the_period_and_may_run_past_it():
    moments = every(MIDNIGHT - timedelta(minutes=5), 12, timedelta(minutes=1))
    assert bursts.busiest_window(moments, HOUR, starts_before=MIDNIGHT).count == 12
    late = every(MIDNIGHT, 12, timedelta(minutes=1))
    assert bursts.busiest_window(late, HOUR, starts_before=MIDNIGHT) is None


def test_below_the_minimum_is_not_flagged():
    assert bursts.is_burst(11, 0.0, HOUR_RULE) is False
    assert bursts.is_burst(12, 0.0, HOUR_RULE) is True
    assert bursts.is_burst(19, 0.0, DAY_RULE) is False
    assert bursts.is_burst(2, None, QUIZ_RULE) is False
    moments = every(datetime(2026, 10, 20, 9), 11, timedelta(minutes=1))
    assert bursts.busiest_window(moments, HOUR).count == 11


def test_the_usual_raises_the_bar():
    assert bursts.is_burst(20, 5.0, HOUR_RULE) is False  # not more than four times
    assert bursts.is_burst(21, 5.0, HOUR_RULE) is True
    assert bursts.is_burst(3, 9.0, QUIZ_RULE) is True  # quiz passes ask no usual
    busy, quiet = days_before(DAY_SEEN, 5, 10), days_before(DAY_SEEN, 5, 2)
    assert bursts.is_burst(30, bursts.usual_count(busy, HOUR), HOUR_RULE) is False
    assert bursts.is_burst(30, bursts.usual_count(quiet, HOUR), HOUR_RULE) is True


def test_the_usual_is_the_median_busiest_window_of_the_last_active_days():
    steady = days_before(DAY_SEEN, 40, 3)
    assert bursts.usual_count(steady, HOUR) == 3
    spread = [m for d in range(1, 4) for m in every(datetime(2026, 10, d, 8), 6, HOUR)]
    assert (bursts.usual_count(spread, HOUR), bursts.usual_count(spread, DAY)) == (1, 6)
    old_busy = days_before(DAY_SEEN - timedelta(days=28), 10, 50)
    assert bursts.usual_count(old_busy + days_before(DAY_SEEN, 28, 1), HOUR) == 1
    assert bursts.usual_count([], DAY) == 0


def test_rules_say_themselves():
    assert [rule.description for rule in RULES] == [
        "at least 12 awards within an hour and more than 4× the person's usual",
        "at least 20 awards within 24 hours and more than 4× the person's usual",
        "at least 3 quiz passes within an hour",
    ]


def test_flagged_against_own_usual(make_user):
    steady, spiky = make_user(), make_user()
    entries(steady, days_before(DAY_SEEN, 14, 10))
    entries(spiky, days_before(DAY_SEEN, 14, 2))
    nine = datetime(2026, 10, 20, 9)
    entries(steady, every(nine, 30, timedelta(minutes=1)))  # 3x usual: not flagged
    entries(spiky, every(nine, 30, timedelta(minutes=1)))  # 15x usual: flagged
    flagged = bursts.list_bursts(DAY_SEEN)
    assert [(b.person, b.rule.length, b.window.count, b.usual) for b in flagged] == [
        (spiky, HOUR, 30, 2),
        (spiky, DAY, 30, 2),
    ]
    assert flagged[0].reason == (
        "30 awards within an hour (Oct 20, 2026, 9:00\u202fAM – 9:29\u202fAM): at least 12,"
        " and more than 4× their usual 2.0"
    )


def test_a_burst_across_midnight_belongs_to_the_day_it_starts(make_user):
    night_owl = make_user()
    entries(night_owl, every(MIDNIGHT - timedelta(minutes=20), 12, timedelta(minutes=4)))
    [burst] = bursts.list_bursts(DAY_SEEN)
    assert (burst.person, burst.rule.kind, burst.window.count) == (night_owl, AWARDS, 12)
    assert bursts.list_bursts(DAY_SEEN + timedelta(days=1)) == []
    # The day's windows run past midnight (24 hours from 23:40 hold the 02:00 awards too), but
    # none starts at 02:00: that hour is the next day's.
    entries(night_owl, every(MIDNIGHT + timedelta(hours=2), 12, timedelta(minutes=1)))
    flagged = bursts.list_bursts(DAY_SEEN)
    assert [(b.rule.length, b.window.count, b.window.start) for b in flagged] == [
        (DAY, 24, MIDNIGHT - timedelta(minutes=20)),
        (HOUR, 12, MIDNIGHT - timedelta(minutes=20)),
    ]


def test_a_period_of_a_board_looks_only_at_its_people(make_user):
    one, other = make_user(), make_user()
    for person in (one, other):
        entries(person, every(datetime(2026, 10, 20, 9), 12, timedelta(minutes=1)))
    week = datetime(2026, 10, 19)
    flagged = bursts.list_period_bursts(week, week + timedelta(days=7), {other.id})
    assert {b.person for b in flagged} == {other}
    assert bursts.list_period_bursts(week, week + timedelta(days=7), set()) == []


def test_a_quiz_speed_run_is_flagged(make_user, course):
    runner, reader = make_user(name="Rita Runner"), make_user(name="Rob Reader")
    nine = datetime(2026, 10, 20, 9)
    slugs = ("computer-basics", "customer-data-standards", "new-hire-orientation")
    for n, slug in enumerate(slugs):
        pass_quiz(runner, course, at=nine + n * timedelta(minutes=15), seconds=600, slug=slug)
        pass_quiz(reader, course, at=nine + n * timedelta(hours=2), seconds=600, slug=slug)
    # Both new hires' lesson awards may be flagged too; only the runner's passes are.
    [burst] = [b for b in bursts.list_bursts(DAY_SEEN) if b.rule.kind == QUIZ_PASSES]
    assert (burst.person, burst.rule.kind, burst.window.count, burst.usual) == (
        runner,
        QUIZ_PASSES,
        3,
        None,
    )
    assert burst.reason == (
        "3 quiz passes within an hour (Oct 20, 2026, 9:10\u202fAM – 9:40\u202fAM): at least 3,"
        " whatever their usual"
    )


def test_a_period_is_read_in_a_few_bounded_queries(make_user, course):
    """No query per person, and none reads the ledger or the quiz attempts whole."""
    people = [make_user() for _ in range(3)]
    for person in people:
        entries(person, days_before(DAY_SEEN, 3, 2), key="old")
        entries(person, every(datetime(2026, 10, 20, 9), 12, timedelta(minutes=1)))
    pass_quiz(people[0], course, at=datetime(2026, 10, 20, 11), seconds=600)
    with queries_run() as queries:
        flagged = bursts.list_bursts(DAY_SEEN)
    assert {b.person for b in flagged} == set(people)
    # Who, their rows, their earlier rows, the passes, the people and their roles.
    assert len(queries) == 6
    assert full_scans(queries) == []
