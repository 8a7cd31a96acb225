"""The statements the LMS itself makes about a cmi5 package (cmi5 9.3): launched before an AU
opens, abandoned when a session is left open, waived when an admin counts an AU as met, and
satisfied when a block or the course is met. Each carries the cmi5 context: the enrolment's
registration, the session id, the cmi5 category and the publisher id grouping."""

import uuid
from datetime import datetime, timedelta

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Statement,
)

from lms.courses.packages.cmi5_rules import block_activity_id, without_launch_parameters
from lms.xapi import vocabulary as v
from lms.xapi.recording.parts import iso_timestamp, verb
from lms.xapi.settings import LrsSettings
from lms.xapi.store.identifiers import launch_agent


def learner(person, settings: LrsSettings) -> Agent:
    """The learner as the launch URL's actor names them (identifiers.launch_agent)."""
    account = launch_agent(person, settings.base_url)["account"]
    return Agent(account={"home_page": account["homePage"], "name": account["name"]})


def launched(session, launch_url: str, now: datetime, settings: LrsSettings) -> Statement:
    """The LMS launched the AU (9.3.1): with the launch mode, the URL without the launch
    parameters, moveOn, and the launch parameters and mastery score when the AU has them
    (9.6.3)."""
    unit = session.progress.unit
    extensions = {
        v.CMI5_EXT_LAUNCH_MODE: session.launch_mode,
        v.CMI5_EXT_LAUNCH_URL: without_launch_parameters(launch_url),
        v.CMI5_EXT_MOVE_ON: unit.move_on,
    }
    if unit.launch_parameters is not None:
        extensions[v.CMI5_EXT_LAUNCH_PARAMETERS] = unit.launch_parameters
    if unit.mastery_score is not None:
        extensions[v.CMI5_EXT_MASTERY_SCORE] = unit.mastery_score
    return _about_unit(
        session.progress, v.VERB_LAUNCHED, session.session_id, now, settings, extensions=extensions
    )


def abandoned(session, now: datetime, settings: LrsSettings) -> Statement:
    """The session ended without terminated (9.3.6). Its duration runs from the launch to
    the AU's last request (9.5.4.2), or to now when the AU never made one."""
    end = session.last_seen_at or now
    took = max(end - session.launched_at, timedelta(0))
    return _about_unit(
        session.progress,
        v.VERB_ABANDONED,
        session.session_id,
        now,
        settings,
        result=Result(duration=took),
    )


def waived(progress, now: datetime, settings: LrsSettings) -> Statement:
    """An admin counted the AU as met (9.3.7): success and completion, the reason as a result
    extension (9.5.5.2), the moveOn category (9.6.2.2), and a session id of its own."""
    result = Result(
        success=True,
        completion=True,
        extensions=Extensions({v.CMI5_EXT_REASON: progress.waive_reason or "Administrative"}),
    )
    session_id = str(uuid.uuid4())
    return _about_unit(
        progress, v.VERB_WAIVED, session_id, now, settings, result=result, moveon=True
    )


def nodes_satisfied(
    enrollment, block_ids, course: bool, session, now: datetime, settings: LrsSettings
) -> list[Statement]:
    """One satisfied statement per block newly met, in the order given (inner blocks first),
    then the course's. In the session that met them they carry its id; otherwise (a waiver,
    an enrolment) one new session id of their own (9.3.9)."""
    package = enrollment.course.package
    session_id = session.session_id if session is not None else str(uuid.uuid4())
    nodes = [(block_activity(package, block_id), block_id) for block_id in block_ids]
    if course:
        nodes.append((course_activity(package), package.publisher_id))
    return [
        satisfied(enrollment, node, publisher_id, now, settings, session_id=session_id)
        for node, publisher_id in nodes
    ]


def satisfied(
    enrollment, node: Activity, publisher_id: str, now: datetime, settings, *, session_id: str
) -> Statement:
    """The learner met every AU of a block or of the course (9.3.9). The object is the LMS's
    block or course activity; the grouping holds its publisher id (9.6.2.3)."""
    return Statement(
        id=str(uuid.uuid4()),
        actor=learner(enrollment.user, settings),
        verb=verb(v.VERB_SATISFIED),
        object=node,
        context=_context(enrollment.registration, session_id, [publisher_id], settings),
        timestamp=iso_timestamp(now),
    )


def block_activity(package, block_publisher_id: str) -> Activity:
    """The LMS's activity for a block (9.4): its own id, the cmi5 block type."""
    title = _block_title(package.structure, block_publisher_id)
    return Activity(
        id=block_activity_id(package.activity_id, block_publisher_id),
        definition=ActivityDefinition(
            type=v.TYPE_CMI5_BLOCK, name=LanguageMap({"en-US": title}) if title else None
        ),
    )


def course_activity(package) -> Activity:
    """The LMS's activity for the course (9.4): the package's id, the cmi5 course type."""
    return Activity(
        id=package.activity_id,
        definition=ActivityDefinition(
            type=v.TYPE_CMI5_COURSE, name=LanguageMap({"en-US": package.course.title})
        ),
    )


def unit_activity(unit) -> Activity:
    """The AU as the LMS names it (8.1.5): the same id the launch gave it."""
    description = (unit.description or "").strip()
    return Activity(
        id=unit.activity_id,
        definition=ActivityDefinition(
            name=LanguageMap({"en-US": unit.title}),
            description=LanguageMap({"en-US": description}) if description else None,
        ),
    )


def _about_unit(
    progress, verb_id, session_id, now, settings, *, result=None, extensions=None, moveon=False
) -> Statement:
    """A statement about the AU, with the session's context."""
    unit, enrollment = progress.unit, progress.enrollment
    groupings = [unit.publisher_id, unit.package.publisher_id]
    return Statement(
        id=str(uuid.uuid4()),
        actor=learner(enrollment.user, settings),
        verb=verb(verb_id),
        object=unit_activity(unit),
        result=result,
        context=_context(
            enrollment.registration, session_id, groupings, settings, extensions, moveon=moveon
        ),
        timestamp=iso_timestamp(now),
    )


def _context(
    registration, session_id, groupings, settings, extensions=None, *, moveon=False
) -> Context:
    """The cmi5 context of the LMS's statements: registration, session id, the cmi5 category
    (and moveOn's, on a waiver), and the publisher ids as grouping activities."""
    categories = [v.CMI5_CATEGORY] + ([v.CMI5_CATEGORY_MOVEON] if moveon else [])
    unique_groupings = list(dict.fromkeys(groupings))
    return Context(
        registration=registration,
        platform=settings.platform,
        extensions=Extensions({v.CMI5_EXT_SESSION_ID: session_id, **(extensions or {})}),
        context_activities=ContextActivities(
            category=[Activity(id=iri) for iri in categories],
            grouping=[Activity(id=iri) for iri in unique_groupings],
        ),
    )


def _block_title(structure, publisher_id: str) -> str | None:
    """A block's title in the stored structure, wherever in the tree it is."""
    if isinstance(structure, list):
        return next((t for item in structure if (t := _block_title(item, publisher_id))), None)
    if not isinstance(structure, dict):
        return None
    if structure.get("publisher_id") == publisher_id and structure.get("title"):
        return structure["title"]
    return _block_title(list(structure.values()), publisher_id)
