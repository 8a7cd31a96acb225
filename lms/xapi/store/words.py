"""Statements in the words people use: “Answered ‘Which fields…’ correctly”, “Updated the
contact ‘Priya Shah’”, “Passed the quiz ‘CRM basics’”. Pure: a statement's document in, words
out. The activity history shows statements through here, so a verb IRI, an activity type or a
response pattern (`a[,]b`) never reaches a page.

What it knows: Uptake's own statements (courses, quizzes, coaching, onboarding, badges,
practice), the CRM-usage profile's (README, "The CRM-usage xAPI profile"), and anything else
by its verb's display and its object's name."""

from lms.xapi.validation.formats import duration_seconds

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_TYPES = "http://adlnet.gov/expapi/activities/"
STREAMS = "http://activitystrea.ms/schema/1.0/"
CRM_PROFILE = "https://uptake.dev/xapi/profiles/crm-usage/"
LOGGED_IN = "https://w3id.org/xapi/adl/verbs/logged-in"
EARNED = "http://id.tincanapi.com/verb/earned"
FAILED_CHECKS = CRM_PROFILE + "extensions/failed-checks"

# (verb, activity type) -> the sentence, with {name} the object's name in quotes.
PHRASES = {
    (ADL_VERBS + "launched", ADL_TYPES + "course"): "Started the course {name}",
    (ADL_VERBS + "experienced", ADL_TYPES + "lesson"): "Read the lesson {name}",
    (ADL_VERBS + "attempted", ADL_TYPES + "assessment"): "Opened the quiz {name}",
    (ADL_VERBS + "passed", ADL_TYPES + "assessment"): "Passed the quiz {name}",
    (ADL_VERBS + "failed", ADL_TYPES + "assessment"): "Did not pass the quiz {name}",
    (ADL_VERBS + "completed", ADL_TYPES + "course"): "Completed the course {name}",
    (ADL_VERBS + "registered", ADL_TYPES + "course"): "Was enrolled on the course {name}",
    (ADL_VERBS + "completed", ADL_TYPES + "performance"): "Coaching step signed off: {name}",
    (ADL_VERBS + "completed", ADL_TYPES + "module"): "Completed onboarding",
    (ADL_VERBS + "passed", ADL_TYPES + "simulation"): "Passed the practice task {name}",
    (EARNED, STREAMS + "badge"): "Earned the badge {name}",
}
# Uptake's own verbs end their IRI with these names (vocabulary.verb_iri: under BASE_URL).
OWN_VERBS = {
    "/xapi/verbs/overrode": "Coaching step signed off by an administrator's override: {name}",
    "/xapi/verbs/reopened": "Onboarding reopened",
}
CRM_VERBS = {
    STREAMS + "create": "Created the {kind} {name}",
    STREAMS + "update": "Updated the {kind} {name}",
    CRM_PROFILE + "verbs/converted": "Converted the {kind} {name}",
    CRM_PROFILE + "verbs/viewed-report": "Viewed the report {name}",
    LOGGED_IN: "Logged in to {plain_name}",
}


def sentence(document: dict) -> str:
    """What the statement says happened, as a sentence without its actor."""
    verb = document["verb"]["id"]
    target = document["object"]
    kind = _activity_type(target)
    name = object_name(target)
    quoted = _quoted(name)
    if verb == ADL_VERBS + "answered":
        return _answered(quoted, (document.get("result") or {}).get("success"))
    if verb == ADL_VERBS + "voided":
        return "Withdrew an earlier record"
    if (verb, kind) in PHRASES:
        return PHRASES[verb, kind].format(name=quoted)
    for ending, phrase in OWN_VERBS.items():
        if verb.endswith(ending):
            return phrase.format(name=quoted)
    if verb in CRM_VERBS:
        crm_kind = kind.rsplit("/", 1)[-1] if kind.startswith(CRM_PROFILE) else "record"
        return CRM_VERBS[verb].format(kind=crm_kind, name=quoted, plain_name=name)
    said = display(document["verb"].get("display"), verb)
    return f"{said[:1].upper()}{said[1:]} {quoted}"


def result_words(document: dict) -> str:
    """The result in a few words: the score (a CRM record's data quality), the answer given
    in the words of its choices, the reason given, how long it took."""
    result = document.get("result") or {}
    parts = []
    score = result.get("score") or {}
    extensions = result.get("extensions") or {}
    if "scaled" in score:
        percent = f"{round(score['scaled'] * 100)}%"
        parts.append(f"data quality {percent}" if FAILED_CHECKS in extensions else percent)
    elif "raw" in score:
        parts.append(f"{score['raw']:g}" + (f" of {score['max']:g}" if "max" in score else ""))
    if "response" in result:
        parts.append(f"answer: {_response(result['response'], document['object'])}")
    reasons = [value for key, value in extensions.items() if key.endswith("/extensions/reason")]
    parts += [str(reason) for reason in reasons]
    minutes = _minutes(result.get("duration"))
    if minutes:
        parts.append(minutes)
    return "; ".join(parts)


def display(language_map: dict | None, fallback: str) -> str:
    """English if there is one, else any language, else the last part of the IRI."""
    if language_map:
        return (
            language_map.get("en-US") or language_map.get("en") or next(iter(language_map.values()))
        )
    return fallback.rstrip("/").rsplit("/", 1)[-1]


def object_name(obj: dict) -> str:
    """What a statement's object is, in words."""
    if obj.get("objectType") in ("Agent", "Group"):
        return obj.get("name") or "a person"
    if obj.get("objectType") == "StatementRef":
        return "an earlier record"
    if obj.get("objectType") == "SubStatement":
        return "a statement within it"
    definition = obj.get("definition") or {}
    return display(definition.get("name"), obj.get("id", ""))


def _activity_type(obj: dict) -> str:
    if obj.get("objectType", "Activity") != "Activity":
        return ""
    return (obj.get("definition") or {}).get("type") or ""


def _quoted(name: str) -> str:
    return f"“{name}”"


def _answered(quoted: str, success) -> str:
    if success is True:
        return f"Answered {quoted} correctly"
    if success is False:
        return f"Answered {quoted} wrongly"
    return f"Answered {quoted}"


def _response(response: str, obj: dict) -> str:
    """A choice interaction's response (`a[,]c`) as the choices' own words; any other
    response as it is."""
    choices = (obj.get("definition") or {}).get("choices") or []
    words = {choice.get("id"): display(choice.get("description"), "") for choice in choices}
    if not words:
        return response
    picked = [words.get(key) or key for key in str(response).split("[,]") if key]
    return "; ".join(picked) or "none"


def _minutes(duration) -> str:
    """An ISO 8601 duration as "in N min" (or "in N s" under a minute); "" when absent."""
    seconds = duration_seconds(duration) if isinstance(duration, str) else None
    if seconds is None:
        return ""
    return f"in {round(seconds)} s" if seconds < 60 else f"in {round(seconds / 60)} min"
