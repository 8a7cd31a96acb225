"""Quiz passes too fast to have been read: HR sees them flagged on the incentive pages, the
day's and each board's period, before granting a reward. The pace is the points rules' own
(`min_seconds_per_question`, content/gamification/points.yaml): such a pass completed the
course but earned no quiz points. A flag is a prompt to look, not a verdict."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Enrollment, QuizAttempt
from lms.database import db
from lms.gamification.rules import Ruleset

QUIZ_VERB = "http://adlnet.gov/expapi/verbs/passed"


@dataclass(frozen=True)
class FastPass:
    person: User
    course_title: str
    submitted_at: datetime
    seconds: float
    questions: int

    @property
    def seconds_per_question(self) -> float:
        return self.seconds / self.questions


def reading_pace(ruleset: Ruleset) -> float | None:
    """The slowest pace a points rule asks of a quiz pass; None when no rule asks one."""
    paces = [
        rule.match.min_seconds_per_question
        for rule in ruleset.rules_for(QUIZ_VERB)
        if rule.match.min_seconds_per_question
    ]
    return max(paces, default=None)


def list_fast_passes(
    start: datetime, end: datetime, pace: float | None, people: set[int] | None = None
) -> list[FastPass]:
    """The quiz passes submitted in [start, end) faster than `pace` seconds a question (of
    these people, when given), fastest first."""
    if not pace:
        return []
    query = (
        select(QuizAttempt, Enrollment)
        .join(Enrollment, Enrollment.id == QuizAttempt.enrollment_id)
        .where(QuizAttempt.passed.is_(True), QuizAttempt.started_at.is_not(None))
        .where(QuizAttempt.submitted_at >= start, QuizAttempt.submitted_at < end)
    )
    found = []
    for attempt, enrollment in db.session.execute(query):
        if people is not None and enrollment.user_id not in people:
            continue
        seconds = (attempt.submitted_at - attempt.started_at).total_seconds()
        questions = max(1, len(attempt.answers))
        if seconds / questions < pace:
            found.append(
                FastPass(
                    enrollment.user,
                    enrollment.course.title,
                    attempt.submitted_at,
                    seconds,
                    questions,
                )
            )
    return sorted(found, key=lambda p: (p.seconds_per_question, p.person.id))
