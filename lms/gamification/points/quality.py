"""Data-quality samples: the scores the CRM reports about people, kept per statement so
they can be averaged per person and period, and taken away when a statement is voided."""

from sqlalchemy import delete, select

from lms.bulk_writes import insert_rows
from lms.database import db
from lms.gamification import rules as r
from lms.gamification.models import QualitySample
from lms.gamification.points.tallies import add_to_quality_tallies
from lms.value_lists import among


def quality_samples(earning, settings: r.QualitySettings | None) -> list[dict]:
    """A sample for each statement that carries a scaled score from the configured source."""
    if settings is None:
        return []
    return [
        {
            "user_id": user_id,
            "statement_pk": pk,
            "scored_at": facts.when,
            "score": r.scaled_to_score(facts.scaled),
        }
        for pk, user_id, facts in earning
        if facts.scaled is not None and settings.match.matches(facts)
    ]


def write_samples(samples: list[dict]) -> None:
    if samples:
        insert_rows(QualitySample.__table__, samples)
        add_to_quality_tallies(samples)


def remove_samples(statement_pks: list[int]) -> None:
    """Voided statements' samples leave the averages."""
    if not statement_pks:
        return
    query = select(QualitySample).where(among(QualitySample.statement_pk, statement_pks))
    samples = [
        {"user_id": s.user_id, "score": s.score, "scored_at": s.scored_at}
        for s in db.session.scalars(query)
    ]
    if samples:
        db.session.execute(
            delete(QualitySample).where(among(QualitySample.statement_pk, statement_pks)),
            execution_options={"synchronize_session": False},
        )
        add_to_quality_tallies(samples, sign=-1)
