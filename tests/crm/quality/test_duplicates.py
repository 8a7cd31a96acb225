"""Duplicate keys: records whose normalised e-mail, or company and name, are equal have the
same key; an empty field gives no key."""

import pytest

from lms.crm.quality import rules as q


def test_e_mail_addresses_are_compared_without_case_or_surrounding_spaces(rules):
    keys = q.duplicate_keys(rules, "contact", {"email": "Jane.Doe@ACME.com"})
    assert keys == {"contact.duplicate.email": "jane.doe@acme.com"}
    assert q.duplicate_keys(rules, "contact", {"email": " jane.doe@acme.com "}) == keys
    assert q.duplicate_keys(rules, "contact", {"email": "jane.doe@acme.co.uk"}) != keys


def test_company_and_name_are_compared_normalised(rules):
    full_name = {"company": "ACME Ltd.", "name": "Jane Doe"}
    assert q.duplicate_keys(rules, "lead", full_name) == {
        "lead.duplicate.company+name": "acme|jane doe"
    }
    same = [
        {"company": "acme", "name": "jane  doe"},
        {"company": "Acme, Inc.", "first_name": "Jane", "last_name": "Doe"},  # name in parts
        {"company": "The ACME Company", "first_name": " JANE", "last_name": "doe "},
    ]
    for fields in same:
        assert q.duplicate_keys(rules, "lead", fields) == q.duplicate_keys(rules, "lead", full_name)
    other = q.duplicate_keys(rules, "lead", {"company": "Acme Holdings", "name": "Jane Doe"})
    assert other == {"lead.duplicate.company+name": "acme holdings|jane doe"}


def test_accents_and_punctuation_do_not_tell_names_apart(rules):
    accents = {"company": "Société Générale S.A.", "first_name": "Zoë", "last_name": "Müller"}
    plain = {"company": "societe generale", "first_name": "Zoe", "last_name": "Muller"}
    assert q.duplicate_keys(rules, "contact", accents) == q.duplicate_keys(rules, "contact", plain)
    assert q.duplicate_keys(rules, "contact", plain)["contact.duplicate.company+name"] == (
        "societe generale|zoe muller"
    )


@pytest.mark.parametrize(
    ("company", "normalised"),
    [
        ("ACME Ltd.", "acme"),
        ("Acme Limited", "acme"),
        ("Acme, Inc.", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Müller AG", "muller"),
        ("Acme B.V.", "acme"),
        ("Acme Sp. z o.o.", "acme"),
        ("The Acme Company", "acme"),
        ("Smith & Sons Ltd", "smith and sons"),
        ("Acme Holdings Inc", "acme holdings"),
        ("Ltd", "ltd"),  # a name is never cut down to nothing
        ("The Co", "co"),
    ],
)
def test_a_company_s_legal_form_does_not_tell_it_apart(company, normalised):
    assert q.normalise_name(company, company=True) == normalised


def test_a_person_s_name_keeps_every_word():
    assert q.normalise_name("Seán  O'Neil-Park") == "sean oneil park"
    assert q.normalise_name("Jane Co") == "jane co"  # only companies lose a legal form


def test_accounts_by_name_and_website(rules):
    first = {"name": "ACME Ltd.", "website": "https://www.acme.com/"}
    second = {"name": "Acme", "website": "HTTP://ACME.COM"}
    keys = q.duplicate_keys(rules, "account", first)
    assert keys == {"account.duplicate.name": "acme", "account.duplicate.website": "acme.com"}
    assert q.duplicate_keys(rules, "account", second) == keys


def test_phones_compare_by_their_digits():
    rule = q.DuplicateRule("contact.duplicate.phone", "contact", ("phone",), "the same phone")
    rules = q.QualityRules(
        {"contact": q.ObjectRules("contact", "contact", "contacts", (), (rule,))}
    )
    one = q.duplicate_keys(rules, "contact", {"phone": "+44 (20) 7946-0000"})
    assert one == {"contact.duplicate.phone": "442079460000"}
    assert q.duplicate_keys(rules, "contact", {"phone": "+44 20 7946 0000"}) == one


def test_an_empty_or_blank_field_gives_no_key(rules):
    assert q.duplicate_keys(rules, "contact", {"email": ""}) == {}
    assert q.duplicate_keys(rules, "contact", {"email": "n/a"}) == {}  # a blank value
    assert q.duplicate_keys(rules, "contact", {"company": "Acme", "first_name": ""}) == {}
    assert q.duplicate_keys(rules, "contact", {"name": "Jane Doe"}) == {}  # no company
    assert q.duplicate_keys(rules, "contact", {"company": "...", "name": "Jane Doe"}) == {}


def test_objects_without_duplicate_rules_have_no_keys(rules):
    assert q.duplicate_keys(rules, "opportunity", {"name": "Kilns"}) == {}
    assert q.duplicate_keys(rules, "spaceship", {"email": "ann@acme.com"}) == {}
