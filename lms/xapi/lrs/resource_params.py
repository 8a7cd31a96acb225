"""Query parameters of the document, Activities and Agents resources, validated as the
specification requires (xAPI 1.0.3, Data 2.2.s4.b4: parameter values meet the same standards
as values of the same type in statements). Pure: a mapping of parameters in, plain values out;
every failure is a 400 whose message names the parameter."""

from datetime import datetime

from lms.xapi.errors import XapiError
from lms.xapi.store.identifiers import agent_key
from lms.xapi.validation import formats, json_text
from lms.xapi.validation.agents import check_agent

# Column sizes in lms.xapi.models: longer values could not be stored, so they are refused.
MAX_IRI, MAX_AGENT_KEY, MAX_DOCUMENT_ID = 2048, 700, 1000


def bad(name: str, problem: str) -> XapiError:
    """A 400 whose message starts with the parameter's name."""
    return XapiError(400, f"Parameter {name!r} {problem}")


def check_parameters(params, allowed: set[str], required: set[str]) -> None:
    """Unknown parameters (also those differing only in case), repeated and missing ones are
    refused (Communication 3.2.s3.b7, b8)."""
    for name in params:
        if name not in allowed:
            raise XapiError(
                400,
                f"Parameter {name!r} is not recognised here; use {', '.join(sorted(allowed))} "
                "(names are case-sensitive).",
            )
        if len(params.getlist(name)) > 1:
            raise bad(name, "is given more than once.")
    for name in sorted(required):
        if name not in params:
            raise bad(name, "is required.")


def iri(params, name: str) -> str:
    """An IRI parameter, such as activityId: it must have a scheme."""
    value = params[name]
    if not formats.is_iri(value):
        raise bad(name, f"must be an IRI with a scheme (such as http://...), not {value!r}.")
    if len(value) > MAX_IRI:
        raise bad(name, f"is longer than {MAX_IRI} characters.")
    return value


def registration(params, name: str = "registration") -> str:
    """The optional registration: a UUID in standard string form, kept lower-case; '' when
    absent."""
    if name not in params:
        return ""
    value = params[name]
    if not formats.is_uuid(value):
        raise bad(
            name, f"must be a UUID such as 4f1d2c4e-0c4b-4b8e-9c3a-1a2b3c4d5e6f, not {value!r}."
        )
    return value.lower()


def document_id(params, name: str) -> str:
    """A stateId or profileId: any non-empty string the provider chooses."""
    value = params[name]
    if not value:
        raise bad(name, "must not be empty.")
    if len(value) > MAX_DOCUMENT_ID:
        raise bad(name, f"is longer than {MAX_DOCUMENT_ID} characters.")
    return value


def since(params, name: str = "since") -> datetime | None:
    """The optional `since` timestamp: ISO 8601 date and time; naive UTC for comparing with
    the stored naive-UTC times. Without a time zone it is taken as UTC."""
    if name not in params:
        return None
    return timestamp(params[name], name)


def timestamp(value: str, name: str) -> datetime:
    """An ISO 8601 combined date and time (Data 4.5.s1.b1), as naive UTC."""
    moment = formats.parse_timestamp(value)
    if moment is None:
        raise bad(name, f"must be {formats.TIMESTAMP_RULE}, not {value!r}.")
    return moment


def agent(params, name: str = "agent") -> tuple[dict, str]:
    """The `agent` parameter: JSON for an Agent (not a Group), checked by the same rules as an
    Agent in a statement. Returns (agent, its agent key)."""
    try:
        value = json_text.loads(params[name])
    except ValueError:
        raise bad(name, "must be an Agent object in JSON.") from None
    if not isinstance(value, dict):
        raise bad(name, "must be an Agent object in JSON.")
    check_agent(value, name)
    key = agent_key(value)
    if len(key) > MAX_AGENT_KEY:
        raise bad(name, "has an identifier too long to store.")
    return value, key
