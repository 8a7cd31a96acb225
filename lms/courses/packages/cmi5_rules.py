"""The cmi5 runtime rules, pure: the launch URL and the documents an AU reads first (cmi5
sections 8, 10 and 11), when a unit, a block and the course are satisfied (9.3.9, 13.1.4
moveOn), and which statements an AU may send in its session (7.1, 9.x). Plain values in,
plain values or `Cmi5Violation` out; no app, no database."""

import hashlib
import json
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from lms.courses.packages.structure import BlockSpec, PackageSpec
from lms.xapi import vocabulary as v

AU_VERBS = (v.VERB_INITIALIZED, v.VERB_COMPLETED, v.VERB_PASSED, v.VERB_FAILED, v.VERB_TERMINATED)
LMS_VERBS = (v.VERB_LAUNCHED, v.VERB_ABANDONED, v.VERB_WAIVED, v.VERB_SATISFIED)
JUDGED = (v.VERB_COMPLETED, v.VERB_PASSED, v.VERB_FAILED)  # satisfaction data: Normal mode only
LAUNCH_PARAMETER_NAMES = ("endpoint", "fetch", "actor", "registration", "activityId")
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")
_UTC_SUFFIXES = ("Z", "+00:00", "+0000", "+00")


# Launch (8.1, 10, 11) -----------------------------------------------------------------------


def launch_url(
    unit_url: str, *, endpoint: str, fetch: str, actor: dict, registration: str, activity_id: str
) -> str:
    """The unit's URL with the five launch parameters appended to its own query string, each
    value URL-encoded and the actor as JSON (8.1). The unit's own parameters must not share
    their names (8.1): that raises ValueError."""
    parts = urlsplit(unit_url)
    own = {name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if clash := own.intersection(LAUNCH_PARAMETER_NAMES):
        raise ValueError(f"the unit's URL already has the launch parameter {sorted(clash)[0]}")
    values = (endpoint, fetch, json.dumps(actor, separators=(",", ":")), registration, activity_id)
    pairs = list(zip(LAUNCH_PARAMETER_NAMES, values, strict=True))
    added = urlencode(pairs, quote_via=quote, safe="")
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def without_launch_parameters(url: str) -> str:
    """The URL an AU was launched at without the five launch parameters, its own kept: the
    launchURL context extension of the launched statement (9.6.3.4)."""
    parts = urlsplit(url)
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and piece.split("=", 1)[0] not in LAUNCH_PARAMETER_NAMES
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def context_template(*, session_id: str, unit_publisher_id: str, course_publisher_id: str) -> dict:
    """What every statement of the session carries in its context (10.2.1): the session id
    and the AU's publisher id as a grouping activity; the course's publisher id beside it,
    so that every statement of the course can be found by one id."""
    grouping = [{"id": unit_publisher_id, "objectType": "Activity"}]
    if course_publisher_id != unit_publisher_id:
        grouping.append({"id": course_publisher_id, "objectType": "Activity"})
    extensions = {v.CMI5_EXT_SESSION_ID: session_id}
    return {"contextActivities": {"grouping": grouping}, "extensions": extensions}


def launch_data(
    *,
    session_id: str,
    course_publisher_id: str,
    unit_publisher_id: str,
    launch_mode: str,
    launch_method: str,
    move_on: str,
    mastery_score: float | None,
    return_url: str | None,
    launch_parameters: str | None,
    entitlement_key: str | None,
) -> dict:
    """The LMS.LaunchData State document (10.2). launchMode, moveOn and the context template
    are always there; masteryScore, launchParameters, returnURL and entitlementKey only when
    the course structure (or Uptake, for returnURL) gives one. launchMethod is not in 10.2
    but tells an AU how it was opened."""
    data = {
        "contextTemplate": context_template(
            session_id=session_id,
            unit_publisher_id=unit_publisher_id,
            course_publisher_id=course_publisher_id,
        ),
        "launchMode": launch_mode,
        "launchMethod": launch_method,
        "moveOn": move_on,
    }
    if mastery_score is not None:
        data["masteryScore"] = mastery_score
    if launch_parameters is not None:
        data["launchParameters"] = launch_parameters
    if return_url:
        data["returnURL"] = return_url
    if entitlement_key is not None:
        data["entitlementKey"] = {"courseStructure": entitlement_key}
    return data


def learner_preferences(language: str | None) -> dict:
    """The cmi5LearnerPreferences agent profile (11.0): the learner's language (a list of one
    RFC 5646 tag, `en-US` when Uptake knows none) and audio on."""
    return {"languagePreference": (language or "en-US").replace("_", "-"), "audioPreference": "on"}


# Satisfaction (9.3.9, 13.1.4) ---------------------------------------------------------------


def unit_satisfied(move_on: str, *, completed: bool, passed: bool, waived: bool) -> bool:
    """Whether the learner met the unit's moveOn (13.1.4); a waived unit is met (9.3.9), and
    one whose moveOn is NotApplicable is met from the start."""
    if waived or move_on == "NotApplicable":
        return True
    return {
        "Completed": completed,
        "Passed": passed,
        "CompletedAndPassed": completed and passed,
        "CompletedOrPassed": completed or passed,
    }[move_on]


def newly_satisfied(
    spec: PackageSpec, satisfied_units: set[str], already_blocks: set[str], course_already: bool
) -> tuple[tuple[str, ...], bool]:
    """The blocks (publisher ids) whose units and blocks are now all satisfied and were not
    before, inner blocks before the blocks around them and otherwise in document order; and
    whether the course, all of whose children are now satisfied, was not before."""
    found: list[str] = []

    def satisfied(node) -> bool:
        if not isinstance(node, BlockSpec):
            return node.publisher_id in satisfied_units
        children = [satisfied(child) for child in node.children]  # every child: post-order
        met = all(children)
        if met and node.publisher_id not in already_blocks:
            found.append(node.publisher_id)
        return met

    children = [satisfied(child) for child in spec.children]  # every child, as for a block
    course_met = all(children)
    return tuple(found), course_met and not course_already


def block_activity_id(course_activity_id: str, block_publisher_id: str) -> str:
    """The LMS's id for a block (9.4): under the course's, stable, never the publisher's."""
    digest = hashlib.sha1(block_publisher_id.encode("utf-8")).hexdigest()
    return f"{course_activity_id}/blocks/{digest}"


# What an AU may send (7.1, 9) -------------------------------------------------------------


class Cmi5Violation(ValueError):
    """An AU's statement breaks a cmi5 rule; the LMS refuses it (6.3: a 403)."""

    def __init__(self, index: int, message: str):
        super().__init__(f"statements[{index}]: {message}")
        self.index = index
        self.message = f"statements[{index}]: {message}"


@dataclass(frozen=True)
class SessionFacts:
    """What the LMS knows of one AU session before a request: who was launched at what, and
    what the AU has said so far (completed/passed/failed: in this registration)."""

    actor: dict
    registration: str
    activity_id: str  # the LMS's id for the AU (8.1.5)
    unit_publisher_id: str
    session_id: str
    launch_mode: str
    mastery_score: float | None
    move_on: str
    initialized: bool = False
    terminated: bool = False
    completed: bool = False
    passed: bool = False
    failed: bool = False
    # A session holds one of passed and failed (9.3); a new session may pass after a failure.
    failed_in_session: bool = False
    # The AU reads the learner preferences on startup (11.0), before any statement.
    preferences_read: bool = True


def check_au_statements(statements: list[dict], facts: SessionFacts) -> SessionFacts:
    """The session's facts after these statements, in order, if the AU may send them all;
    otherwise Cmi5Violation for the first that breaks a rule (none is to be stored)."""
    if statements and not facts.preferences_read:
        raise Cmi5Violation(
            0,
            "the AU must retrieve the cmi5LearnerPreferences agent profile on startup, before "
            "its first statement (11.0)",
        )
    for index, statement in enumerate(statements):
        facts = _after(statement, facts, index)
    return facts


def _after(statement, facts: SessionFacts, index: int) -> SessionFacts:
    def refuse(message: str):
        raise Cmi5Violation(index, message)

    if not isinstance(statement, dict):
        refuse("not a statement (a JSON object)")
    verb = (statement.get("verb") or {}).get("id")
    _check_envelope(statement, verb, facts, refuse)
    context = statement["context"]
    categories = _ids(context.get("contextActivities", {}).get("category"))
    defined = v.CMI5_CATEGORY in categories
    if v.CMI5_CATEGORY_MOVEON in categories and not (defined and verb in JUDGED):
        refuse("only cmi5 completed, passed and failed carry the moveOn category (9.6.2.2)")
    if verb in LMS_VERBS:
        refuse(f"{_name(verb)} is the LMS's to send, not the AU's (9.3)")
    if facts.terminated:
        refuse("the session is terminated: nothing may follow terminated (9.3.8)")
    if not facts.initialized and not (defined and verb == v.VERB_INITIALIZED):
        refuse("the first statement of a session must be a cmi5 initialized statement (7.1.1)")
    _check_progress(statement.get("result") or {}, refuse)
    if not defined:
        return facts
    return _after_defined(statement, verb, facts, refuse)


def _check_envelope(statement: dict, verb, facts: SessionFacts, refuse) -> None:
    """What every statement of the session needs, defined or allowed: its own id and a UTC
    timestamp, the launch's actor, registration, session id and publisher id grouping."""
    if verb == v.VERB_VOIDED:
        refuse("an AU may not void statements (6.3)")
    if not statement.get("id"):
        refuse("the AU must give every statement an id (9.1)")
    timestamp = statement.get("timestamp")
    if not isinstance(timestamp, str):
        refuse("the statement needs a timestamp (9.7)")
    if not timestamp.endswith(_UTC_SUFFIXES):
        refuse("the timestamp must be in UTC (9.7)")
    if not _same_agent(statement.get("actor"), facts.actor):
        refuse("the actor must be the Agent the AU was launched with (8.1.3, 9.2)")
    context = statement.get("context")
    if not isinstance(context, dict):
        refuse("the statement needs a context (9.6)")
    if context.get("registration") != facts.registration:
        refuse("context.registration must be the launch's registration (9.6.1)")
    extensions = context.get("extensions")
    session_id = extensions.get(v.CMI5_EXT_SESSION_ID) if isinstance(extensions, dict) else None
    if session_id != facts.session_id:
        refuse("the context must carry the session id extension of the launch (9.6.3.1)")
    activities = context.get("contextActivities")
    if not isinstance(activities, dict):
        refuse("the context must carry the template's contextActivities (10.2.1)")
    if facts.unit_publisher_id not in _ids(activities.get("grouping")):
        refuse("contextActivities.grouping must hold the AU's publisher id activity (9.6.2.3)")


def _after_defined(statement: dict, verb: str, facts: SessionFacts, refuse) -> SessionFacts:
    """The rules of cmi5 defined statements (those in the cmi5 category)."""
    if verb not in AU_VERBS:
        refuse(f"{_name(verb)} is not a cmi5 defined verb an AU may send (9.3)")
    if (statement.get("object") or {}).get("id") != facts.activity_id:
        refuse("the object of a cmi5 defined statement must be the launch's activityId (9.4)")
    if verb in JUDGED and facts.launch_mode != "Normal":
        refuse(f"{_name(verb)} may not be sent in {facts.launch_mode} mode, only Normal (10.2.2)")
    result = statement.get("result")
    _check_result(verb, result if isinstance(result, dict) else {}, statement, facts, refuse)
    if verb == v.VERB_INITIALIZED:
        if facts.initialized:
            refuse("the session is initialized already (9.3.2)")
        return replace(facts, initialized=True)
    if verb == v.VERB_COMPLETED:
        if facts.completed:
            refuse("completed was sent already in this registration (9.3.3)")
        return replace(facts, completed=True)
    if verb == v.VERB_PASSED:
        if facts.passed:
            refuse("passed was sent already in this registration (9.3.4)")
        if facts.failed_in_session:
            refuse("failed was sent already in this session: one of passed and failed (9.3)")
        return replace(facts, passed=True)
    if verb == v.VERB_FAILED:
        if facts.passed:
            refuse("failed may not follow passed in a registration (9.3)")
        if facts.failed_in_session:
            refuse("failed was sent already in this session (9.3)")
        return replace(facts, failed=True, failed_in_session=True)
    return replace(facts, terminated=True)


def _check_result(verb: str, result: dict, statement: dict, facts: SessionFacts, refuse):
    """Result properties by verb (9.5): completion only and always true on completed;
    success only on passed (true) and failed (false); a score only on those two, consistent
    with the mastery score; a duration on completed, passed, failed and terminated."""
    name = _name(verb)
    if verb == v.VERB_COMPLETED and result.get("completion") is not True:
        refuse("completed needs result.completion true (9.5.3)")
    if verb != v.VERB_COMPLETED and "completion" in result:
        refuse(f"{name} may not carry result.completion (9.5.3)")
    judged = verb in (v.VERB_PASSED, v.VERB_FAILED)
    if judged and result.get("success") is not (verb == v.VERB_PASSED):
        refuse(f"{name} needs result.success {str(verb == v.VERB_PASSED).lower()} (9.5.2)")
    if not judged and "success" in result:
        refuse(f"{name} may not carry result.success (9.5.2)")
    if verb in JUDGED and v.CMI5_CATEGORY_MOVEON not in _ids(
        statement["context"]["contextActivities"].get("category")
    ):
        refuse(f"{name} needs the moveOn category activity (9.6.2.2)")
    if "score" in result:
        _check_score(verb, result["score"], statement["context"], facts, refuse)
    if verb != v.VERB_INITIALIZED and "duration" not in result:
        refuse(f"{name} needs result.duration (9.5.4.1)")


def _check_score(verb: str, score, context: dict, facts: SessionFacts, refuse) -> None:
    if verb not in (v.VERB_PASSED, v.VERB_FAILED):
        refuse(f"{_name(verb)} may not carry a score: only passed and failed do (9.5.1)")
    score = score if isinstance(score, dict) else {}
    if "raw" in score and not ("min" in score and "max" in score):
        refuse("a raw score needs min and max (9.5.1)")
    mastery = facts.mastery_score
    if mastery is None:
        return
    stated = context["extensions"].get(v.CMI5_EXT_MASTERY_SCORE)
    if not _is_number(stated) or abs(stated - mastery) > 1e-9:
        refuse(f"a judged score needs the masteryScore extension, {mastery} (9.6.3.2)")
    scaled = score.get("scaled")
    if not _is_number(scaled):
        return
    if verb == v.VERB_PASSED and scaled < mastery:
        refuse(f"passed with a scaled score {scaled} below the mastery score {mastery} (9.3.4)")
    if verb == v.VERB_FAILED and scaled >= mastery:
        refuse(f"failed with a scaled score {scaled} not below the mastery score {mastery} (9.3.5)")


def _check_progress(result: dict, refuse) -> None:
    extensions = result.get("extensions") if isinstance(result, dict) else None
    if not isinstance(extensions, dict) or v.CMI5_EXT_PROGRESS not in extensions:
        return
    progress = extensions[v.CMI5_EXT_PROGRESS]
    if not (isinstance(progress, int) and not isinstance(progress, bool) and 0 <= progress <= 100):
        refuse("the progress extension must be a whole number from 0 to 100 (9.5.5.1)")


def _same_agent(actor, launched: dict) -> bool:
    """The same Agent: objectType may be left out (it means Agent), nothing else may differ."""
    if not isinstance(actor, dict) or actor.get("objectType", "Agent") != "Agent":
        return False
    return {**actor, "objectType": "Agent"} == {**launched, "objectType": "Agent"}


def _ids(activities) -> list:
    if not isinstance(activities, list):
        return []
    return [activity.get("id") for activity in activities if isinstance(activity, dict)]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _name(verb) -> str:
    return str(verb).rsplit("/", 1)[-1]
