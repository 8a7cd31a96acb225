"""What units report, and what follows: a cmi5 AU's statements checked against the cmi5
rules before the LRS stores them, a SCORM SCO's runtime data stored at each commit, each
unit's moveOn criteria, the blocks and the course they satisfy, and the course's completion.
Services: plain values in, flush, never commit."""

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from lms import events
from lms.courses import rules
from lms.courses.enrolment import assign_refresher
from lms.courses.models import Enrollment
from lms.courses.packages import cmi5_rules, scorm_rules, scorm_time, structure
from lms.courses.packages.models import (
    SCORM_VERSIONS,
    LaunchSession,
    PackageUnit,
    UnitProgress,
)
from lms.database import db
from lms.errors import DomainError
from lms.xapi import vocabulary as v
from lms.xapi.store.identifiers import launch_agent


class AuStatementRefused(DomainError):
    """A statement an AU sent breaks a cmi5 rule; nothing of its batch is stored."""


def progress_of(enrollment: Enrollment, unit: PackageUnit, *, now: datetime) -> UnitProgress:
    """The learner's row for the unit in this enrolment, made on first use."""
    found = db.session.scalar(
        select(UnitProgress).where(
            UnitProgress.enrollment_id == enrollment.id, UnitProgress.unit_id == unit.id
        )
    )
    if found is None:
        found = UnitProgress(enrollment=enrollment, unit=unit, updated_at=now)
        db.session.add(found)
        db.session.flush()
    return found


# cmi5 ----------------------------------------------------------------------------------------


def session_facts(session: LaunchSession) -> cmi5_rules.SessionFacts:
    """What the cmi5 rules need to judge the next statements of this session."""
    progress = session.progress
    unit, enrollment = progress.unit, progress.enrollment
    return cmi5_rules.SessionFacts(
        actor=launch_agent(enrollment.user, current_app.config["BASE_URL"]),
        registration=enrollment.registration,
        activity_id=unit.activity_id,
        unit_publisher_id=unit.publisher_id,
        session_id=session.session_id,
        launch_mode=session.launch_mode,
        mastery_score=unit.mastery_score,
        move_on=unit.move_on,
        initialized=session.initialized_at is not None,
        terminated=session.terminated_at is not None,
        completed=progress.completed_at is not None,
        passed=progress.passed_at is not None,
        failed=progress.failed_at is not None,
        preferences_read=session.preferences_read_at is not None,
        # One of passed or failed per session; a later session may pass after a failure.
        failed_in_session=(
            progress.failed_at is not None and progress.failed_at >= session.launched_at
        ),
    )


def check_au_statements(session: LaunchSession, statements: list) -> cmi5_rules.SessionFacts:
    """The session's facts after these statements, or AuStatementRefused naming the first
    statement that breaks a cmi5 rule (cmi5 6.3: the LMS rejects them)."""
    try:
        return cmi5_rules.check_au_statements(statements, session_facts(session))
    except cmi5_rules.Cmi5Violation as violation:
        raise AuStatementRefused(str(violation)) from None


def record_au_statements(
    session: LaunchSession, after: cmi5_rules.SessionFacts, scores: list[float], *, now
) -> None:
    """Keep what the AU's stored statements said (initialized, completed, passed, failed,
    terminated), then apply the unit's moveOn criteria."""
    progress = session.progress
    before = session_facts(session)
    session.last_seen_at = now
    if after.initialized and not before.initialized:
        session.initialized_at = now
    if after.terminated and not before.terminated:
        session.terminated_at = now
    if after.completed and not before.completed:
        progress.completed_at = now
    if after.passed and not before.passed:
        progress.passed_at = now
    if (after.failed and not before.failed) or (
        after.failed_in_session and not before.failed_in_session
    ):
        _failed(progress, now)
    if scores:
        progress.score_scaled = max(scores + [progress.score_scaled or 0.0])
    progress.updated_at = now
    db.session.flush()
    evaluate_satisfaction(progress.enrollment, session=session, now=now)


def scaled_scores(statements: list) -> list[float]:
    """The scaled scores of the passed and failed statements among these (cmi5 9.5.1)."""
    found = []
    for statement in statements:
        verb = (statement.get("verb") or {}).get("id")
        scaled = ((statement.get("result") or {}).get("score") or {}).get("scaled")
        if verb in (v.VERB_PASSED, v.VERB_FAILED) and scaled is not None:
            found.append(float(scaled))
    return found


# SCORM ---------------------------------------------------------------------------------------


def scorm_player_url(session: LaunchSession) -> str:
    unit = session.progress.unit
    slug = unit.package.course.slug
    return f"/courses/{slug}/units/{unit.id}/play/{session.session_id}"


def scorm_player_settings(session: LaunchSession) -> dict:
    """What the player hands the SCORM runtime: the data model as last committed (so the SCO
    resumes), the learner, the mastery score (scorm_rules.initial_data)."""
    progress = session.progress
    unit, person = progress.unit, progress.enrollment.user
    return scorm_rules.initial_data(
        SCORM_VERSIONS[unit.package.standard],
        progress.runtime_data,
        student_id=str(person.employee_id or f"uptake-{person.id}"),
        student_name=_last_first(person.name),
        mastery_score=unit.mastery_score,
        launch_data=unit.launch_parameters or "",
        mode="normal" if session.launch_mode == "Normal" else "browse",
        credit="credit" if session.launch_mode == "Normal" else "no-credit",
    )


def _last_first(name: str) -> str:
    """SCORM's student_name is "Last, First"."""
    parts = name.rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name


def commit_scorm(
    session: LaunchSession, data, *, now: datetime, finishing: bool = False
) -> scorm_rules.Outcome:
    """Store a SCO's runtime data as it commits (scorm_rules.clean_runtime_data says what
    is kept; RuntimeDataError names what is wrong), record the commit as statements, and
    apply what the data says of completion and success. `finishing`: the SCO's LMSFinish /
    Terminate, which ends the session. A session a later launch replaced takes no more
    commits."""
    if session.abandoned_at is not None:
        raise DomainError("This session was replaced by a later launch of the unit.")
    progress = session.progress
    version = SCORM_VERSIONS[progress.unit.package.standard]
    try:
        clean = scorm_rules.clean_runtime_data(version, data)
    except scorm_rules.RuntimeDataError as error:
        raise DomainError(str(error)) from None
    before = progress.runtime_data or {}
    clean = scorm_time.with_total_time(version, before, clean, finishing=finishing)
    outcome = scorm_rules.unit_outcome(version, clean)
    progress.runtime_data, progress.updated_at = clean, now
    session.last_seen_at = now
    if session.initialized_at is None:
        session.initialized_at = now
    if finishing:
        session.terminated_at = session.terminated_at or now
    if session.launch_mode == "Normal":
        _apply_outcome(session, outcome, now)
    db.session.flush()
    # Every commit: one that changes no data may still open or end the session (recording's
    # scorm_statements records nothing for a commit that says nothing new).
    events.publish(events.ScormCommitted(session=session, before=before, after=clean, now=now))
    evaluate_satisfaction(progress.enrollment, session=session, now=now)
    return outcome


def _apply_outcome(session: LaunchSession, outcome, now: datetime) -> None:
    progress = session.progress
    if outcome.completed and progress.completed_at is None:
        progress.completed_at = now
    if outcome.passed is True and progress.passed_at is None:
        progress.passed_at = now
    failed_before = progress.failed_at is not None and progress.failed_at >= session.launched_at
    if outcome.passed is False and progress.passed_at is None and not failed_before:
        _failed(progress, now)  # once a session, however often the SCO commits its failure
    if outcome.score_scaled is not None:
        progress.score_scaled = outcome.score_scaled


def _failed(progress: UnitProgress, now: datetime) -> None:
    """A session failed the unit: after FAILURES_BEFORE_REMEDIAL of them without a pass, the
    learner is put on the course's refresher, as after failed quiz attempts."""
    progress.failed_at = now
    progress.failures += 1
    enrollment = progress.enrollment
    course = enrollment.course
    passed = progress.passed_at is not None
    if course.remedial_course is None or not rules.needs_remedial(progress.failures, passed):
        return
    assign_refresher(
        enrollment.user,
        course.remedial_course,
        reason=(
            f"Assigned after {progress.failures} attempts at “{progress.unit.title}” in "
            f"“{course.title}” did not pass."
        ),
        due_on=now.date() + rules.REMEDIAL_DUE,
        now=now,
        failed_course=course,
    )


# Satisfaction ----------------------------------------------------------------------------------


def satisfy_what_needs_nothing(enrollment: Enrollment, *, session, now: datetime) -> None:
    """Units whose moveOn is NotApplicable are satisfied from the start (cmi5 moveOn), and
    with them any block or course they complete, before the first launch's statement."""
    for unit in _current_units(enrollment):
        if unit.move_on == "NotApplicable":
            progress_of(enrollment, unit, now=now)
    evaluate_satisfaction(enrollment, session=session, now=now)


def evaluate_satisfaction(enrollment: Enrollment, *, session, now: datetime) -> None:
    """Mark each unit whose moveOn criteria are now met satisfied, then announce the blocks
    and the course that became satisfied with it (cmi5 satisfied statements, inner blocks
    first) and complete the course when all of it is. Satisfaction is never taken back."""
    units = _current_units(enrollment)
    rows = _progress_rows(enrollment)
    before = {unit.publisher_id for unit in units if _satisfied(rows.get(unit.id))}
    for unit in units:
        row = rows.get(unit.id)
        if row is not None and row.satisfied_at is None and _meets_move_on(unit, row):
            row.satisfied_at = now
    after = {unit.publisher_id for unit in units if _satisfied(rows.get(unit.id))}
    if after == before and enrollment.completed_at is not None:
        return
    package = enrollment.course.package
    spec = structure.from_json(package.structure)
    already, course_before = cmi5_rules.newly_satisfied(spec, before, set(), False)
    blocks, course_now = cmi5_rules.newly_satisfied(spec, after, set(already), course_before)
    course_done = course_now or (course_before and enrollment.completed_at is None)
    if package.standard == "cmi5" and (blocks or course_now):
        events.publish(
            events.PackageNodesSatisfied(
                enrollment=enrollment,
                block_ids=tuple(blocks),
                course=course_now,
                session=session,
                now=now,
            )
        )
    if course_done and enrollment.completed_at is None:
        enrollment.completed_at = now
        events.publish(events.CourseCompleted(enrollment=enrollment, now=now))


def _satisfied(row: UnitProgress | None) -> bool:
    return row is not None and row.satisfied_at is not None


def _meets_move_on(unit: PackageUnit, row: UnitProgress) -> bool:
    return cmi5_rules.unit_satisfied(
        unit.move_on,
        completed=row.completed_at is not None,
        passed=row.passed_at is not None,
        waived=row.waived_at is not None,
    )


def _current_units(enrollment: Enrollment) -> list[PackageUnit]:
    package = enrollment.course.package
    return [unit for unit in package.units if unit.retired_at is None]


def _progress_rows(enrollment: Enrollment) -> dict[int, UnitProgress]:
    rows = db.session.scalars(
        select(UnitProgress).where(UnitProgress.enrollment_id == enrollment.id)
    )
    return {row.unit_id: row for row in rows}
