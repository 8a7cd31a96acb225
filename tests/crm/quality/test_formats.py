"""Each kind of check on real values, by the shipped rules: e-mail addresses, phones in E.164
for several countries, postcodes per country, picklists, presence, and blank values."""

import pytest

from lms.crm.quality import rules as q
from tests.crm.quality.conftest import check_of


def outcome(rules, key, **fields):
    return q.check_outcome(rules, check_of(rules, key), fields)


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0000",  # GB
        "+1 (415) 555-0100",  # US
        "+1 613 555 0100",  # CA
        "+49 30 1234567",  # DE
        "+49.30.1234567",
        "+33 1 42 68 53 00",  # FR
        "+31 20 123 4567",  # NL
        "+353-1-234-5678",  # IE
        "+61 2 9374 4000",  # AU
        "+48 22 123 45 67",  # PL
        "+34 915 123 456",  # ES
        "+39 06 1234 5678",  # IT: the leading 0 belongs to Italian numbers
        "+44/20/7946/0000",
        "+12345678",  # 8 digits, the fewest
        "+123456789012345",  # 15 digits, the most
    ],
)
def test_phones_in_international_form_pass(rules, phone):
    assert outcome(rules, "lead.phone.phone_e164", phone=phone) is True


@pytest.mark.parametrize(
    "phone",
    [
        "020 7946 0000",  # no country code
        "0044 20 7946 0000",  # the international prefix dialled from the UK, not "+"
        "+44 (0)20 7946 0000",  # the trunk 0 is not dialled from abroad
        "+44 ( 0 ) 20 7946 0000",
        "+0 20 7946 0000",  # no country code starts with 0
        "+1234567",  # 7 digits
        "+1234567890123456",  # 16 digits
        "+44 20 7946 0000 ext 12",
        "+44 20 7946 0000 x12",
        "44 20 7946 0000",
        "call me",
    ],
)
def test_phones_not_in_international_form_fail(rules, phone):
    assert outcome(rules, "lead.phone.phone_e164", phone=phone) is False


@pytest.mark.parametrize(
    ("country", "postcode"),
    [
        ("GB", "SW1A 1AA"),
        ("GB", "EC1A 1BB"),
        ("GB", "M1 1AE"),
        ("GB", "B33 8TH"),
        ("GB", "DN55 1PT"),
        ("GB", "W1A 0AX"),
        ("United Kingdom", "sw1a1aa"),  # a country's name, any case; postcode in any case
        ("uk", "LS1  4AP"),  # runs of spaces are one
        ("IE", "D02 X285"),
        ("Ireland", "A65F4E2"),
        ("US", "12345"),
        ("US", "12345-6789"),
        ("United States of America", "90210"),
        ("CA", "K1A 0B1"),
        ("Canada", "k1a0b1"),
        ("AU", "2000"),
        ("DE", "10115"),
        ("Deutschland", "01067"),
        ("FR", "75008"),
        ("FR", "97400"),  # La Réunion
        ("ES", "28013"),
        ("IT", "00184"),
        ("NL", "1234 AB"),
        ("the netherlands", "1012JS"),
        ("BE", "1000"),
        ("PL", "00-950"),
        ("SE", "114 55"),
        ("DK", "1050"),
        ("NO", "0150"),
        ("CH", "8001"),
        ("Österreich", "1010"),
    ],
)
def test_postcodes_valid_for_their_country_pass(rules, country, postcode):
    assert outcome(rules, "lead.postcode.postcode", country=country, postcode=postcode) is True


@pytest.mark.parametrize(
    ("country", "postcode"),
    [
        ("GB", "SW1A 1A"),
        ("GB", "QA1 1AA"),  # no area starts with Q
        ("GB", "12345"),
        ("IE", "D02 X28"),
        ("US", "1234"),
        ("USA", "12345-67"),
        ("CA", "D1A 0B1"),  # D is never a Canadian area letter
        ("AU", "200"),
        ("DE", "1011"),
        ("DE", "00123"),  # German postcodes start at 01
        ("FR", "99000"),
        ("ES", "53001"),  # provinces end at 52
        ("IT", "0018"),
        ("NL", "0234 AB"),
        ("NL", "1234 SS"),
        ("PL", "00950"),  # written with its dash
        ("SE", "01455"),
        ("CH", "0800"),
        ("GB", "10115"),  # a German postcode on a British record
    ],
)
def test_postcodes_not_valid_for_their_country_fail(rules, country, postcode):
    assert outcome(rules, "lead.postcode.postcode", country=country, postcode=postcode) is False


def test_a_postcode_of_a_country_the_rules_do_not_name_only_has_to_be_there(rules):
    key = "contact.postcode.postcode"
    assert outcome(rules, key, country="JP", postcode="100-0001") is True
    assert outcome(rules, key, country="Japan", postcode="100-0001") is True
    assert outcome(rules, key, country="", postcode="anything") is True
    assert outcome(rules, key, postcode="anything") is True  # no country at all
    assert outcome(rules, key, country="GB", postcode="") is None  # `required` judges emptiness


@pytest.mark.parametrize(
    "email",
    [
        "ann@acme.co.uk",
        "jane.doe+crm@acme.com",
        "o'brien@acme.ie",
        "ANN@ACME.COM",
        "josé@exämple.de",
        "ann_lee@mail-1.acme.io",
        " ann@acme.com ",  # the spaces around are not the address
    ],
)
def test_valid_e_mail_addresses_pass(rules, email):
    assert outcome(rules, "contact.email.email", email=email) is True


@pytest.mark.parametrize(
    "email",
    [
        "ann@acme",  # no top-level domain
        "ann at acme.com",
        "ann @acme.com",
        "@acme.com",
        "ann@",
        "ann@@acme.com",
        "jane..doe@acme.com",
        ".jane@acme.com",
        "ann@acme..com",
        "ann@-acme.com",
        "ann@acme.com.",
        "ann@acme.c",
        "ann@acme.com, bob@acme.com",
        "<ann@acme.com>",
        "a" * 250 + "@acme.com",  # longer than an address may be
    ],
)
def test_invalid_e_mail_addresses_fail(rules, email):
    assert outcome(rules, "contact.email.email", email=email) is False


def test_picklist_values_are_compared_without_case_or_extra_spaces(rules):
    assert outcome(rules, "lead.status.picklist", status="qualified") is True
    assert outcome(rules, "opportunity.stage.picklist", stage="  closed   WON ") is True
    assert outcome(rules, "lead.status.picklist", status="In Process") is False
    assert outcome(rules, "case.priority.picklist", priority="P1") is False
    assert outcome(rules, "lead.status.picklist", status="") is None  # `required` says it


def test_presence(rules):
    assert outcome(rules, "contact.phone.present", phone="+44 20 7946 0000") is True
    assert outcome(rules, "contact.phone.present", phone="  ") is False
    assert outcome(rules, "contact.phone.present", phone=None) is False
    assert outcome(rules, "opportunity.amount.present", amount=0) is True  # a number is a value
    assert outcome(rules, "contact.phone.present") is None  # the CRM gave no phone field


@pytest.mark.parametrize("blank", ["n/a", "N/A", "-", "?", "unknown", "TBD", " none "])
def test_what_people_type_to_get_past_a_required_field_counts_as_empty(rules, blank):
    assert outcome(rules, "contact.phone.present", phone=blank) is False
    assert outcome(rules, "contact.phone.phone_e164", phone=blank) is None
    assert outcome(rules, "lead.email.email", email=blank) is None


def test_a_check_of_an_unknown_kind_is_an_error(rules):
    odd = q.Check("lead.phone.fax", "lead", "phone", "fax", "a fax")
    with pytest.raises(ValueError, match="unknown check kind 'fax'"):
        q.check_outcome(rules, odd, {"phone": "+44 20 7946 0000"})
