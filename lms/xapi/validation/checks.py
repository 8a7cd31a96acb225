"""The building blocks of statement validation: each check looks at one value and raises
`StatementInvalid` naming the property path (`statements[3].actor.mbox`) and what is wrong.
Pure; the rules themselves live in validation.py and the *_rules modules."""

from lms.xapi.errors import XapiError
from lms.xapi.validation import formats


class StatementInvalid(XapiError):
    """A statement breaks a rule of xAPI 1.0.3: 400, naming the offending property."""

    def __init__(self, path: str, message: str):
        super().__init__(400, f"{path}: {message}")
        self.path = path


def fail(path: str, message: str):
    raise StatementInvalid(path, message)


def check_object(
    value, path: str, allowed: frozenset, required: tuple = (), *, may_be_empty: bool = False
) -> dict:
    """A JSON object using only the allowed properties (Data 2.2.s4.b1.b5, b7), with every
    required one, and no null or empty values (Data 2.2.s4.b1.b1: the conformance
    requirements count an empty object as having no value), except where an object of
    optional properties may have none of them (an Activity's `definition: {}`)."""
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    if not value and not may_be_empty:
        fail(path, "must not be an empty object")
    for key, item in value.items():
        if key not in allowed:
            fail(f"{path}.{key}", "is not a property allowed here")
        if item is None:
            fail(f"{path}.{key}", "must not be null")
    for key in required:
        if key not in value:
            fail(f"{path}.{key}", "is required")
    return value


def check_string(value, path: str) -> str:
    if not isinstance(value, str):
        fail(path, "must be a string")
    return value


def check_bool(value, path: str) -> bool:
    """A JSON boolean, never a string holding one (Data 2.2.s4.b1.b3)."""
    if not isinstance(value, bool):
        fail(path, "must be true or false")
    return value


def check_number(value, path: str) -> float:
    """A JSON number, never a string holding one (Data 2.2.s4.b1.b2)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        fail(path, "must be a number")
    return value


def check_iri(value, path: str) -> str:
    """An absolute IRI with a scheme (Data 2.2.s4.b1.b4, b8)."""
    if not formats.is_iri(check_string(value, path)):
        fail(path, "must be an IRI with a scheme")
    return value


def check_uuid(value, path: str) -> str:
    if not formats.is_uuid(check_string(value, path)):
        fail(path, "must be a UUID in standard string form")
    return value


def check_timestamp(value, path: str) -> None:
    """An ISO 8601 timestamp with a real offset, if any (Data 4.5), in a sane range."""
    if formats.parse_timestamp(check_string(value, path)) is None:
        fail(path, f"must be {formats.TIMESTAMP_RULE}")


def check_language_tag(value, path: str) -> str:
    """An RFC 5646 language tag, such as en-US (Data 2.4.6 context.language)."""
    if not formats.is_language_tag(check_string(value, path)):
        fail(path, "is not an RFC 5646 language tag")
    return value


def check_language_map(value, path: str) -> dict:
    """At least one entry; keys are RFC 5646 language tags, values strings (Data 4.2,
    2.2.s4.b2)."""
    if not isinstance(value, dict):
        fail(path, "must be a language map (a JSON object)")
    if not value:
        fail(path, "a language map needs at least one entry")
    for tag, text in value.items():
        if not formats.is_language_tag(tag):
            fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        check_string(text, f"{path}.{tag}")
    return value


def check_extensions(value, path: str) -> None:
    """Keys are IRIs; values may be anything, null included (Data 4.1.s3)."""
    if not isinstance(value, dict):
        fail(path, "must be a JSON object")
    for key in value:
        if not formats.is_iri(key):
            fail(f"{path}.{key}", "extension keys must be IRIs")


def check_list(value, path: str) -> list:
    if not isinstance(value, list):
        fail(path, "must be an array")
    return value
