"""CRM champions and the people they support: the active people of the divisions they
champion. Seen by the champion themselves, HR and admins; anyone else gets 404."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth import rules
from lms.auth.models import Champion, Division, User
from lms.database import db


@dataclass(frozen=True)
class SupportedDivision:
    division: Division
    people: list[User]  # active, by name; the champion themselves left out


def is_champion(person: User) -> bool:
    found = select(Champion.user_id).where(Champion.user_id == person.id).limit(1)
    return db.session.scalar(found) is not None


def can_see_supported(viewer: User, champion: User) -> bool:
    """The champion themselves, HR and admins."""
    return viewer.id == champion.id or bool(viewer.roles & {rules.ROLE_HR, rules.ROLE_ADMIN})


def get_champion_for(viewer: User, person_id: int) -> User | None:
    """The champion if they are one and the viewer may see whom they support; else None."""
    person = db.session.get(User, person_id)
    if person is None or not is_champion(person) or not can_see_supported(viewer, person):
        return None
    return person


def list_supported(champion: User) -> list[SupportedDivision]:
    """Each division the person champions, with its active people. Two queries."""
    divisions = list(
        db.session.scalars(
            select(Division)
            .join(Champion, Champion.division_id == Division.id)
            .where(Champion.user_id == champion.id)
            .order_by(Division.name)
        )
    )
    people: dict[int, list[User]] = {division.id: [] for division in divisions}
    for person in db.session.scalars(
        select(User)
        .options(selectinload(User.manager))
        .where(
            User.division_id.in_(people.keys()),
            User.active.is_(True),
            User.id != champion.id,
        )
        .order_by(User.name, User.id)
    ):
        people[person.division_id].append(person)
    return [SupportedDivision(division, people[division.id]) for division in divisions]
