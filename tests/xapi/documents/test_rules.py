"""The pure rules under the document resources: entity-tag preconditions and parameter
parsing. No app, no database."""

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from lms.xapi.errors import XapiError
from lms.xapi.lrs import resource_params
from lms.xapi.store.concurrency import (
    Preconditions,
    check_preconditions,
    etag_matches,
    etag_of,
    require_preconditions,
)
from lms.xapi.store.documents import is_json

ETAG = etag_of(b'{"a": 1}')


def status_of(call, *args) -> int | None:
    try:
        call(*args)
    except XapiError as error:
        return error.status
    return None


def test_the_etag_is_the_lower_case_sha1_hex():
    assert etag_of(b"") == "da39a3ee5e6b4b0d3255bfef95601890afd80709"


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ("*", True),
        (f'"{ETAG}"', True),
        (f'"other", "{ETAG}"', True),
        (f'W/"{ETAG}"', True),
        (ETAG, True),  # unquoted, as some clients send it
        ('"other"', False),
        ("", False),
    ],
)
def test_etag_matches(header, matches):
    assert etag_matches(header, ETAG) is matches


@pytest.mark.parametrize(
    ("current", "pre", "status"),
    [
        (ETAG, Preconditions(), None),
        (None, Preconditions(), None),
        (ETAG, Preconditions(if_match=f'"{ETAG}"'), None),
        (ETAG, Preconditions(if_match='"stale"'), 412),
        (None, Preconditions(if_match="*"), 412),
        (None, Preconditions(if_none_match="*"), None),
        (ETAG, Preconditions(if_none_match="*"), 412),
        (ETAG, Preconditions(if_none_match='"other"'), None),
        (ETAG, Preconditions(if_none_match=f'"{ETAG}"'), 412),
    ],
)
def test_check_preconditions(current, pre, status):
    assert status_of(check_preconditions, current, pre) == status


@pytest.mark.parametrize(
    ("current", "pre", "status"),
    [
        (ETAG, Preconditions(), 409),
        (None, Preconditions(), 400),
        (ETAG, Preconditions(if_match="*"), None),
        (None, Preconditions(if_none_match="*"), None),
    ],
)
def test_a_profile_put_needs_a_precondition(current, pre, status):
    assert status_of(require_preconditions, current, pre) == status


@pytest.mark.parametrize(
    ("content_type", "json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/octet-stream", False),
        ("application/jsonx", False),
        (None, False),
    ],
)
def test_is_json(content_type, json):
    assert is_json(content_type) is json


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-05T09:00:00Z", datetime(2026, 10, 5, 9, 0)),
        ("2026-10-05T11:00:00+02:00", datetime(2026, 10, 5, 9, 0)),
        ("2026-10-05T09:00:00.123456789Z", datetime(2026, 10, 5, 9, 0, 0, 123456)),
        ("2026-10-05T09:00:00", datetime(2026, 10, 5, 9, 0)),
    ],
)
def test_since_is_naive_utc(value, expected):
    assert resource_params.since(MultiDict({"since": value})) == expected


def test_registration_is_lower_cased_and_empty_when_absent():
    value = "4F1D2C4E-0C4B-4B8E-9C3A-1A2B3C4D5E6F"
    assert resource_params.registration(MultiDict({"registration": value})) == value.lower()
    assert resource_params.registration(MultiDict()) == ""


def test_the_agent_key_ignores_name_and_object_type():
    plain = resource_params.agent(MultiDict({"agent": '{"mbox": "mailto:a@example.com"}'}))
    named = resource_params.agent(
        MultiDict({"agent": '{"objectType": "Agent", "name": "A", "mbox": "mailto:a@example.com"}'})
    )
    assert plain[1] == named[1] == "agent|mbox|mailto:a@example.com"


def test_an_mbox_sha1sum_is_compared_case_insensitively():
    upper = resource_params.agent(MultiDict({"agent": '{"mbox_sha1sum": "' + "A" * 40 + '"}'}))
    lower = resource_params.agent(MultiDict({"agent": '{"mbox_sha1sum": "' + "a" * 40 + '"}'}))
    assert upper[1] == lower[1]


def test_check_parameters_names_the_first_problem():
    with pytest.raises(XapiError, match="'Agent' is not recognised"):
        resource_params.check_parameters(MultiDict({"Agent": "{}"}), {"agent"}, {"agent"})
    with pytest.raises(XapiError, match="'agent' is required"):
        resource_params.check_parameters(MultiDict(), {"agent"}, {"agent"})
