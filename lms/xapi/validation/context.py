"""Rules for a statement's result, context and attachment headers (Data 2.4.5, 2.4.6,
2.4.11). Pure."""

import re

from lms.xapi.validation import formats
from lms.xapi.validation.activities import check_activity
from lms.xapi.validation.agents import check_actor, check_group
from lms.xapi.validation.checks import (
    check_bool,
    check_extensions,
    check_iri,
    check_language_map,
    check_language_tag,
    check_list,
    check_number,
    check_object,
    check_string,
    check_uuid,
    fail,
)

RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))
CONTEXT_KEYS = frozenset(
    (
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    )
)
CONTEXT_ACTIVITY_KEYS = frozenset(("parent", "grouping", "category", "other"))
STATEMENT_REF_KEYS = frozenset(("objectType", "id"))
ATTACHMENT_KEYS = frozenset(
    ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl")
)
_MEDIA_TYPE = re.compile(r"^[\w.+\-!#$&^]+/[\w.+\-!#$&^]+\s*(;.*)?$")


def check_result(value, path: str) -> None:
    """Types of the Result properties (Data 2.4.5.s2)."""
    check_object(value, path, RESULT_KEYS)
    if "score" in value:
        check_score(value["score"], f"{path}.score")
    for key in ("success", "completion"):
        if key in value:
            check_bool(value[key], f"{path}.{key}")
    if "response" in value:
        check_string(value["response"], f"{path}.response")
    if "duration" in value and not formats.is_duration(
        check_string(value["duration"], f"{path}.duration")
    ):
        fail(f"{path}.duration", "must be an ISO 8601 duration such as PT1H30M")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")


def check_score(value, path: str) -> None:
    """scaled is in [-1, 1]; min < max; raw lies between them (Data 2.4.5.1.s2)."""
    check_object(value, path, SCORE_KEYS)
    for key, number in value.items():
        check_number(number, f"{path}.{key}")
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        fail(f"{path}.scaled", "must be between -1 and 1")
    low, high, raw = value.get("min"), value.get("max"), value.get("raw")
    if low is not None and high is not None and low >= high:
        fail(f"{path}.min", "must be less than max")
    if raw is not None and low is not None and raw < low:
        fail(f"{path}.raw", "must not be less than min")
    if raw is not None and high is not None and raw > high:
        fail(f"{path}.raw", "must not be more than max")


def check_context(value, path: str) -> None:
    """Types of the Context properties (Data 2.4.6.s3)."""
    check_object(value, path, CONTEXT_KEYS)
    if "registration" in value:
        check_uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        check_actor(value["instructor"], f"{path}.instructor")
    if "team" in value:
        if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
            fail(f"{path}.team", "must be a Group")
        check_group(value["team"], f"{path}.team")
    if "contextActivities" in value:
        check_context_activities(value["contextActivities"], f"{path}.contextActivities")
    for key in ("revision", "platform"):
        if key in value:
            check_string(value[key], f"{path}.{key}")
    if "language" in value:
        check_language_tag(value["language"], f"{path}.language")
    if "statement" in value:
        check_statement_ref(value["statement"], f"{path}.statement")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{path}.extensions")


def check_context_activities(value, path: str) -> None:
    """Keys are parent, grouping, category or other; each value an Activity or an array of
    them (Data 2.4.6.2.s4.b1, b2)."""
    check_object(value, path, CONTEXT_ACTIVITY_KEYS)
    for key, activities in value.items():
        if isinstance(activities, list):
            for index, activity in enumerate(activities):
                check_activity(activity, f"{path}.{key}[{index}]")
        else:
            check_activity(activities, f"{path}.{key}")


def check_statement_ref(value, path: str) -> None:
    """A Statement Reference: objectType StatementRef and a UUID id (Data 2.4.4.3.s4)."""
    check_object(value, path, STATEMENT_REF_KEYS, required=("objectType", "id"))
    if value["objectType"] != "StatementRef":
        fail(f"{path}.objectType", "must be StatementRef")
    check_uuid(value["id"], f"{path}.id")


def check_attachments(value, path: str) -> None:
    """Each Attachment has usageType, display, contentType, length and sha2 (Data 2.4.11)."""
    for index, attachment in enumerate(check_list(value, path)):
        check_attachment(attachment, f"{path}[{index}]")


def check_attachment(value, path: str) -> None:
    check_object(
        value,
        path,
        ATTACHMENT_KEYS,
        required=("usageType", "display", "contentType", "length", "sha2"),
    )
    check_iri(value["usageType"], f"{path}.usageType")
    check_language_map(value["display"], f"{path}.display")
    if "description" in value:
        check_language_map(value["description"], f"{path}.description")
    if not _MEDIA_TYPE.match(check_string(value["contentType"], f"{path}.contentType")):
        fail(f"{path}.contentType", "must be an Internet media type")
    length = value["length"]
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        fail(f"{path}.length", "must be a non-negative integer")
    if not formats.is_sha2_hex(check_string(value["sha2"], f"{path}.sha2")):
        fail(f"{path}.sha2", "must be a hex SHA-2 hash")
    if "fileUrl" in value:
        check_iri(value["fileUrl"], f"{path}.fileUrl")
