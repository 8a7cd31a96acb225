"""What an assertion's attributes say about the person, and the words for a failed check.
Pure: no app."""

from lms.auth.sso.saml import rules

NAMES = rules.AttributeNames(email="mail", hr_id="employeeid", name="displayname", groups="groups")


def values(attributes, name_id="ann@example.com", name_id_format=rules.NAMEID_EMAIL):
    return rules.person_values(attributes, NAMES, name_id=name_id, name_id_format=name_id_format)


def test_the_configured_attributes_give_the_person():
    found = values(
        {
            "mail": ["ann@example.com"],
            "employeeid": ["E-7"],
            "displayname": ["Ann Lee"],
            "groups": ["HR", "", "Sales"],
        }
    )
    assert found == {
        "email": "ann@example.com",
        "hr_id": "E-7",
        "name": "Ann Lee",
        "groups": ("HR", "Sales"),
    }


def test_without_an_e_mail_attribute_an_e_mail_name_id_is_the_e_mail():
    assert values({})["email"] == "ann@example.com"
    assert values({}, name_id="0b7c-…", name_id_format="persistent")["email"] is None


def test_the_first_non_empty_value_counts():
    assert rules.first_value({"mail": ["", "ann@example.com", "x@example.com"]}, "mail") == (
        "ann@example.com"
    )
    assert rules.first_value({}, "mail") is None


def test_each_failed_check_is_named():
    cases = {
        (("SignatureError", "Exception"), "Signature missing for assertion"): "not signed",
        (("SignatureError", "Exception"), "Failed to verify signature"): "does not match",
        (("Exception",), "AudienceRestrictions conditions not satisfied!"): "another service",
        (("ResponseLifetimeExceed", "Exception"), "Can't use response"): "has expired",
        (("ToEarly", "Exception"), "Can't use response yet"): "not valid yet",
        (("VerificationError", "Exception"), "No valid recipient"): "another address",
        (("UnsolicitedResponse", "Exception"), "Unsolicited response: id-1"): "did not ask",
        (("StatusError", "Exception"), "Unsuccessful\nAuthn failed from Responder"): "(Authn",
        (("KeyError", "Exception"), "surprise"): "could not verify",
    }
    for (classes, message), words in cases.items():
        assert words in rules.refusal_for(list(classes), message), (classes, message)


def test_a_transient_name_id_is_not_the_account_the_e_mail_is():
    assert rules.lasting_subject("_9f3a", rules.NAMEID_TRANSIENT, "Ann@Example.com") == (
        "ann@example.com"
    )
    assert rules.lasting_subject("00u1abc", "persistent", "ann@example.com") == "00u1abc"
    assert rules.lasting_subject("ann@example.com", rules.NAMEID_EMAIL, None) == "ann@example.com"
