"""Data quality judged by Uptake: every check kind on real examples, what is not counted,
duplicates, the score, the sentences people read, and content/crm/data_quality.yaml read
with every problem named by file, line and field."""

from pathlib import Path

import pytest

from lms.config import PROJECT_ROOT
from lms.crm.quality import rules as q
from lms.crm.quality.content import read_quality_rules

SHIPPED = PROJECT_ROOT / "content" / "crm" / "data_quality.yaml"


@pytest.fixture(scope="module")
def rules():
    problems = []
    read = read_quality_rules(SHIPPED, "crm/data_quality.yaml", problems)
    assert problems == []
    return read


def check(kind, field="x", values=()):
    return q.Check(f"lead.{field}.{kind}", "lead", field, kind, "words", tuple(values))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("+44 20 7946 0000", True),
        ("+1 (415) 555-0100", True),
        ("+49.30.1234567", True),
        ("+353-1-234-5678", True),
        ("020 7946 0000", False),  # no country code
        ("+0 20 7946 0000", False),  # no country starts with 0
        ("+44 12", False),  # too short
        ("+44 20 7946 0000 ext 12", False),
        ("call me", False),
    ],
)
def test_phones_must_be_in_international_form(value, ok):
    assert q.check_outcome(check(q.PHONE_E164, "phone"), {"phone": value}) is ok


@pytest.mark.parametrize(
    ("country", "postcode", "ok"),
    [
        ("GB", "SW1A 1AA", True),
        ("United Kingdom", "sw1a1aa", True),
        ("UK", "SW1A 1A", False),
        ("US", "12345-6789", True),
        ("USA", "1234", False),
        ("DE", "10115", True),
        ("Deutschland", "1011", False),
        ("NL", "1234 AB", True),
        ("nl", "0234 AB", False),
        ("CA", "K1A 0B1", True),
        ("PL", "00-950", True),
        ("PL", "00950", False),
    ],
)
def test_postcodes_are_judged_by_the_records_country(country, postcode, ok):
    fields = {"country": country, "postcode": postcode}
    assert q.check_outcome(check(q.POSTCODE, "postcode"), fields) is ok


def test_a_postcode_of_a_country_without_a_pattern_or_without_a_country_is_not_judged():
    postcode = check(q.POSTCODE, "postcode")
    assert q.check_outcome(postcode, {"country": "JP", "postcode": "100-0001"}) is None
    assert q.check_outcome(postcode, {"postcode": "anything"}) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("ann@acme.co.uk", True),
        ("ann@acme", False),
        ("ann at acme.com", False),
        ("@acme.com", False),
    ],
)
def test_e_mail_addresses(value, ok):
    assert q.check_outcome(check(q.EMAIL, "email"), {"email": value}) is ok


def test_picklists_ignore_case_and_presence_counts_blanks():
    status = check(q.PICKLIST, "status", ["Open", "Qualified"])
    assert q.check_outcome(status, {"status": "qualified"}) is True
    assert q.check_outcome(status, {"status": "Maybe"}) is False
    present = check(q.PRESENT, "phone")
    assert q.check_outcome(present, {"phone": "  "}) is False
    assert q.check_outcome(present, {"phone": None}) is False
    assert q.check_outcome(present, {"phone": 0}) is True  # a number is a value


def test_a_field_the_crm_did_not_give_is_not_counted_and_an_empty_one_fails_only_presence(rules):
    only_names = q.judge(rules, "contact", {"first_name": "Ann", "last_name": "Lee"})
    assert (only_names.passed, only_names.total, only_names.score) == (2, 2, 1.0)
    blank_phone = q.judge(rules, "contact", {"first_name": "Ann", "phone": ""})
    assert blank_phone.failed_keys == ("contact.phone.present",)
    assert blank_phone.total == 2 and blank_phone.score == 0.5


def test_the_score_is_the_share_of_checks_passed(rules):
    lead = {
        "first_name": "Ann",
        "last_name": "Lee",
        "company": "Harbour Cement",
        "email": "ann@harbour",  # not valid
        "phone": "020 7946 0000",  # not international
        "status": "Open",
        "source": "Web",
        "country": "GB",
        "postcode": "SW1A 1AA",
    }
    judged = q.judge(rules, "lead", lead)
    assert set(judged.failed_keys) == {"lead.email.email", "lead.phone.phone_e164"}
    assert judged.total == 15 and judged.passed == 13
    assert judged.score == pytest.approx(13 / 15)
    assert q.judge(rules, "spaceship", lead) is None


def test_duplicates_are_compared_normalised(rules):
    first = {
        "email": "Jane.Doe@ACME.com",
        "company": "ACME Ltd.",
        "first_name": "Jane",
        "last_name": "Doe",
    }
    second = {
        "email": " jane.doe@acme.com",
        "company": "acme",
        "first_name": "jane ",
        "last_name": "DOE",
    }
    assert q.duplicate_keys(rules, "contact", first) == q.duplicate_keys(rules, "contact", second)
    accents = {"company": "Société Générale SA", "first_name": "Zoë", "last_name": "Müller"}
    plain = {"company": "societe generale", "first_name": "Zoe", "last_name": "Muller"}
    assert q.duplicate_keys(rules, "contact", accents) == q.duplicate_keys(rules, "contact", plain)
    assert q.duplicate_keys(rules, "contact", {"email": ""}) == {}  # an empty key is no key
    judged = q.judge(rules, "contact", first, duplicated=frozenset({"contact.duplicate.email"}))
    assert "contact.duplicate.email" in judged.failed_keys


def test_sentences_say_what_to_fix_most_common_first(rules):
    sentences = q.summarise(
        {"lead.email.email": 1, "contact.phone.present": 3, "contact.duplicate.email": 2}, rules
    )
    assert sentences == [
        "3 of your contacts have no phone number",
        "2 of your contacts have the same e-mail address as another contact",
        "1 of your leads has an e-mail address that is not valid",
    ]
    assert q.check_message(rules, "contact.phone.phone_e164") == (
        "a phone number not in international form (+44 20 …)"
    )


def problems_in(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "data_quality.yaml"
    path.write_text(text)
    problems = []
    read_quality_rules(path, "crm/data_quality.yaml", problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "objects:\n  spaceship:\n    plural: ships\n",
            "crm/data_quality.yaml:2: objects.spaceship:",
        ),
        (
            "objects:\n  lead:\n    plural: leads\n    required: [first_name, shoe_size]\n",
            'crm/data_quality.yaml:4: objects.lead.required[1]: "shoe_size" is not a field',
        ),
        (
            "objects:\n  lead:\n    plural: leads\n    formats:\n      phone: fax\n",
            "crm/data_quality.yaml:5: objects.lead.formats.phone:",
        ),
        (
            "objects:\n  lead:\n    plural: leads\n    picklists:\n      status: []\n",
            "crm/data_quality.yaml:5: objects.lead.picklists.status: must list at least one",
        ),
        ("objects:\n  lead:\n    required: [email]\n", "objects.lead.plural: is missing"),
        ("objects: [\n", "is not valid YAML"),
    ],
)
def test_problems_in_the_rules_name_file_line_and_field(tmp_path, text, expected):
    problems = problems_in(tmp_path, text)
    assert any(expected in problem for problem in problems), problems


def test_lms_content_check_reads_the_rules_too(app, tmp_path):
    import shutil

    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    (folder / "crm" / "data_quality.yaml").write_text(
        "objects:\n  lead:\n    plural: 3\n    required: nope\n"
    )
    result = app.test_cli_runner().invoke(args=["content", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "crm/data_quality.yaml:4: objects.lead.required: must be a list" in result.output
