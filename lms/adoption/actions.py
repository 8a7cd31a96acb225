"""What a signal triggers, as content/adoption.yaml says: assign a remedial course (through
the enrolment service, with the signal's reason), nudge the person, or tell their manager
(through the communications service). Each is taken once per episode: on the signal's first
week, and never again once `acted_at` is set."""

from datetime import datetime, timedelta

from sqlalchemy import select

from lms.adoption import rules as r
from lms.adoption.content import AdoptionContent
from lms.adoption.models import AdoptionSignal
from lms.communications.services import notify
from lms.courses.enrolment import assign_refresher
from lms.courses.models import Course
from lms.database import db

REMEDIAL_DUE = timedelta(days=14)


def take_actions(signals: list[AdoptionSignal], content: AdoptionContent, *, now: datetime):
    """Act on each signal that starts an episode and has not been acted on; returns the
    signals acted on."""
    acted = []
    for signal in signals:
        spec = content.spec(signal.kind)
        if signal.acted_at is not None or signal.since != signal.week_start:
            continue
        if spec is None or spec.response is None:
            continue
        signal.response = spec.response.kind
        signal.outcome = _respond(signal, spec.response, now)
        signal.acted_at = now
        acted.append(signal)
    db.session.flush()
    return acted


def pending(week) -> list[AdoptionSignal]:
    """The week's signals not yet acted on."""
    query = select(AdoptionSignal).where(
        AdoptionSignal.week_start == week, AdoptionSignal.acted_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(AdoptionSignal.id)))


def _respond(signal: AdoptionSignal, response: r.Response, now: datetime) -> str:
    if response.kind == r.ASSIGN_REMEDIAL:
        return _assign_remedial(signal, response.course_slug, now)
    if response.kind == r.NUDGE:
        return _nudge(signal, now)
    return _tell_manager(signal, now)


def _assign_remedial(signal: AdoptionSignal, slug: str, now: datetime) -> str:
    """The course once (`assign_refresher`: someone already on it, or who finished it, is
    not assigned again), under the same onboarding rule as a refresher after failed quizzes."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return f"No course “{slug}” is loaded; nothing was assigned."
    assigned = assign_refresher(
        signal.user, course, reason=signal.reason, due_on=now.date() + REMEDIAL_DUE, now=now
    )
    if assigned is None:
        return f"Already on “{course.title}”; not assigned again."
    return f"Assigned “{course.title}”."


def _nudge(signal: AdoptionSignal, now: datetime) -> str:
    person = signal.user
    notify(
        person,
        key=f"adoption:{signal.kind}:{signal.since.isoformat()}",
        title=r.SIGNAL_TITLES[signal.kind],
        body=f"{signal.reason} {NUDGES[signal.kind]}",
        now=now,
    )
    return f"Nudged {person.name}."


def _tell_manager(signal: AdoptionSignal, now: datetime) -> str:
    person, manager = signal.user, signal.user.manager
    if manager is None or not manager.active:
        return f"{person.name} has no active manager to tell."
    notify(
        manager,
        key=f"adoption:{signal.kind}:{person.id}:{signal.since.isoformat()}",
        title=f"{person.name}: {r.SIGNAL_TITLES[signal.kind].lower()}",
        body=f"{signal.reason} A word from you may help.",
        now=now,
        link=f"/adoption/team/{manager.id}",
    )
    return f"Told {manager.name}."


NUDGES = {
    r.UPDATING_DROP: "Keeping records up to date each day keeps your pipeline reliable.",
    r.DATA_QUALITY: "Complete profiles make every report you run more useful.",
    r.FEW_REPORTS: "Try the pipeline report: it answers most questions in a minute.",
    r.THREE_X: "The CRM can give back more: try its reports, views and searches.",
}
