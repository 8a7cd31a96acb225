"""Leaderboards read from the tallies and statements, never from a score kept on a person:
points this week / month / all time (`PointsTally`), data quality (`QualityTally`) and
early adopters (statements).

Ranking rule, everywhere: the higher value ranks first; ties go to whoever reached the value
first (`reached_at`: the moment of the last entry or sample summed), then to the lower user
id. A rank counts everyone in scope who is active — including people who keep off the public
boards (they still win); privacy decides only what colleagues are shown (see privacy.py).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, literal, or_, select

from lms.auth.models import User
from lms.database import db
from lms.gamification.models import ALL_TIME, PointsTally, QualityTally
from lms.gamification.rules import month_start, week_start

POINT_BOARDS = {"points-week": "week", "points-month": "month", "points-all": "all"}
QUALITY_BOARDS = {"quality-week": "week", "quality-month": "month"}


@dataclass(frozen=True)
class Scope:
    """Whose standings: the whole company, one division, or a manager's reporting tree
    (`member_ids`, the manager excluded)."""

    kind: str = "company"
    division_id: int | None = None
    member_ids: frozenset[int] | None = None


COMPANY = Scope()


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    value: float
    reached_at: datetime | None


@dataclass
class Board:
    """One board for one period: what is ranked and how its values read."""

    key: str
    period: str  # week | month | all
    start: date
    min_samples: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def is_quality(self) -> bool:
        return self.key in QUALITY_BOARDS


def board_start(period: str, day: date) -> date:
    """The first day of the period `day` falls in; the all-time board has one period."""
    if period == "all":
        return ALL_TIME
    return week_start(day) if period == "week" else month_start(day)


def _source(board: Board):
    """(user_id, value, reached_at) rows of the board's period, before scope."""
    if board.is_quality:
        t = QualityTally
        value = (t.score_sum * literal(1.0) / t.samples).label("value")
        return (
            select(t.user_id, value, t.reached_at)
            .where(t.period == board.period, t.period_start == board.start)
            .where(t.samples >= max(1, board.min_samples))
        )
    t = PointsTally
    return select(t.user_id, t.points.label("value"), t.reached_at).where(
        t.period == board.period, t.period_start == board.start, t.points > 0
    )


def _in_scope(query, scope: Scope, user_column):
    """Only active people in the scope."""
    query = query.join(User, User.id == user_column).where(User.active.is_(True))
    if scope.kind == "division":
        query = query.where(User.division_id == scope.division_id)
    elif scope.kind == "team":
        query = query.where(User.id.in_(sorted(scope.member_ids or ())))
    return query


def _order(board: Board):
    if board.is_quality:
        t = QualityTally
        return ((t.score_sum * literal(1.0) / t.samples).desc(), t.reached_at, t.user_id)
    t = PointsTally
    return (t.points.desc(), t.reached_at, t.user_id)


def list_standings(board: Board, scope: Scope = COMPANY, *, limit=10, offset=0, where=None):
    """The board from the top (optionally only rows `where` allows), ranked by the rule in
    the module docstring. Ranks are true ranks when `where` is None; the caller who filters
    passes ranks in from `rank_of`."""
    query = _in_scope(_source(board), scope, _user_column(board))
    if where is not None:
        query = query.where(where)
    query = query.order_by(*_order(board)).limit(limit).offset(offset)
    rows = db.session.execute(query).all()
    return [Standing(offset + n + 1, u, v, r) for n, (u, v, r) in enumerate(rows)]


def _user_column(board: Board):
    return QualityTally.user_id if board.is_quality else PointsTally.user_id


def get_standing(board: Board, user_id: int) -> tuple[float, datetime] | None:
    """A person's (value, reached_at) on the board, or None when they are not on it."""
    query = _source(board).where(_user_column(board) == user_id)
    row = db.session.execute(query).first()
    return None if row is None else (row[1], row[2])


def rank_of(board: Board, user_id: int, scope: Scope = COMPANY) -> Standing | None:
    """A person's rank: 1 + how many active people in scope are ahead of them, counted over
    the board index (ix_points_tallies_board) rather than by ranking everyone."""
    mine = get_standing(board, user_id)
    if mine is None:
        return None
    if board.is_quality or scope.kind != "company":
        table = QualityTally if board.is_quality else PointsTally
        query = _in_scope(select(func.count()).select_from(table), scope, _user_column(board))
        count = db.session.scalar(query.where(_period(board), _ahead(board, mine, user_id)))
    else:
        count = _count_company_ahead(board, mine, user_id)
    return Standing(count + 1, user_id, mine[0], mine[1])


def _period(board: Board):
    t = QualityTally if board.is_quality else PointsTally
    condition = and_(t.period == board.period, t.period_start == board.start)
    if board.is_quality:
        return and_(condition, t.samples >= max(1, board.min_samples))
    return and_(condition, t.points > 0)


def _count_company_ahead(board: Board, mine: tuple, user_id: int) -> int:
    """Everyone ahead, counted as three ranges of the board index (an OR would scan the
    whole period), less the few inactive people ahead: looked up by their ids, so the count
    never joins the board's hundred thousand rows to users."""
    t, (value, reached) = PointsTally, mine
    parts = (
        t.points > value,
        and_(t.points == value, t.reached_at < reached),
        and_(t.points == value, t.reached_at == reached, t.user_id < user_id),
    )
    everyone = sum(
        db.session.scalar(select(func.count()).select_from(t).where(_period(board), part))
        for part in parts
    )
    inactive = select(User.id).where(User.active.is_(False))
    gone = db.session.scalar(
        select(func.count())
        .select_from(t)
        .where(_period(board), t.user_id.in_(inactive), _ahead(board, mine, user_id))
    )
    return everyone - gone


def _ahead(board: Board, mine: tuple, user_id: int):
    """Rows that rank above (value, reached_at, user_id): higher value; or equal value
    reached sooner; or both equal and a lower id."""
    value, reached = mine
    if board.is_quality:
        t = QualityTally
        # Compared as cross-multiplied integers: exact, no float rounding between rows.
        total, samples = _quality_parts(board, t, mine, user_id)
        higher = t.score_sum * samples > total * t.samples
        equal = t.score_sum * samples == total * t.samples
    else:
        t = PointsTally
        higher, equal = t.points > value, t.points == value
    return or_(
        higher,
        and_(equal, t.reached_at < reached),
        and_(equal, t.reached_at == reached, t.user_id < user_id),
    )


def _quality_parts(board: Board, t, mine, user_id: int) -> tuple[int, int]:
    query = select(t.score_sum, t.samples).where(
        t.user_id == user_id, t.period == board.period, t.period_start == board.start
    )
    return tuple(db.session.execute(query).one())


def neighbours(board: Board, user_id: int, scope: Scope = COMPANY, *, where=None):
    """The nearest row above and the nearest below a person (either may be None). On a
    points board each side looks among equal points first, then among the nearest value
    anyone in scope holds beyond theirs, so each query reads a range of the board index in
    its order (ordering the next values' rows by reached_at the other way round would sort
    all who share that value: thousands, on a big board)."""
    mine = get_standing(board, user_id)
    if mine is None:
        return None, None
    ahead = _ahead(board, mine, user_id)
    if board.is_quality:
        sides = [[(ahead, True)], [(~ahead, False)]]
    else:
        t, (value, reached) = PointsTally, mine
        above = _nearest_value(board, scope, where, t.points > value, t.points.asc())
        below = _nearest_value(board, scope, where, t.points < value, t.points.desc())
        sides = [
            [
                (and_(t.points == value, t.reached_at <= reached, ahead), True),
                (t.points == above, True),
            ],
            [
                (and_(t.points == value, t.reached_at >= reached, ~ahead), False),
                (t.points == below, False),
            ],
        ]
    return tuple(_nearest(board, scope, user_id, side, where) for side in sides)


def _nearest_value(board: Board, scope: Scope, where, beyond, nearest_first):
    """The points value nearest to a person's, on one side, that someone in scope holds."""
    query = _in_scope(_source(board), scope, _user_column(board)).where(beyond)
    if where is not None:
        query = query.where(where)
    nearest = query.with_only_columns(PointsTally.points).order_by(nearest_first).limit(1)
    return nearest.scalar_subquery()


def _nearest(board: Board, scope: Scope, user_id: int, tries, where):
    """The first row found by the first condition that finds one, nearest to the person."""
    for condition, above in tries:
        query = _in_scope(_source(board), scope, _user_column(board)).where(
            condition, _user_column(board) != user_id
        )
        if where is not None:
            query = query.where(where)
        order = _order(board)
        if above:
            order = (order[0].element.asc(), order[1].desc(), order[2].desc())
        row = db.session.execute(query.order_by(*order).limit(1)).first()
        if row is not None:
            return (row[0], row[1], row[2])
    return None


def count_between(board: Board, scope: Scope, upper: tuple, lower: tuple, where) -> int:
    """How many people `where` allows rank strictly between two rows (user_id, value,
    reached_at), `upper` ranking above `lower`."""
    table, column = (QualityTally if board.is_quality else PointsTally), _user_column(board)
    condition = and_(
        _period(board),
        _ahead(board, lower[1:], lower[0]),
        ~_ahead(board, upper[1:], upper[0]),
        column != upper[0],
    )
    if not board.is_quality:  # a range of the board index
        condition = and_(condition, PointsTally.points.between(lower[1], upper[1]))
    query = _in_scope(select(func.count()).select_from(table), scope, column)
    return db.session.scalar(query.where(condition, where))


def division_winners(board: Board, division_ids) -> dict[int, Standing]:
    """The top person of each division ("highest data quality in each division")."""
    winners = {}
    for division_id in division_ids:
        top = list_standings(board, Scope("division", division_id), limit=1)
        if top:
            winners[division_id] = top[0]
    return winners
