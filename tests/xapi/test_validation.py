"""Statement validation, rule by rule (xAPI 1.0.3 Data 2.2-2.4, 4.x). Pure: no app."""

import json

import pytest

from lms.xapi.validation.checks import StatementInvalid
from lms.xapi.validation.prepare import serialize
from lms.xapi.validation.statements import validate_statement
from tests.xapi.statement_data import statement

MBOX = "mailto:ann@example.com"
GROUP = {"objectType": "Group", "name": "Team", "member": [{"mbox": MBOX}]}
SUB = {
    "objectType": "SubStatement",
    "actor": {"mbox": MBOX},
    "verb": {"id": "http://example.com/planned"},
    "object": {"id": "http://example.com/website"},
}
REF = {"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"}


def invalid(document, path="statement"):
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(document, path)
    return str(caught.value)


def with_(path: str, value, base=None) -> dict:
    """A valid statement with the property at a dotted path set (or removed, for ...)."""
    document = base or statement()
    *parents, last = path.split(".")
    target = document
    for key in parents:
        target = target.setdefault(key, {})
    if value is ...:
        target.pop(last, None)
    else:
        target[last] = value
    return document


VALID = [
    (
        "minimal",
        {
            "actor": {"mbox": MBOX},
            "verb": {"id": "http://e.com/v"},
            "object": {"id": "http://e.com/a"},
        },
    ),
    ("openid agent", with_("actor", {"openid": "http://openid.example.org/ann"})),
    ("account agent", with_("actor", {"account": {"homePage": "http://e.com", "name": "7"}})),
    ("sha1 agent", with_("actor", {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})),
    ("anonymous group", with_("actor", GROUP)),
    ("identified group", with_("actor", {"objectType": "Group", "mbox": "mailto:t@e.com"})),
    ("agent object", with_("object", {"objectType": "Agent", "mbox": MBOX})),
    ("group object", with_("object", GROUP)),
    ("statement ref", with_("object", REF)),
    ("substatement", with_("object", SUB)),
    (
        "voiding",
        with_("object", REF, with_("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"})),
    ),
    (
        "full result",
        with_(
            "result",
            {
                "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
                "success": True,
                "completion": False,
                "response": "x",
                "duration": "PT1H30M2.5S",
                "extensions": {"http://e.com/x": None},
            },
        ),
    ),
    ("duration in weeks", with_("result", {"duration": "P4W"})),
    ("duration in years", with_("result", {"duration": "P3Y1M29DT4H35M59.14S"})),
    (
        "full context",
        with_(
            "context",
            {
                "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                "instructor": {"mbox": MBOX},
                "team": GROUP,
                "contextActivities": {
                    "parent": {"id": "http://e.com/p"},
                    "other": [{"id": "http://e.com/o"}],
                },
                "revision": "2",
                "platform": "Uptake",
                "language": "en-GB",
                "statement": REF,
                "extensions": {"http://e.com/x": {"any": ["thing"]}},
            },
        ),
    ),
    (
        "language tags",
        with_("verb.display", {"en": "a", "zh-Hant-TW": "b", "sgn-BE-FR": "c", "x-private": "d"}),
    ),
    ("timestamp with offset", with_("timestamp", "2013-05-18T05:32:34.804+02:00")),
    ("timestamp basic format", with_("timestamp", "20130518T053234Z")),
    ("version 1.0.3", with_("version", "1.0.3")),
    ("version 1.0", with_("version", "1.0")),
    (
        "attachment with fileUrl",
        with_(
            "attachments",
            [
                {
                    "usageType": "http://e.com/u",
                    "display": {"en": "A"},
                    "contentType": "text/plain; charset=ascii",
                    "length": 27,
                    "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
                    "fileUrl": "http://e.com/f.txt",
                }
            ],
        ),
    ),
    (
        "interaction",
        with_(
            "object.definition",
            {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "correctResponsesPattern": ["golf[,]tetris"],
                "choices": [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}],
            },
        ),
    ),
    (
        "authority group of two",
        with_(
            "authority",
            {
                "objectType": "Group",
                "member": [
                    {"account": {"homePage": "http://e.com/OAuth/Token", "name": "key"}},
                    {"mbox": MBOX},
                ],
            },
        ),
    ),
    # Every property of an Activity Definition is optional, so it may have none.
    ("empty definition", with_("object.definition", {})),
    ("context language", with_("context.language", "zh-Hant-TW")),
]


@pytest.mark.parametrize("document", [d for _, d in VALID], ids=[n for n, _ in VALID])
def test_valid_statements_pass(document):
    validate_statement(document)


INVALID = [
    # Data 2.2: required properties, unknown properties, nulls, types, case.
    ("actor missing", with_("actor", ...), "statement.actor: is required"),
    ("verb missing", with_("verb", ...), "statement.verb: is required"),
    ("object missing", with_("object", ...), "statement.object: is required"),
    ("not an object", [], "statement: must be a JSON object"),
    ("unknown property", with_("foo", 1), "statement.foo: is not a property allowed"),
    ("key in wrong case", with_("Actor", {"mbox": MBOX}), "statement.Actor: is not a property"),
    ("null value", with_("result", None), "statement.result: must not be null"),
    (
        "nested null",
        with_("context.platform", None),
        "statement.context.platform: must not be null",
    ),
    (
        "string for number",
        with_("result", {"score": {"raw": "5"}}),
        "result.score.raw: must be a number",
    ),
    (
        "string for boolean",
        with_("result", {"success": "true"}),
        "result.success: must be true or false",
    ),
    ("empty id", with_("id", ""), "statement.id: must be a UUID"),
    ("bad id", with_("id", "not-a-uuid"), "statement.id: must be a UUID"),
    ("id not a string", with_("id", 12), "statement.id: must be a string"),
    # Data 2.4.2: agents and groups.
    ("no IFI", with_("actor", {"name": "Ann"}), "statement.actor: an Agent must have exactly one"),
    ("two IFIs", with_("actor", {"mbox": MBOX, "openid": "http://o.e.com"}), "exactly one"),
    (
        "mbox not mailto",
        with_("actor", {"mbox": "ann@example.com"}),
        "statement.actor.mbox: must be a mailto IRI",
    ),
    ("mbox empty", with_("actor", {"mbox": ""}), "statement.actor.mbox: must be a mailto IRI"),
    (
        "sha1 not hex",
        with_("actor", {"mbox_sha1sum": "xyz"}),
        "actor.mbox_sha1sum: must be the hex SHA-1",
    ),
    ("openid not IRI", with_("actor", {"openid": "not an iri"}), "actor.openid: must be an IRI"),
    (
        "account without homePage",
        with_("actor", {"account": {"name": "7"}}),
        "actor.account.homePage: is required",
    ),
    (
        "account without name",
        with_("actor", {"account": {"homePage": "http://e.com"}}),
        "actor.account.name: is required",
    ),
    (
        "account homePage not IRI",
        with_("actor", {"account": {"homePage": "e.com", "name": "7"}}),
        "homePage: must be an IRI",
    ),
    (
        "account extra key",
        with_("actor", {"account": {"homePage": "http://e.com", "name": "7", "x": 1}}),
        "account.x: is not",
    ),
    (
        "agent objectType case",
        with_("actor", {"objectType": "agent", "mbox": MBOX}),
        "actor.objectType: must be Agent",
    ),
    (
        "agent with member",
        with_("actor", {"mbox": MBOX, "member": []}),
        "actor.member: is not a property",
    ),
    (
        "anonymous group without members",
        with_("actor", {"objectType": "Group"}),
        "actor.member: an anonymous Group must list",
    ),
    (
        "anonymous group, no members",
        with_("actor", {"objectType": "Group", "member": []}),
        "at least one member",
    ),
    (
        "group in group",
        with_("actor", {"objectType": "Group", "member": [GROUP]}),
        "actor.member[0]: a Group must not contain Groups",
    ),
    (
        "identified group, two IFIs",
        with_("actor", {"objectType": "Group", "mbox": MBOX, "openid": "http://o.e.com"}),
        "exactly one",
    ),
    (
        "group member without IFI",
        with_("actor", {"objectType": "Group", "member": [{"name": "x"}]}),
        "actor.member[0]: an Agent must have",
    ),
    # Data 2.4.3: verb.
    ("verb without id", with_("verb", {"display": {"en": "x"}}), "statement.verb.id: is required"),
    ("verb id not IRI", with_("verb", {"id": "should fail"}), "statement.verb.id: must be an IRI"),
    (
        "verb display not a map",
        with_("verb.display", "experienced"),
        "verb.display: must be a language map",
    ),
    (
        "bad language tag",
        with_("verb.display", {"not a tag": "x"}),
        "verb.display.not a tag: is not an RFC 5646",
    ),
    ("language tag too long", with_("verb.display", {"abcdefghi": "x"}), "is not an RFC 5646"),
    (
        "display value not a string",
        with_("verb.display", {"en": 1}),
        "verb.display.en: must be a string",
    ),
    # Data 2.4.4: object.
    (
        "unknown objectType",
        with_("object.objectType", "Thing"),
        "object.objectType: must be Activity, Agent",
    ),
    (
        "objectType case",
        with_("object.objectType", "activity"),
        "object.objectType: must be Activity",
    ),
    (
        "activity without id",
        with_("object", {"objectType": "Activity"}),
        "statement.object.id: is required",
    ),
    (
        "activity id not IRI",
        with_("object", {"id": "activity"}),
        "statement.object.id: must be an IRI",
    ),
    (
        "agent object without objectType",
        with_("object", {"mbox": MBOX}),
        "object.mbox: is not a property",
    ),
    ("definition extra key", with_("object.definition.foo", 1), "object.definition.foo: is not"),
    (
        "definition type not IRI",
        with_("object.definition.type", "course"),
        "definition.type: must be an IRI",
    ),
    (
        "moreInfo not IRI",
        with_("object.definition.moreInfo", "x"),
        "definition.moreInfo: must be an IRI",
    ),
    (
        "name not a map",
        with_("object.definition.name", "CRM"),
        "definition.name: must be a language map",
    ),
    (
        "extension key not IRI",
        with_("object.definition.extensions", {"key": 1}),
        "extensions.key: extension keys must be IRIs",
    ),
    (
        "bad interactionType",
        with_("object.definition.interactionType", "essay"),
        "interactionType: must be one of",
    ),
    (
        "interactionType an object",
        with_("object.definition", {"interactionType": {"choice": 1}}),
        "interactionType: must be a string",
    ),
    (
        "interactionType an array",
        with_("object.definition", {"interactionType": ["choice"]}),
        "interactionType: must be a string",
    ),
    (
        "context language not a tag",
        with_("context.language", "not a language tag"),
        "context.language: is not an RFC 5646 language tag",
    ),
    (
        "sub-statement context language not a tag",
        with_(
            "object",
            {
                "objectType": "SubStatement",
                "actor": {"mbox": MBOX},
                "verb": {"id": "http://example.com/verbs/did"},
                "object": {"id": "http://example.com/activities/a"},
                "context": {"language": "1234"},
            },
        ),
        "object.context.language: is not an RFC 5646 language tag",
    ),
    (
        "timestamp offset past 23:59",
        with_("timestamp", "2026-10-05T09:00:00+25:00"),
        "timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "timestamp in digits of another script",
        with_("timestamp", "٢٠٢٦-10-05T09:00:00Z"),
        "timestamp: must be an ISO 8601 timestamp",
    ),
    (
        "interaction without type",
        with_("object.definition.choices", [{"id": "a"}]),
        "interactionType: is required",
    ),
    (
        "component list for another type",
        with_("object.definition", {"interactionType": "true-false", "choices": [{"id": "a"}]}),
        "definition.choices: is not used",
    ),
    (
        "duplicate component ids",
        with_(
            "object.definition",
            {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]},
        ),
        "choices[1].id: interaction component ids must be distinct",
    ),
    (
        "pattern not strings",
        with_("object.definition", {"interactionType": "numeric", "correctResponsesPattern": [4]}),
        "correctResponsesPattern[0]: must be a string",
    ),
    (
        "statement ref without id",
        with_("object", {"objectType": "StatementRef"}),
        "object.id: is required",
    ),
    (
        "statement ref id not UUID",
        with_("object", {"objectType": "StatementRef", "id": "x"}),
        "object.id: must be a UUID",
    ),
    (
        "statement ref extra key",
        with_("object", {**REF, "definition": {}}),
        "object.definition: is not",
    ),
    (
        "substatement with id",
        with_("object", {**SUB, "id": REF["id"]}),
        "object.id: a SubStatement must not have this property",
    ),
    (
        "substatement with stored",
        with_("object", {**SUB, "stored": "2013-05-18T05:32:34Z"}),
        "object.stored: a SubStatement must not",
    ),
    (
        "substatement with version",
        with_("object", {**SUB, "version": "1.0.0"}),
        "object.version: a SubStatement must not",
    ),
    (
        "substatement with authority",
        with_("object", {**SUB, "authority": {"mbox": MBOX}}),
        "object.authority: a SubStatement must not",
    ),
    (
        "nested substatement",
        with_("object", {**SUB, "object": SUB}),
        "object.object: a SubStatement must not contain a SubStatement",
    ),
    (
        "substatement checked as statement",
        with_("object", {**SUB, "verb": {"id": "nope"}}),
        "object.verb.id: must be an IRI",
    ),
    (
        "substatement bad timestamp",
        with_("object", {**SUB, "timestamp": "should fail"}),
        "object.timestamp: must be an ISO 8601",
    ),
    # Data 2.4.5: result.
    (
        "scaled above 1",
        with_("result", {"score": {"scaled": 1.01}}),
        "result.score.scaled: must be between -1 and 1",
    ),
    (
        "scaled below -1",
        with_("result", {"score": {"scaled": -1.5}}),
        "scaled: must be between -1 and 1",
    ),
    (
        "min not below max",
        with_("result", {"score": {"min": 5, "max": 5}}),
        "result.score.min: must be less than max",
    ),
    (
        "raw below min",
        with_("result", {"score": {"raw": 1, "min": 2}}),
        "result.score.raw: must not be less than min",
    ),
    (
        "raw above max",
        with_("result", {"score": {"raw": 11, "max": 10}}),
        "result.score.raw: must not be more than max",
    ),
    ("score extra key", with_("result", {"score": {"percent": 5}}), "score.percent: is not"),
    (
        "bad duration",
        with_("result", {"duration": "1 hour"}),
        "result.duration: must be an ISO 8601 duration",
    ),
    (
        "alternative duration format",
        with_("result", {"duration": "P0003-06-04T12:30:05"}),
        "must be an ISO 8601 duration",
    ),
    ("weeks mixed", with_("result", {"duration": "P4W1D"}), "must be an ISO 8601 duration"),
    ("empty duration", with_("result", {"duration": "PT"}), "must be an ISO 8601 duration"),
    (
        "response not a string",
        with_("result", {"response": 5}),
        "result.response: must be a string",
    ),
    # Data 2.4.6: context.
    (
        "registration not UUID",
        with_("context", {"registration": "abc"}),
        "context.registration: must be a UUID",
    ),
    (
        "team not a group",
        with_("context", {"team": {"mbox": MBOX}}),
        "context.team: must be a Group",
    ),
    (
        "bad context activity key",
        with_("context", {"contextActivities": {"parents": []}}),
        "contextActivities.parents: is not",
    ),
    (
        "context activity not an activity",
        with_("context", {"contextActivities": {"parent": [{"mbox": MBOX}]}}),
        "parent[0].mbox: is not",
    ),
    (
        "revision with non-activity object",
        with_("context", {"revision": "1"}, with_("object", REF)),
        "context.revision: may only be used when the object is an Activity",
    ),
    (
        "platform with agent object",
        with_("context", {"platform": "x"}, with_("object", {"objectType": "Agent", "mbox": MBOX})),
        "context.platform: may only be used",
    ),
    (
        "empty context activities",
        with_("context", {"contextActivities": {}}),
        "contextActivities: must not be an empty object",
    ),
    ("empty result", with_("result", {}), "statement.result: must not be an empty object"),
    ("empty score", with_("result", {"score": {}}), "result.score: must not be an empty object"),
    (
        "empty display",
        with_("verb.display", {}),
        "verb.display: a language map needs at least one entry",
    ),
    (
        "two regions",
        with_("verb.display", {"de-419-DE": "x"}),
        "verb.display.de-419-DE: is not an RFC 5646",
    ),
    ("singleton first", with_("verb.display", {"a-DE": "x"}), "is not an RFC 5646"),
    ("singleton twice", with_("verb.display", {"ar-a-aaa-b-bbb-a-ccc": "x"}), "is not an RFC 5646"),
    ("digits in language", with_("verb.display", {"a12345": "x"}), "is not an RFC 5646"),
    (
        "context language not a string",
        with_("context", {"language": {"a12345": "x"}}),
        "context.language: must be a string",
    ),
    (
        "context statement not a ref",
        with_("context", {"statement": {"objectType": "Activity", "id": "http://e.com"}}),
        "context.statement.objectType: must be StatementRef",
    ),
    # Data 2.4.7-2.4.10: timestamp, stored, authority, version.
    (
        "timestamp not a date",
        with_("timestamp", "should fail"),
        "statement.timestamp: must be an ISO 8601 timestamp",
    ),
    ("timestamp US date", with_("timestamp", "01/011/2015"), "must be an ISO 8601 timestamp"),
    (
        "timestamp -00",
        with_("timestamp", "2008-09-15T15:53:00.601-00"),
        "must be an ISO 8601 timestamp",
    ),
    (
        "timestamp -0000",
        with_("timestamp", "2008-09-15T15:53:00.601-0000"),
        "must be an ISO 8601 timestamp",
    ),
    (
        "timestamp -00:00",
        with_("timestamp", "2008-09-15T15:53:00.601-00:00"),
        "must be an ISO 8601 timestamp",
    ),
    (
        "timestamp impossible date",
        with_("timestamp", "2013-02-30T12:00:00Z"),
        "must be an ISO 8601 timestamp",
    ),
    ("stored not a date", with_("stored", "yesterday"), "statement.stored: must be an ISO 8601"),
    (
        "authority without IFI",
        with_("authority", {"name": "x"}),
        "statement.authority: an Agent must have",
    ),
    (
        "authority group of three",
        with_("authority", {"objectType": "Group", "member": [{"mbox": MBOX}] * 3}),
        "authority.member: an authority Group must have exactly two",
    ),
    ("version 0.95", with_("version", "0.95"), "statement.version: must be a 1.0.x version"),
    ("version 1.1.0", with_("version", "1.1.0"), "must be a 1.0.x version"),
    ("version 1.0.x", with_("version", "1.0.x"), "must be a 1.0.x version"),
    (
        "identified authority group",
        with_(
            "authority",
            {"objectType": "Group", "openid": "http://o.e.com", "member": [{"mbox": MBOX}] * 2},
        ),
        "statement.authority: an authority Group is anonymous",
    ),
    (
        "authority group of one",
        with_("authority", {"objectType": "Group", "member": [{"mbox": MBOX}]}),
        "authority.member: an authority Group must have exactly two",
    ),
    # Data 2.4.11: attachments.
    ("attachments not a list", with_("attachments", {}), "statement.attachments: must be an array"),
    (
        "attachment without usageType",
        with_(
            "attachments",
            [{"display": {"en": "a"}, "contentType": "text/plain", "length": 1, "sha2": "a" * 64}],
        ),
        "attachments[0].usageType: is required",
    ),
    (
        "attachment length a string",
        with_(
            "attachments",
            [
                {
                    "usageType": "http://e.com/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": "1",
                    "sha2": "a" * 64,
                }
            ],
        ),
        "attachments[0].length: must be a non-negative integer",
    ),
    (
        "attachment bad sha2",
        with_(
            "attachments",
            [
                {
                    "usageType": "http://e.com/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                    "sha2": "xyz",
                }
            ],
        ),
        "attachments[0].sha2: must be a hex SHA-2",
    ),
    (
        "attachment bad content type",
        with_(
            "attachments",
            [
                {
                    "usageType": "http://e.com/u",
                    "display": {"en": "a"},
                    "contentType": "text",
                    "length": 1,
                    "sha2": "a" * 64,
                }
            ],
        ),
        "attachments[0].contentType: must be an Internet media type",
    ),
    (
        "attachment fileUrl not IRI",
        with_(
            "attachments",
            [
                {
                    "usageType": "http://e.com/u",
                    "display": {"en": "a"},
                    "contentType": "text/plain",
                    "length": 1,
                    "sha2": "a" * 64,
                    "fileUrl": "f.txt",
                }
            ],
        ),
        "attachments[0].fileUrl: must be an IRI",
    ),
    # Data 2.3.2: voiding.
    (
        "voiding an activity",
        with_("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"}),
        "statement.object: the object of a voiding statement must be a StatementRef",
    ),
]


@pytest.mark.parametrize(
    ("document", "message"), [(d, m) for _, d, m in INVALID], ids=[n for n, _, _ in INVALID]
)
def test_invalid_statements_are_refused_naming_the_property(document, message):
    assert message in invalid(document)


def test_the_path_names_the_statement_in_a_batch():
    assert invalid(with_("actor", {"mbox": "ann"}), "statements[3]").startswith(
        "statements[3].actor.mbox: must be a mailto IRI"
    )


def test_an_invalid_statement_is_a_400():
    with pytest.raises(StatementInvalid) as caught:
        validate_statement(with_("verb", ...))
    assert caught.value.status == 400


def test_extension_values_may_be_anything_even_null():
    validate_statement(
        with_("context", {"extensions": {"http://e.com/x": None, "http://e.com/y": [None, {}]}})
    )


def test_a_statement_is_stored_as_compact_json_whatever_it_holds():
    """orjson writes the stored text; what it refuses (an integer beyond 64 bits, a lone
    surrogate) the standard encoder writes, and every text reads back as the statement."""
    ordinary = {"id": "x", "result": {"score": {"scaled": 0.5}}, "name": 'Zoë "q" \\ 1e16'}
    huge = ordinary | {"extensions": {"https://x/n": 2**70}}
    surrogate = ordinary | {"name": "\ud800"}
    assert serialize(ordinary) == json.dumps(ordinary, ensure_ascii=False, separators=(",", ":"))
    for document in (ordinary, huge, surrogate):
        assert json.loads(serialize(document)) == document
