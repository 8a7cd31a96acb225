"""Statements about one person are numbered, and decided on, one transaction at a time.

Points and badges are decided in the transaction that stores the statements, and
`lms gamification rebuild` decides them again in stored order (primary keys). On
PostgreSQL two transactions storing statements about the same person could otherwise take
their primary keys in one order and commit in the other: the later-numbered batch would
decide first, the ledger would credit a per-object award to another statement than the
replay does, and the rebuild would report differences on a healthy system. So a batch
takes each of its people's locks before it takes primary keys, and holds them to commit:
for each person, statement order is decision order.

SQLite needs nothing: a writing transaction holds the database's write lock from its
start."""

from lms.database import db

# The first key of PostgreSQL's two-key advisory locks: "statements about person <id>".
PERSON_LOCK = 0x55505450


def lock_people(user_ids) -> None:
    """On PostgreSQL, wait for any other transaction storing statements about, or deciding
    points for, these people (advisory locks held to commit, taken in id order so two
    batches never deadlock)."""
    ids = sorted({user_id for user_id in user_ids if user_id is not None})
    if not ids or db.session.connection().dialect.name != "postgresql":
        return
    # One round trip: unnest yields the sorted ids in order, and the locks are taken row
    # by row as the scan yields them.
    db.session.connection().exec_driver_sql(
        "SELECT count(pg_advisory_xact_lock(%(space)s, id)) "
        "FROM unnest(CAST(%(ids)s AS integer[])) AS id",
        {"space": PERSON_LOCK, "ids": ids},
    )
