"""The SCORM run-time data model (cmi.*) as Uptake keeps it: what a SCO's commit may store,
what it means for the learner's standing on the unit, and what a launch hands the runtime.

Data is shaped as scorm-again posts it with `dataCommitFormat: "json"`: {"cmi": {...}}, values
as strings, collections (interactions, objectives) as objects keyed "0", "1", ... Pure: no app,
no database."""

import json
import math
import re
from dataclasses import dataclass

from lms.courses.packages.scorm_time import NO_TIME

VERSIONS = ("1.2", "2004")
MAX_COMMIT_BYTES = 256 * 1024
MAX_INTERACTIONS = 250
MAX_OBJECTIVES = 100


class RuntimeDataError(ValueError):
    """A commit the LMS refuses; the message names the element (`cmi.core.score.raw: ...`)."""


@dataclass(frozen=True)
class Outcome:
    """Where the learner stands on the unit after a commit."""

    completed: bool
    passed: bool | None  # None: the SCO has not said (or has no pass mark)
    score_scaled: float | None  # 0..1 (SCORM 2004 allows -1..1)
    location: str | None  # the SCO's bookmark
    suspended: bool  # the SCO exited meaning to be resumed


# --- the persisted model: each element's rule ----------------------------------------------


@dataclass(frozen=True)
class Text:
    max_length: int


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]  # "" (not set) is always allowed


@dataclass(frozen=True)
class Number:
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Pattern:
    regex: str
    says: str  # what the value must be, for the message


@dataclass(frozen=True)
class Result:
    words: tuple[str, ...]  # or a number


@dataclass(frozen=True)
class Collection:
    entry: dict
    max_count: int


TIMESPAN_12 = Pattern(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", "a time span HHHH:MM:SS.SS")
DURATION_2004 = Pattern(
    r"P(?=.)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?",
    "an ISO 8601 duration (PT1H2M3S)",
)
SCORE_12 = {"raw": Number(0, 100), "min": Number(0, 100), "max": Number(0, 100)}
SCORE_2004 = {"scaled": Number(-1, 1), "raw": Number(), "min": Number(), "max": Number()}
STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
COMPLETION_2004 = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_2004 = ("passed", "failed", "unknown")
TYPES_12 = (
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
)
TYPES_2004 = (*TYPES_12, "long-fill-in", "other")

# Only what the SCO writes is kept. What the LMS owns and hands in at launch (learner id and
# name, credit, mode, entry, launch data, mastery score, time limits, total time, comments
# from the LMS) is dropped, so a SCO cannot change it by posting it back.
MODEL_12 = {
    "core": {
        "lesson_location": Text(255),
        "lesson_status": Vocabulary(STATUS_12),
        "score": SCORE_12,
        "exit": Vocabulary(("time-out", "suspend", "logout")),
        "session_time": TIMESPAN_12,
    },
    "suspend_data": Text(4096),
    "comments": Text(4096),
    "objectives": Collection(
        {"id": Text(255), "score": SCORE_12, "status": Vocabulary(STATUS_12)}, MAX_OBJECTIVES
    ),
    "interactions": Collection(
        {
            "id": Text(255),
            "objectives": Collection({"id": Text(255)}, MAX_OBJECTIVES),
            "time": Text(20),
            "type": Vocabulary(TYPES_12),
            "correct_responses": Collection({"pattern": Text(255)}, MAX_INTERACTIONS),
            "weighting": Number(),
            "student_response": Text(255),
            "result": Result(("correct", "wrong", "unanticipated", "neutral")),
            "latency": TIMESPAN_12,
        },
        MAX_INTERACTIONS,
    ),
    "student_preference": {
        "audio": Number(-1, 100),
        "language": Text(255),
        "speed": Number(-100, 100),
        "text": Number(-1, 1),
    },
}

MODEL_2004 = {
    "location": Text(1000),
    "completion_status": Vocabulary(COMPLETION_2004),
    "success_status": Vocabulary(SUCCESS_2004),
    "score": SCORE_2004,
    "progress_measure": Number(0, 1),
    "exit": Vocabulary(("time-out", "suspend", "logout", "normal")),
    "session_time": DURATION_2004,
    "suspend_data": Text(64000),
    "comments_from_learner": Collection(
        {"comment": Text(4000), "location": Text(250), "timestamp": Text(30)}, MAX_INTERACTIONS
    ),
    "objectives": Collection(
        {
            "id": Text(4000),
            "score": SCORE_2004,
            "success_status": Vocabulary(SUCCESS_2004),
            "completion_status": Vocabulary(COMPLETION_2004),
            "progress_measure": Number(0, 1),
            "description": Text(250),
        },
        MAX_OBJECTIVES,
    ),
    "interactions": Collection(
        {
            "id": Text(4000),
            "type": Vocabulary(TYPES_2004),
            "objectives": Collection({"id": Text(4000)}, MAX_OBJECTIVES),
            "timestamp": Text(30),
            "correct_responses": Collection({"pattern": Text(4000)}, MAX_INTERACTIONS),
            "weighting": Number(),
            "learner_response": Text(4000),
            "result": Result(("correct", "incorrect", "unanticipated", "neutral")),
            "latency": DURATION_2004,
            "description": Text(250),
        },
        MAX_INTERACTIONS,
    ),
    "learner_preference": {
        "audio_level": Number(0),
        "language": Text(250),
        "delivery_speed": Number(0),
        "audio_captioning": Vocabulary(("-1", "0", "1")),
    },
}


def _model(version: str) -> dict:
    if version not in VERSIONS:
        raise ValueError(f"Unknown SCORM version {version!r}: one of {VERSIONS}")
    return MODEL_12 if version == "1.2" else MODEL_2004


# --- checking a commit ---------------------------------------------------------------------


def clean_runtime_data(version: str, data: object) -> dict:
    """The part of a commit's data model Uptake stores: {"cmi": {...}} holding only the
    elements a SCO may write, each checked against the model (sizes, vocabularies, numbers
    in range). Elements the LMS owns and anything unknown are dropped; the whole commit may
    be at most 256 KB of JSON. Raises RuntimeDataError naming the first bad element."""
    model = _model(version)
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_COMMIT_BYTES:
        raise RuntimeDataError("cmi: the data model is larger than 256 KB")
    if not isinstance(data, dict) or not isinstance(data.get("cmi"), dict):
        raise RuntimeDataError("cmi: must be an object")
    return {"cmi": _clean_group(model, data["cmi"], "cmi")}


def _clean_group(rules: dict, values: dict, path: str) -> dict:
    kept = {}
    for name, rule in rules.items():
        if name in values:
            kept[name] = _clean(rule, values[name], f"{path}.{name}")
    return kept


def _clean(rule, value, path: str):
    if isinstance(rule, dict):
        if not isinstance(value, dict):
            raise RuntimeDataError(f"{path}: must be an object")
        return _clean_group(rule, value, path)
    if isinstance(rule, Collection):
        return _clean_collection(rule, value, path)
    if isinstance(rule, Number):
        return _clean_number(rule, value, path)
    if not isinstance(value, str):
        raise RuntimeDataError(f"{path}: must be a string")
    _check_text(rule, value, path)
    return value


def _clean_collection(rule: Collection, value, path: str) -> dict:
    entries = dict(enumerate(value)) if isinstance(value, list) else value
    if not isinstance(entries, dict):
        raise RuntimeDataError(f"{path}: must be an object of numbered entries")
    if len(entries) > rule.max_count:
        raise RuntimeDataError(f"{path}: at most {rule.max_count} entries")
    cleaned = {}
    for key, entry in entries.items():
        index = str(key)
        if not index.isdigit() or int(index) >= rule.max_count:
            raise RuntimeDataError(f"{path}.{index}: not an index below {rule.max_count}")
        cleaned[str(int(index))] = _clean(rule.entry, entry, f"{path}.{index}")
    return cleaned


def _check_text(rule, value: str, path: str) -> None:
    if value == "":
        return  # not set: SCORM's CMIBlank, which scorm-again sends for every empty element
    match rule:
        case Text(max_length) if len(value) > max_length:
            raise RuntimeDataError(f"{path}: at most {max_length} characters")
        case Vocabulary(words) if value not in words:
            raise RuntimeDataError(f"{path}: must be one of {', '.join(words)}")
        case Pattern(regex, says) if not re.fullmatch(regex, value):
            raise RuntimeDataError(f"{path}: must be {says}")
        case Result(words) if value not in words and _number(value) is None:
            raise RuntimeDataError(f"{path}: must be a number or one of {', '.join(words)}")


def _clean_number(rule: Number, value, path: str):
    if value == "":
        return value
    number = _number(value)
    in_range = number is not None and (rule.low is None or number >= rule.low)
    in_range = in_range and (rule.high is None or number <= rule.high)
    if not in_range:
        raise RuntimeDataError(f"{path}: must be {_number_range(rule)}")
    return value


def _number_range(rule: Number) -> str:
    if rule.low is not None and rule.high is not None:
        return f"a number between {rule.low:g} and {rule.high:g}"
    if rule.low is not None:
        return f"a number of at least {rule.low:g}"
    return "a number"


def _number(value) -> float | None:
    """The value as a finite number (strings as the runtime sends them, or JSON numbers)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- what it means ---------------------------------------------------------------------------


def unit_outcome(version: str, data: dict | None) -> Outcome:
    """The learner's standing on the unit, from a stored data model.

    SCORM 1.2: lesson_status completed, passed and failed all mean the SCO was completed;
    passed / failed say whether it was passed (the runtime already turned a raw score into
    passed or failed against the mastery score); incomplete, browsed and not attempted mean
    neither. The scaled score is (raw - min) / (max - min), min 0 and max 100 when not set.
    SCORM 2004: completion_status completed; success_status passed / failed; score.scaled,
    or raw over min..max when the SCO gave no scaled score."""
    _model(version)
    cmi = (data or {}).get("cmi") or {}
    if version == "1.2":
        return _outcome_12(cmi)
    return _outcome_2004(cmi)


def _outcome_12(cmi: dict) -> Outcome:
    core = cmi.get("core") or {}
    status = core.get("lesson_status", "")
    return Outcome(
        completed=status in ("completed", "passed", "failed"),
        passed={"passed": True, "failed": False}.get(status),
        score_scaled=_scaled_from_raw(core.get("score") or {}, default_max=100.0),
        location=core.get("lesson_location") or None,
        suspended=core.get("exit") == "suspend",
    )


def _outcome_2004(cmi: dict) -> Outcome:
    score = cmi.get("score") or {}
    scaled = _number(score.get("scaled", ""))
    return Outcome(
        completed=cmi.get("completion_status") == "completed",
        passed={"passed": True, "failed": False}.get(cmi.get("success_status", "")),
        score_scaled=round(scaled, 4) if scaled is not None else _scaled_from_raw(score),
        location=cmi.get("location") or None,
        suspended=cmi.get("exit") == "suspend",
    )


def _scaled_from_raw(score: dict, default_max: float | None = None) -> float | None:
    raw = _number(score.get("raw", ""))
    low = _number(score.get("min", "")) or 0.0
    high = _number(score.get("max", "")) or default_max
    if raw is None or high is None or high <= low:
        return None
    return round(min(max((raw - low) / (high - low), 0.0), 1.0), 4)


# --- launching -------------------------------------------------------------------------------


def initial_data(
    version: str,
    stored: dict | None,
    *,
    student_id: str,
    student_name: str,
    mastery_score: float | None,
    launch_data: str | None,
    credit: str = "credit",
    mode: str = "normal",
) -> dict:
    """The data model the player hands the runtime at launch ({"cmi": {...}}).

    First launch: entry "ab-initio". After a suspend (exit "suspend"): entry "resume" with
    everything stored (location, suspend data, status, score...). After any other exit, SCORM
    1.2 carries the stored data on with entry "" (the LMS keeps lesson status and location
    across sessions), while SCORM 2004 starts a new attempt: "ab-initio" and a fresh model,
    keeping only the learner's preferences. The exit and session time of the last session
    are never handed back. `mastery_score` is 0..1 (as the manifest import keeps it): SCORM
    1.2's mastery_score is 0..100, 2004's scaled_passing_score 0..1."""
    _model(version)
    cmi = _carried((stored or {}).get("cmi") or {})
    launch = _Launch(student_id, student_name, mastery_score, launch_data or "", credit, mode)
    if version == "1.2":
        return {"cmi": _launch_12(cmi, launch)}
    return {"cmi": _launch_2004(cmi, launch)}


@dataclass(frozen=True)
class _Launch:
    student_id: str
    student_name: str
    mastery_score: float | None
    launch_data: str
    credit: str
    mode: str


def _carried(cmi: dict) -> dict:
    """A deep copy of the stored model, so handing it out never changes what is stored."""
    return json.loads(json.dumps(cmi))


def _launch_12(cmi: dict, launch: _Launch) -> dict:
    core = cmi.setdefault("core", {})
    exit_ = core.pop("exit", "")
    core.pop("session_time", None)
    entry = "resume" if exit_ == "suspend" else ("" if core else "ab-initio")
    core.setdefault("total_time", NO_TIME["1.2"])  # the LMS's sum of the sessions
    core.update(
        student_id=launch.student_id,
        student_name=launch.student_name,
        credit=launch.credit,
        lesson_mode=launch.mode,
        entry=entry,
    )
    mastery = launch.mastery_score
    cmi["student_data"] = {"mastery_score": "" if mastery is None else f"{mastery * 100:g}"}
    cmi["launch_data"] = launch.launch_data
    return cmi


def _launch_2004(cmi: dict, launch: _Launch) -> dict:
    resuming = cmi.pop("exit", "") == "suspend"
    cmi.pop("session_time", None)
    if not resuming:
        cmi = {key: value for key, value in cmi.items() if key == "learner_preference"}
    mastery = launch.mastery_score
    cmi.update(
        learner_id=launch.student_id,
        learner_name=launch.student_name,
        credit=launch.credit,
        mode=launch.mode,
        entry="resume" if resuming else "ab-initio",
        launch_data=launch.launch_data,
        scaled_passing_score="" if mastery is None else f"{mastery:g}",
    )
    cmi.setdefault("total_time", NO_TIME["2004"])  # this attempt's sessions, summed
    return cmi
