"""What gamification keeps of a statement archived and removed (`lms xapi prune`):
everything it derived — the ledger rows, data-quality samples and badge awards — with only
the link to the statement let go. Tallies and boards never read the statements."""

from sqlalchemy import update

from lms.database import db
from lms.gamification.models import BadgeAward, PointsEntry, QualitySample
from lms.value_lists import among


def unlink(statement_pks) -> None:
    """Let go of these statements: each row that names one keeps its points, score or badge,
    and names none."""
    pks = list(statement_pks)
    for table in (PointsEntry.__table__, QualitySample.__table__, BadgeAward.__table__):
        db.session.execute(
            update(table).where(among(table.c.statement_pk, pks)).values(statement_pk=None)
        )
