"""content/crm/data_quality.yaml: the shipped file loads; every problem in a rules file is
named by file, line and field; `lms content check` and `lms content sync` read it too; the app
reads it again when it changes."""

import shutil
from pathlib import Path

import pytest

from lms.config import PROJECT_ROOT
from lms.crm.connectors.base import CANONICAL_FIELDS, RECORD_OBJECTS
from lms.crm.quality import rules as q
from lms.crm.quality.content import QualityRulesInvalid, current_quality_rules, read_quality_rules
from tests.crm.quality.conftest import SHIPPED

SHOWN = "crm/data_quality.yaml"
LEAD = "objects:\n  lead:\n    plural: leads\n"  # lines 1-3 of most files below


def problems_in(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "data_quality.yaml"
    path.write_text(text, encoding="utf-8")
    problems = []
    read_quality_rules(path, SHOWN, problems)
    return [str(problem) for problem in problems]


def test_the_shipped_rules_load_without_a_problem():
    problems = []
    rules = read_quality_rules(SHIPPED, SHOWN, problems)
    assert problems == []
    assert tuple(rules.objects) == RECORD_OBJECTS
    assert set(rules.postcodes) >= {"GB", "US", "DE", "FR", "NL", "IE", "CA", "AU", "ES", "IT"}
    assert "PL" in rules.postcodes
    for object_rules in rules.objects.values():
        for check in object_rules.checks:
            assert check.field in CANONICAL_FIELDS
            assert check.key == f"{check.object}.{check.field}.{check.kind}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "objects:\n  spaceship:\n    plural: ships\n",
            f"{SHOWN}:2: objects.spaceship: is not a known field",
        ),
        (
            LEAD + "    required: [first_name, shoe_size]\n",
            f'{SHOWN}:4: objects.lead.required[1]: "shoe_size" is not a field Uptake knows',
        ),
        (
            LEAD + "    required:\n      - email\n      - first_nme\n",
            f'{SHOWN}:6: objects.lead.required[1]: "first_nme" is not a field Uptake knows'
            ' (did you mean "first_name"?)',
        ),
        (
            LEAD + "    required: [email, phone, email]\n",
            f'{SHOWN}:4: objects.lead.required[2]: field "email" appears twice',
        ),
        (
            LEAD + "    required: email\n",
            f"{SHOWN}:4: objects.lead.required: must be a list",
        ),
        (
            LEAD + "    formats:\n      phone: fax\n",
            f'{SHOWN}:5: objects.lead.formats.phone: unknown format "fax"',
        ),
        (
            LEAD + "    formats:\n      fax: phone_e164\n",
            f"{SHOWN}:5: objects.lead.formats.fax: is not a known field",
        ),
        (
            LEAD + "    picklists:\n      status: Open\n",
            f"{SHOWN}:5: objects.lead.picklists.status: must be a list",
        ),
        (
            LEAD + "    picklists:\n      status: []\n",
            f"{SHOWN}:5: objects.lead.picklists.status: must list at least one allowed value",
        ),
        (
            LEAD + "    picklists:\n      status: [Open, Closed, open]\n",
            f'{SHOWN}:5: objects.lead.picklists.status[2]: value "open" appears twice',
        ),
        (
            LEAD + "    duplicates:\n      - [email, fax]\n",
            f'{SHOWN}:5: objects.lead.duplicates[0][1]: "fax" is not a field Uptake knows',
        ),
        (
            LEAD + "    duplicates:\n      - []\n",
            f"{SHOWN}:5: objects.lead.duplicates[0]: must name at least one field",
        ),
        (
            LEAD + "    duplicates:\n      - [email]\n      - [email]\n",
            f'{SHOWN}:6: objects.lead.duplicates[1]: duplicate rule "lead.duplicate.email"'
            " appears twice",
        ),
        (
            "objects:\n  lead:\n    required: [email]\n",
            f"{SHOWN}:2: objects.lead.plural: is missing",
        ),
        ("field_names:\n  email: mail\n", f"{SHOWN}:1: objects: is missing"),
        (
            "field_names:\n  fax: fax number\n" + LEAD,
            f"{SHOWN}:2: field_names.fax: is not a known field",
        ),
        (
            "postcode:\n  GB: {}\n" + LEAD,
            f'{SHOWN}:1: postcode: is not a known field (did you mean "postcodes"?)',
        ),
        ("blank_values: n/a\n" + LEAD, f"{SHOWN}:1: blank_values: must be a list"),
        ("objects: [\n", f"{SHOWN}:2: is not valid YAML"),
    ],
)
def test_problems_in_objects_name_file_line_and_field(tmp_path, text, expected):
    problems = problems_in(tmp_path, text)
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    ("postcodes", "expected"),
    [
        (
            "  GB:\n    pattern: '[A-Z'\n    example: SW1A 1AA\n",
            f"{SHOWN}:3: postcodes.GB.pattern: is not a valid regular expression",
        ),
        (
            "  XX:\n    pattern: '[0-9]{4}'\n    example: '1234'\n",
            f'{SHOWN}:2: postcodes.XX: "XX" is not a country',
        ),
        (
            "  gb:\n    pattern: '[0-9]{4}'\n    example: '1234'\n",
            f'{SHOWN}:2: postcodes.gb: "gb" is not a country',
        ),
        (
            "  US:\n    pattern: '[0-9]{5}'\n    example: '1234'\n",
            f'{SHOWN}:4: postcodes.US.example: "1234" does not match the pattern',
        ),
        (
            "  US:\n    pattern: '[0-9]{5}'\n",
            f"{SHOWN}:2: postcodes.US.example: is missing",
        ),
        (
            "  GB:\n    pattern: '[0-9]{4}'\n    example: '1234'\n    names: [Ireland]\n"
            "  IE:\n    pattern: '[0-9]{4}'\n    example: '1234'\n    names: [ireland]\n",
            f'{SHOWN}:9: postcodes.IE.names[0]: country name "ireland" appears twice',
        ),
        (
            "  DE:\n    pattern: '[0-9]{5}'\n    example: '10115'\n"
            "  DE:\n    pattern: '[0-9]{5}'\n    example: '10115'\n",
            f"{SHOWN}:5: postcodes.DE: is written twice",
        ),
        ("  - GB\n", f"{SHOWN}:1: postcodes: must be a set of countries"),
    ],
)
def test_problems_in_postcodes_name_file_line_and_field(tmp_path, postcodes, expected):
    problems = problems_in(tmp_path, "postcodes:\n" + postcodes + LEAD)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_words_are_only_given_to_checks_the_file_has(tmp_path):
    text = "messages:\n  lead.email.present: no e-mail\n  lead.fax.present: no fax\n"
    problems = problems_in(tmp_path, text + LEAD + "    required: [email]\n")
    assert problems == [
        f'{SHOWN}:3: messages.lead.fax.present: "lead.fax.present" is not a check of this file'
        ' (did you mean "lead.email.present"?)'
    ]


def test_a_file_with_problems_is_read_as_far_as_it_can_be(tmp_path):
    path = tmp_path / "data_quality.yaml"
    path.write_text(LEAD + "    required: [email]\n  task:\n    required: [subject]\n")
    problems = []
    rules = read_quality_rules(path, SHOWN, problems)
    assert [str(p) for p in problems] == [f"{SHOWN}:5: objects.task.plural: is missing"]
    assert list(rules.objects) == ["lead"]


def test_read_alone_the_rules_raise_an_error_naming_every_problem(tmp_path):
    path = tmp_path / "data_quality.yaml"
    path.write_text(LEAD + "    required: [email, fax]\n    formats:\n      phone: fax\n")
    with pytest.raises(QualityRulesInvalid) as raised:
        read_quality_rules(path)
    message = str(raised.value)
    assert message.startswith("2 problem(s) in the data-quality rules: ")
    assert f'{path}:4: objects.lead.required[1]: "fax" is not a field' in message
    assert f'{path}:6: objects.lead.formats.phone: unknown format "fax"' in message
    assert len(raised.value.problems) == 2


def test_without_the_file_nothing_is_judged(tmp_path):
    rules = read_quality_rules(tmp_path / "absent.yaml")
    assert rules == q.QualityRules()
    assert q.judge(rules, "lead", {"email": "ann@acme.com"}) is None


def content_copy(tmp_path: Path, quality_rules: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    (folder / "crm" / "data_quality.yaml").write_text(quality_rules, encoding="utf-8")
    return folder


BROKEN = LEAD + "    required: nope\n"


def test_lms_content_check_reads_the_rules(app, tmp_path):
    runner = app.test_cli_runner()
    shipped = runner.invoke(args=["content", "check", "--dir", str(PROJECT_ROOT / "content")])
    assert shipped.exit_code == 0 and "content OK" in shipped.output
    folder = content_copy(tmp_path, BROKEN)
    result = runner.invoke(args=["content", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "crm/data_quality.yaml:4: objects.lead.required: must be a list" in result.output


def test_lms_content_sync_loads_nothing_while_the_rules_have_a_problem(app, tmp_path):
    folder = content_copy(tmp_path, BROKEN)
    result = app.test_cli_runner().invoke(args=["content", "sync", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "crm/data_quality.yaml:4: objects.lead.required: must be a list" in result.output


def test_the_app_reads_the_rules_again_when_the_file_changes(app, tmp_path, monkeypatch):
    path = tmp_path / "crm" / "data_quality.yaml"
    path.parent.mkdir()
    path.write_text(LEAD + "    required: [email]\n")
    monkeypatch.setitem(app.config, "CONTENT_DIR", tmp_path)
    first = current_quality_rules()
    assert [c.key for c in first.objects["lead"].checks] == ["lead.email.present"]
    assert current_quality_rules() is first  # unchanged: not read again
    path.write_text(LEAD + "    required: [email, phone]\n")
    assert len(current_quality_rules().objects["lead"].checks) == 2
    path.write_text(BROKEN)
    with pytest.raises(QualityRulesInvalid, match="objects.lead.required: must be a list"):
        current_quality_rules()
