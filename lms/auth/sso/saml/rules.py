"""What a verified SAML assertion says about the person, and how a refused answer is worded.
Pure: plain values in, answers out."""

from dataclasses import dataclass

NAMEID_EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"

REFUSED_UNSIGNED = (
    "The identity provider's assertion is not signed. Uptake accepts only signed assertions: "
    "ask IT to sign the SAML assertion."
)
REFUSED_BAD_SIGNATURE = (
    "The signature on the identity provider's answer does not match the provider's "
    "certificate in Uptake's settings."
)
REFUSED_AUDIENCE = (
    "The assertion was issued for another service (its audience is not Uptake's entity ID)."
)
REFUSED_EXPIRED = (
    "The assertion has expired or is not valid yet. Sign in again; if this keeps happening, "
    "the identity provider's clock may be wrong."
)
REFUSED_RECIPIENT = "The assertion was addressed to another address than Uptake's."
REFUSED_UNSOLICITED = (
    "Uptake did not ask for this sign-in, or asked too long ago. Start again from Uptake's "
    "log-in page."
)
REFUSED_REPLAYED = (
    "This assertion has already been used to sign in. Each one signs in once: start again "
    "from Uptake's log-in page."
)
REFUSED_ANSWERED = "This sign-in has already been completed. Start again from the log-in page."
REFUSED_UNREADABLE = "The identity provider's answer could not be read as a SAML response."
REFUSED_UNVERIFIED = "Uptake could not verify the identity provider's answer."
REFUSED_LOGOUT_UNSIGNED = (
    "This logout request is not signed by the identity provider Uptake trusts, so nobody was "
    "logged out."
)


@dataclass(frozen=True)
class AttributeNames:
    """Which SAML attributes carry the e-mail, HR id, name and groups (settings)."""

    email: str
    hr_id: str
    name: str
    groups: str


def first_value(attributes: dict[str, list[str]], name: str) -> str | None:
    """The attribute's first non-empty value, or None."""
    return next((value for value in attributes.get(name, []) if value), None)


def person_values(
    attributes: dict[str, list[str]],
    names: AttributeNames,
    *,
    name_id: str,
    name_id_format: str | None,
) -> dict:
    """The e-mail, HR id, name and groups the assertion gives. Without an e-mail attribute,
    a NameID in the e-mail format is the e-mail."""
    email = first_value(attributes, names.email)
    if email is None and name_id_format == NAMEID_EMAIL:
        email = name_id
    return {
        "email": email,
        "hr_id": first_value(attributes, names.hr_id),
        "name": first_value(attributes, names.name),
        "groups": tuple(value for value in attributes.get(names.groups, []) if value),
    }


def lasting_subject(name_id: str, name_id_format: str | None, email: str | None) -> str:
    """The account id to link the person by: the NameID, unless it is transient (new at
    every sign-in), when the e-mail stands in for it."""
    if name_id_format == NAMEID_TRANSIENT and email:
        return email.strip().lower()
    return name_id


# pysaml2 says what failed in the class of its exception, and for some checks only in its
# message: (class name, words in the message, what the person is told), first match wins.
REFUSALS = (
    ("SignatureError", "missing", REFUSED_UNSIGNED),
    ("SignatureError", "", REFUSED_BAD_SIGNATURE),
    ("IncorrectlySigned", "", REFUSED_BAD_SIGNATURE),
    ("Exception", "audiencerestriction", REFUSED_AUDIENCE),
    ("ResponseLifetimeExceed", "", REFUSED_EXPIRED),
    ("ToEarly", "", REFUSED_EXPIRED),
    ("VerificationError", "recipient", REFUSED_RECIPIENT),
    ("UnsolicitedResponse", "", REFUSED_UNSOLICITED),
    ("Exception", "don't recall", REFUSED_UNSOLICITED),
)


def refusal_for(class_names: list[str], message: str) -> str:
    """The plain words for a failed check, from the exception's class (and its bases,
    `class_names`) and message."""
    text = message.lower()
    for class_name, words, reason in REFUSALS:
        if class_name in class_names and words in text:
            return reason
    if "StatusError" in class_names:
        return f"The identity provider did not sign you in ({message.splitlines()[-1]})."
    return REFUSED_UNVERIFIED
