"""Which division each person's weekly rows are filed under, so that the company dashboard
counts active people per division from the weekly rows' own index, without looking up
20,000 people. A person's rows are refiled when their rows are next written after they
moved; until then (and for people deactivated since) the dashboard corrects its counts
with `list_misfiled`."""

from sqlalchemy import select, update

from lms.adoption.models import AdoptionPerson, AdoptionWeek
from lms.auth.models import User
from lms.bulk_writes import insert_rows
from lms.database import db
from lms.value_lists import among

CHUNK = 2_000


def file_people(user_ids) -> dict[int, int | None]:
    """Each person's division now, with their rows refiled there if they were filed under
    another; returns {person: division}."""
    ids = sorted(set(user_ids))
    current: dict[int, int | None] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        current.update(
            db.session.execute(select(User.id, User.division_id).where(among(User.id, chunk))).all()
        )
        filed = dict(
            db.session.execute(
                select(AdoptionPerson.user_id, AdoptionPerson.division_id).where(
                    among(AdoptionPerson.user_id, chunk)
                )
            ).all()
        )
        new = [
            {"user_id": u, "division_id": current[u]}
            for u in chunk
            if u in current and u not in filed
        ]
        insert_rows(AdoptionPerson.__table__, new, ignore_duplicates=True)
        for person in chunk:
            if person in filed and filed[person] != current.get(person):
                refile(person, current.get(person))
    return current


def refile(person_id: int, division_id: int | None) -> None:
    db.session.execute(
        update(AdoptionWeek)
        .where(AdoptionWeek.user_id == person_id)
        .values(division_id=division_id)
    )
    db.session.execute(
        update(AdoptionPerson)
        .where(AdoptionPerson.user_id == person_id)
        .values(division_id=division_id)
    )


def list_misfiled() -> list[tuple[int, int | None, int | None, bool]]:
    """(person, filed division, division now, active now) of everyone whose rows are filed
    under a division they have left, or who has been deactivated: few, whatever the size of
    the company (one pass over people, no per-row lookups)."""
    query = (
        select(User.id, AdoptionPerson.division_id, User.division_id, User.active)
        .join(AdoptionPerson, AdoptionPerson.user_id == User.id)
        .where(
            User.active.is_(False) | AdoptionPerson.division_id.is_distinct_from(User.division_id)
        )
    )
    return [tuple(row) for row in db.session.execute(query)]
