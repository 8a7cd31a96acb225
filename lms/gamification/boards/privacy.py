"""How people appear on leaderboards colleagues see, and the learner's view of a board.

The rule: HR and admins see full names everywhere. A learner sees the top ten, their own
row and one neighbour above and below; a person is named only if they opted in
(`BoardPreference.show_name`), otherwise "Colleague #4, <division>" — numbered in the order
the page shows them, so a board reads as people, the number stable on that page only (see
rules.ColleagueNumbers); people who opted out
of public boards (`on_public_boards` false) are left out of what colleagues see, but keep
their rank and still win and receive rewards. Ranks shown are true ranks, so numbers may
skip where someone is left out. A person always sees their own row, named.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select

from lms.auth.models import User
from lms.database import db
from lms.gamification.boards import leaderboards as lb
from lms.gamification.boards.rules import ColleagueNumbers, colleague_label
from lms.gamification.models import BoardPreference

TOP = 10


@dataclass(frozen=True)
class BoardRow:
    rank: int
    user_id: int
    name: str
    division: str
    value: float
    is_viewer: bool = False


def is_staff(viewer) -> bool:
    return viewer.has_role("hr") or viewer.has_role("admin")


def get_preference(user_id: int) -> BoardPreference | None:
    return db.session.get(BoardPreference, user_id)


def save_preference(person: User, *, show_name: bool, on_public_boards: bool, now):
    """Record how a person appears to colleagues; one row per person, updated in place."""
    preference = get_preference(person.id)
    if preference is None:
        preference = BoardPreference(user_id=person.id)
        db.session.add(preference)
    preference.show_name = bool(show_name)
    preference.on_public_boards = bool(on_public_boards)
    preference.updated_at = now
    db.session.flush()
    return preference


def visible_to(viewer_id: int):
    """SQL condition on User: colleagues see this person (or it is the viewer)."""
    opted_out = exists().where(
        BoardPreference.user_id == User.id, BoardPreference.on_public_boards.is_(False)
    )
    return or_(User.id == viewer_id, ~opted_out)


def hidden_from(viewer_id: int):
    """SQL condition on User: opted out of what colleagues see (found from the few
    preference rows, not by checking every row of a board)."""
    opted_out = select(BoardPreference.user_id).where(BoardPreference.on_public_boards.is_(False))
    return and_(User.id.in_(opted_out), User.id != viewer_id)


def display_name(
    person: User, preference: BoardPreference | None, viewer, numbers: ColleagueNumbers
) -> str:
    """Full name for staff, the person themselves, or people who opted in; otherwise a
    numbered colleague in their division ("Colleague #4, South")."""
    if is_staff(viewer) or person.id == viewer.id or (preference and preference.show_name):
        return person.name
    return colleague_label(numbers.of(person.id), person.division.name if person.division else "")


def is_hidden_from(viewer, preference: BoardPreference | None, person_id: int) -> bool:
    """Python twin of `visible_to`, for boards ranked in memory."""
    if is_staff(viewer) or person_id == viewer.id or preference is None:
        return False
    return not preference.on_public_boards


def rows_for(standings, viewer, numbers: ColleagueNumbers | None = None) -> list[BoardRow]:
    """Standings as printable rows for this viewer, names by the rule above; rows of one
    page share its `numbers`."""
    numbers = numbers or ColleagueNumbers()
    ids = sorted({s.user_id for s in standings})
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    prefs = {
        p.user_id: p
        for p in db.session.scalars(select(BoardPreference).where(BoardPreference.user_id.in_(ids)))
    }
    rows = []
    for s in standings:
        person = people[s.user_id]
        rows.append(
            BoardRow(
                rank=s.rank,
                user_id=s.user_id,
                name=display_name(person, prefs.get(s.user_id), viewer, numbers),
                division=person.division.name if person.division else "",
                value=s.value,
                is_viewer=s.user_id == viewer.id,
            )
        )
    return rows


def preferences_of(user_ids) -> dict[int, BoardPreference]:
    ids = sorted(set(user_ids))
    query = select(BoardPreference).where(BoardPreference.user_id.in_(ids))
    return {p.user_id: p for p in db.session.scalars(query)}


def learner_view(board, scope, viewer) -> tuple[list[BoardRow], list[BoardRow]]:
    """(top rows, the viewer's own row with its neighbours not already in the top) of a
    board ranked in SQL (leaderboards.Board). One full rank count (the viewer's); the
    neighbours' ranks follow from it and the hidden people between them."""
    hidden = None if is_staff(viewer) else hidden_from(viewer.id)
    top = _visible_top(board, scope, viewer)
    own = lb.rank_of(board, viewer.id, scope)
    around = []
    if own is not None:
        where = None if hidden is None else visible_to(viewer.id)
        above, below = lb.neighbours(board, viewer.id, scope, where=where)
        mine = (own.user_id, own.value, own.reached_at)
        if above is not None:
            skipped = _between(board, scope, above, mine, hidden)
            around.append(lb.Standing(own.rank - 1 - skipped, *above))
        around.append(own)
        if below is not None:
            skipped = _between(board, scope, mine, below, hidden)
            around.append(lb.Standing(own.rank + 1 + skipped, *below))
    return _split(top, around, viewer)


def _between(board, scope, upper, lower, hidden) -> int:
    return 0 if hidden is None else lb.count_between(board, scope, upper, lower, hidden)


def _visible_top(board, scope, viewer, page_size: int = 50):
    """The first TOP rows this viewer may see, with their true ranks (taken from the whole
    board in pages, the hidden rows dropped)."""
    shown, offset = [], 0
    while len(shown) < TOP:
        page = lb.list_standings(board, scope, limit=page_size, offset=offset)
        prefs = preferences_of(s.user_id for s in page)
        shown += [s for s in page if not is_hidden_from(viewer, prefs.get(s.user_id), s.user_id)]
        if len(page) < page_size:
            break
        offset += page_size
    return shown[:TOP]


def learner_view_of_list(standings, viewer) -> tuple[list[BoardRow], list[BoardRow]]:
    """The same view of a board ranked in memory (early adopters, contests)."""
    prefs = preferences_of(s.user_id for s in standings)
    shown = [s for s in standings if not is_hidden_from(viewer, prefs.get(s.user_id), s.user_id)]
    top = shown[:TOP]
    around = []
    for index, s in enumerate(shown):
        if s.user_id == viewer.id:
            around = shown[max(0, index - 1) : index + 2]
    return _split(top, around, viewer)


def _split(top, around, viewer) -> tuple[list[BoardRow], list[BoardRow]]:
    in_top = {s.user_id for s in top}
    extra = [s for s in around if s.user_id not in in_top]
    numbers = ColleagueNumbers()  # one page: the top, then the rows around the viewer
    return rows_for(top, viewer, numbers), rows_for(extra, viewer, numbers)
