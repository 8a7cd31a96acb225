"""Launching a package's units: the session, the cmi5 launch URL and the documents it
reads first, the single-use fetch URL and the AU's own LRS credentials; abandoning and
waiving. Services: plain values in, flush, never commit."""

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from flask import current_app
from sqlalchemy import select

from lms import events
from lms.courses.models import Enrollment
from lms.courses.packages import cmi5_rules, tracking
from lms.courses.packages.models import (
    LAUNCH_MODES,
    CoursePackage,
    LaunchSession,
    PackageUnit,
    UnitProgress,
)
from lms.database import db
from lms.errors import DomainError, NotAllowed
from lms.xapi.store import documents
from lms.xapi.store.concurrency import Preconditions
from lms.xapi.store.identifiers import agent_key, launch_agent

AU_KEY_PREFIX = "cmi5-"
LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
# The fetch URL's error codes (cmi5 8.2.3.2).
ALREADY_USED, SECURITY_ERROR = "1", "2"


@dataclass(frozen=True)
class Launch:
    session: LaunchSession
    url: str  # where the learner's browser goes


def cmi5_actor(person, base_url: str) -> dict:
    """The learner as the launch names them (identifiers.launch_agent)."""
    return launch_agent(person, base_url)


def launch_unit(
    enrollment: Enrollment,
    unit: PackageUnit,
    *,
    now: datetime,
    launch_mode: str = "Normal",
    return_url: str,
) -> Launch:
    """Open a session on the unit. A session on it still open is abandoned first (cmi5
    9.3.6). For cmi5 the LMS.LaunchData State document and the learner preferences are
    written before the launched statement and the URL is built with its five launch
    parameters (8.1); units whose moveOn is NotApplicable are satisfied first."""
    if unit.retired_at is not None or unit.package.course_id != enrollment.course_id:
        raise NotAllowed("This unit is not part of the course any more.")
    if launch_mode not in LAUNCH_MODES:
        raise DomainError(f"launchMode must be one of {', '.join(LAUNCH_MODES)}.")
    progress = tracking.progress_of(enrollment, unit, now=now)
    for open_session in _open_sessions(progress):
        abandon_session(open_session, now=now)
    if enrollment.started_at is None:
        enrollment.started_at = now
    session = LaunchSession(
        session_id=str(uuid.uuid4()), progress=progress, launch_mode=launch_mode, launched_at=now
    )
    db.session.add(session)
    db.session.flush()
    package = unit.package
    if package.standard != "cmi5":
        url = tracking.scorm_player_url(session)
        events.publish(events.UnitLaunched(session=session, launch_url=url, now=now))
        return Launch(session, url)
    tracking.satisfy_what_needs_nothing(enrollment, session=session, now=now)
    fetch_token = secrets.token_urlsafe(32)
    session.fetch_token_hash = _digest(fetch_token)
    base_url = current_app.config["BASE_URL"]
    actor = cmi5_actor(enrollment.user, base_url)
    _write_launch_documents(session, actor, return_url, now=now)
    url = cmi5_rules.launch_url(
        _unit_address(unit, base_url),
        endpoint=f"{base_url}/xapi/",
        fetch=f"{base_url}/cmi5/fetch/{fetch_token}",
        actor=actor,
        registration=enrollment.registration,
        activity_id=unit.activity_id,
    )
    db.session.flush()
    events.publish(events.UnitLaunched(session=session, launch_url=url, now=now))
    return Launch(session, url)


def _open_sessions(progress: UnitProgress) -> list[LaunchSession]:
    return list(
        db.session.scalars(
            select(LaunchSession).where(
                LaunchSession.progress_id == progress.id,
                LaunchSession.terminated_at.is_(None),
                LaunchSession.abandoned_at.is_(None),
            )
        )
    )


def _unit_address(unit: PackageUnit, base_url: str) -> str:
    """The unit's absolute URL: as given, or under the package's files."""
    if "://" in unit.url:
        return unit.url
    return f"{base_url}/packages/{unit.package.files_key}/{quote(unit.url, safe='/?=&;%:@')}"


def _write_launch_documents(session: LaunchSession, actor: dict, return_url: str, *, now):
    """LMS.LaunchData (cmi5 10.0) for this registration, replaced at every launch, and the
    learner preferences agent profile (11.0), written once and left to the learner after."""
    progress = session.progress
    unit, enrollment = progress.unit, progress.enrollment
    key = agent_key(actor)
    data = cmi5_rules.launch_data(
        session_id=session.session_id,
        course_publisher_id=unit.package.publisher_id,
        unit_publisher_id=unit.publisher_id,
        launch_mode=session.launch_mode,
        launch_method=unit.launch_method,
        move_on=unit.move_on,
        mastery_score=unit.mastery_score,
        return_url=return_url,
        launch_parameters=unit.launch_parameters,
        entitlement_key=unit.entitlement_key,
    )
    state = documents.DocumentKey(
        kind=documents.STATE,
        document_id=LAUNCH_DATA,
        activity_id=unit.activity_id,
        agent_key=key,
        registration=enrollment.registration,
    )
    _put_json(state, data, now=now)
    preferences = documents.DocumentKey(
        kind=documents.AGENT_PROFILE, document_id=LEARNER_PREFERENCES, agent_key=key
    )
    if documents.get_document(preferences) is None:
        language = getattr(enrollment.user, "locale", None)
        _put_json(preferences, cmi5_rules.learner_preferences(language), now=now)


def _put_json(key: documents.DocumentKey, value: dict, *, now: datetime) -> None:
    content = json.dumps(value, ensure_ascii=False).encode("utf-8")
    documents.put_document(
        key,
        content,
        documents.JSON_TYPE,
        Preconditions(),
        now=now,
        concurrency_required=False,
    )


# The fetch URL and the AU's credentials ----------------------------------------------------


@dataclass(frozen=True)
class FetchAnswer:
    """The fetch URL's JSON body: {"auth-token": ...} once, an error code after (8.2)."""

    body: dict


def fetch_auth_token(token: str, *, now: datetime) -> FetchAnswer:
    """Hand out the session's LRS credentials, once. The token is HTTP Basic credentials
    (key and secret) that live as long as the session: until it terminates or is
    abandoned, and CMI5_SESSION_HOURS at most."""
    session = db.session.scalar(
        select(LaunchSession).where(LaunchSession.fetch_token_hash == _digest(token))
    )
    if session is None:
        return _fetch_error(SECURITY_ERROR, "This fetch URL is not one Uptake gave out.")
    if session.fetched_at is not None:
        return _fetch_error(ALREADY_USED, "The authorization token has already been returned.")
    if not _live(session, now):
        return _fetch_error(ALREADY_USED, "This launch session has ended.")
    key, secret = AU_KEY_PREFIX + secrets.token_hex(12), secrets.token_urlsafe(32)
    session.fetched_at = now
    session.auth_key, session.auth_secret_hash = key, _digest(secret)
    credentials = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
    return FetchAnswer({"auth-token": credentials})


def _fetch_error(code: str, text: str) -> FetchAnswer:
    return FetchAnswer({"error-code": code, "error-text": text})


def authenticate_au(key: str, secret: str, *, now: datetime) -> LaunchSession | None:
    """The live session these credentials were fetched for, else None."""
    if not key.startswith(AU_KEY_PREFIX):
        return None
    session = db.session.scalar(select(LaunchSession).where(LaunchSession.auth_key == key))
    if session is None or not secrets.compare_digest(session.auth_secret_hash, _digest(secret)):
        return None
    return session if _live(session, now) else None


def note_preferences_read(session_id: int, *, now: datetime) -> None:
    """The AU read its learner's preferences: it may send statements from now on (11.0)."""
    session = db.session.get(LaunchSession, session_id)
    if session is not None and session.preferences_read_at is None:
        session.preferences_read_at = now


def _live(session: LaunchSession, now: datetime) -> bool:
    hours = current_app.config["CMI5_SESSION_HOURS"]
    return (
        session.terminated_at is None
        and session.abandoned_at is None
        and now < session.launched_at + timedelta(hours=hours)
    )


def _digest(value: str) -> str:
    # SHA-256 without salt or rounds: the tokens are 256 random bits, there is nothing to
    # guess, and every AU request checks one.
    return hashlib.sha256(value.encode()).hexdigest()


# Abandoning and waiving ---------------------------------------------------------------------


def abandon_session(session: LaunchSession, *, now: datetime) -> None:
    """Close a session the AU never terminated (cmi5 9.3.6): its credentials stop working
    and an abandoned statement is recorded. An ended session changes nothing."""
    if session.terminated_at is not None or session.abandoned_at is not None:
        return
    session.abandoned_at = now
    db.session.flush()
    if session.progress.unit.package.standard == "cmi5":
        events.publish(events.UnitSessionAbandoned(session=session, now=now))


def find_session(session_id: str) -> LaunchSession | None:
    return db.session.scalar(select(LaunchSession).where(LaunchSession.session_id == session_id))


WAIVE_REASONS = cmi5_rules.WAIVE_REASONS


def waive_unit(enrollment: Enrollment, unit: PackageUnit, reason: str, *, now: datetime) -> bool:
    """Count a unit as satisfied without the learner taking it (cmi5 9.3.7), for one of the
    spec's reasons; then the blocks and course it completes are satisfied. Waiving a unit
    already satisfied changes nothing; returns whether it was waived."""
    if reason not in WAIVE_REASONS:
        raise DomainError(f"The reason must be one of: {', '.join(WAIVE_REASONS)}.")
    if unit.package.standard != "cmi5":
        raise DomainError("Only cmi5 units can be waived.")
    progress = tracking.progress_of(enrollment, unit, now=now)
    if progress.satisfied_at is not None or progress.waived_at is not None:
        return False
    progress.waived_at, progress.waive_reason, progress.updated_at = now, reason, now
    db.session.flush()
    events.publish(events.UnitWaived(progress=progress, now=now))
    tracking.evaluate_satisfaction(enrollment, session=None, now=now)
    return True


def course_package(course_id: int) -> CoursePackage | None:
    return db.session.scalar(select(CoursePackage).where(CoursePackage.course_id == course_id))
