"""Statement validation: every structural rule of xAPI 1.0.3 (Data 2.2-2.4). Pure.

`validate_statement` raises `StatementInvalid` (a 400) whose message names the offending
property path, e.g. `statements[3].actor.mbox: must be a mailto IRI ...`."""

import re

from lms.xapi.validation.activities import check_activity
from lms.xapi.validation.agents import check_actor, check_agent, check_authority, check_group
from lms.xapi.validation.checks import (
    StatementInvalid,
    check_iri,
    check_language_map,
    check_object,
    check_string,
    check_timestamp,
    check_uuid,
    fail,
)
from lms.xapi.validation.context import (
    check_attachments,
    check_context,
    check_result,
    check_statement_ref,
)

VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
STATEMENT_KEYS = frozenset(
    (
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    )
)
SUBSTATEMENT_KEYS = frozenset(
    ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
)
NOT_IN_SUBSTATEMENT = ("id", "stored", "version", "authority")
VERB_KEYS = frozenset(("id", "display"))
_VERSION = re.compile(r"^1\.0(?:\.\d+)?$")  # "1.0" is taken as 1.0.0 (Communication 3.3.s3.b3)

__all__ = ["StatementInvalid", "VERB_VOIDED", "validate_statement"]


def validate_statement(statement, path: str = "statement") -> None:
    """A Statement uses actor, verb and object (Data 2.2.s2.b3) and only the properties the
    specification defines, each with its own type and format."""
    check_object(statement, path, STATEMENT_KEYS, required=("actor", "verb", "object"))
    if "id" in statement:
        check_uuid(statement["id"], f"{path}.id")
    check_core(statement, path)
    if "stored" in statement:
        check_timestamp(statement["stored"], f"{path}.stored")
    if "authority" in statement:
        check_authority(statement["authority"], f"{path}.authority")
    if "version" in statement:
        check_version(statement["version"], f"{path}.version")
    check_voiding(statement, path)


def check_core(statement: dict, path: str) -> None:
    """What a Statement and a SubStatement share: actor, verb, object, result, context,
    timestamp and attachments."""
    check_actor(statement["actor"], f"{path}.actor")
    check_verb(statement["verb"], f"{path}.verb")
    check_statement_object(statement["object"], f"{path}.object")
    if "result" in statement:
        check_result(statement["result"], f"{path}.result")
    if "context" in statement:
        check_context(statement["context"], f"{path}.context")
        check_context_fits_object(statement, path)
    if "timestamp" in statement:
        check_timestamp(statement["timestamp"], f"{path}.timestamp")
    if "attachments" in statement:
        check_attachments(statement["attachments"], f"{path}.attachments")


def check_verb(value, path: str) -> None:
    """A Verb is an IRI id with an optional display language map (Data 2.4.3)."""
    check_object(value, path, VERB_KEYS, required=("id",))
    check_iri(value["id"], f"{path}.id")
    if "display" in value:
        check_language_map(value["display"], f"{path}.display")


def check_statement_object(value, path: str, *, nested: bool = False) -> None:
    """The object is an Activity (the default objectType), Agent, Group, SubStatement or
    StatementRef (Data 2.4.4.s2); an Agent or Group says so (2.4.4.2.s1.b1)."""
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(value, path)
    elif kind == "Agent":
        check_agent(value, path)
    elif kind == "Group":
        check_group(value, path)
    elif kind == "StatementRef":
        check_statement_ref(value, path)
    elif kind == "SubStatement":
        if nested:
            fail(path, "a SubStatement must not contain a SubStatement")
        check_substatement(value, path)
    else:
        fail(f"{path}.objectType", "must be Activity, Agent, Group, SubStatement or StatementRef")


def check_substatement(value: dict, path: str) -> None:
    """A SubStatement is validated as a Statement, has no id, stored, version or authority,
    and is not nested (Data 2.4.4.3.s8)."""
    for key in NOT_IN_SUBSTATEMENT:
        if key in value:
            fail(f"{path}.{key}", "a SubStatement must not have this property")
    check_object(value, path, SUBSTATEMENT_KEYS, required=("actor", "verb", "object"))
    if isinstance(value["object"], dict) and value["object"].get("objectType") == "SubStatement":
        fail(f"{path}.object", "a SubStatement must not contain a SubStatement")
    check_core(value, path)


def check_context_fits_object(statement: dict, path: str) -> None:
    """revision and platform are only used when the object is an Activity (2.4.6.s4.b1, b2)."""
    target = statement["object"]
    if target.get("objectType", "Activity") == "Activity":
        return
    for key in ("revision", "platform"):
        if key in statement["context"]:
            fail(f"{path}.context.{key}", "may only be used when the object is an Activity")


def check_version(value, path: str) -> None:
    """A statement's version is 1.0 or 1.0.x (Data 2.4.10.s3.b1, b2)."""
    if not _VERSION.match(check_string(value, path)):
        fail(path, "must be a 1.0.x version such as 1.0.0")


def check_voiding(statement: dict, path: str) -> None:
    """A voiding statement's object is a StatementRef naming the statement it voids
    (Data 2.3.2.s2.b1, b2)."""
    if statement["verb"]["id"] != VERB_VOIDED:
        return
    if statement["object"].get("objectType") != "StatementRef":
        fail(f"{path}.object", "the object of a voiding statement must be a StatementRef")
