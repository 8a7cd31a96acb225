"""How a CRM record is judged for data quality. Pure: plain values in, a judgement out.

Per object, content/crm/data_quality.yaml names the fields a complete record has, the
formats its fields must have (e-mail, phone in E.164, postcode for its country), the values a
picklist may take, and the duplicate rules. A record's score is the share of the checks it
passes. A check is counted only when the CRM gave its field at all: a CRM that does not have
a field is not held against the person."""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from lms.crm.connectors.base import ACCOUNT, CONTACT, LEAD

PRESENT, EMAIL, PHONE_E164, POSTCODE, PICKLIST = (
    "present",
    "email",
    "phone_e164",
    "postcode",
    "picklist",
)
FORMATS = (EMAIL, PHONE_E164, POSTCODE)  # the kinds a file's `formats` may name
PEOPLE = (LEAD, CONTACT)  # objects whose `name` is a person's

# An address as people and CRMs write them: dot-separated atoms before the @, a domain of
# letter-or-digit labels (hyphens inside) ending in a top-level domain of letters.
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
EMAIL_FORM = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+(?:[^\W\d_]{{2,}}|xn--[a-z0-9-]+)", re.IGNORECASE
)
EMAIL_LENGTH = 254
E164 = re.compile(r"\+[1-9][0-9]{7,14}")  # + country code, then the number: 8 to 15 digits
PHONE_DECORATION = re.compile(r"[\s\-.()/]")  # what people write between digits
# "+44 (0)20 …": the bracketed 0 is dialled only inside the country, so the digits as
# written are not the international number.
TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")

# Legal forms that do not tell two companies apart ("ACME Ltd." is "Acme"), after dots are
# taken out; a company's name is never cut down to nothing.
COMPANY_SUFFIXES = frozenset(
    ("ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "corp", "corporation")
    + ("co", "company", "gmbh", "ag", "kg", "ug", "se", "sa", "sas", "sarl", "sl", "slu", "bv")
    + ("nv", "spa", "srl", "oy", "oyj", "ab", "as", "asa", "aps", "pty", "pte", "kk", "and")
)
COMPANY_SUFFIX_WORDS = (("sp", "z", "oo"),)  # Polish "sp. z o.o."


@dataclass(frozen=True)
class Check:
    """One thing a complete, valid record has. `problem` completes "has …" for one record
    ("no phone number"); "3 of your contacts have no phone number" says it of several."""

    key: str  # e.g. "contact.phone.phone_e164"
    object: str
    field: str
    kind: str
    problem: str
    values: tuple[str, ...] = ()  # a picklist's allowed values


@dataclass(frozen=True)
class DuplicateRule:
    """Two records of an object are duplicates when their normalised `fields` are equal."""

    key: str  # e.g. "contact.duplicate.email"
    object: str
    fields: tuple[str, ...]
    problem: str  # "the same e-mail address as another contact"


@dataclass(frozen=True)
class ObjectRules:
    object: str
    singular: str  # "contact"
    plural: str  # "contacts"
    checks: tuple[Check, ...] = ()
    duplicates: tuple[DuplicateRule, ...] = ()


@dataclass(frozen=True)
class PostcodeForm:
    """The postcodes of one country (`pattern` is matched against the postcode in capitals,
    with runs of spaces made one) and what people write for the country besides its code."""

    country: str  # ISO 3166-1 alpha-2
    pattern: re.Pattern[str]
    names: tuple[str, ...] = ()

    def accepts(self, postcode: str) -> bool:
        return self.pattern.fullmatch(" ".join(postcode.upper().split())) is not None


@dataclass(frozen=True)
class QualityRules:
    objects: Mapping[str, ObjectRules] = field(default_factory=dict)
    postcodes: Mapping[str, PostcodeForm] = field(default_factory=dict)  # by ISO code
    blank_values: frozenset[str] = frozenset()  # in lower case: what counts as empty ("n/a")
    _country_names: Mapping[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self):
        names = {n.casefold(): form.country for form in self.postcodes.values() for n in form.names}
        object.__setattr__(self, "_country_names", names)

    def country_code(self, value: object) -> str | None:
        """The ISO code of a country written as a code or by one of its names; None when
        neither ("Japan" when the file names no such country)."""
        text = " ".join(_text(value).split())
        if text.casefold() in self._country_names:
            return self._country_names[text.casefold()]
        return text.upper() if len(text) == 2 and text.isalpha() else None

    def value(self, fields: Mapping[str, object], name: str) -> str:
        """The field as text, stripped; "" when empty or one of the blank values."""
        text = _text(fields.get(name))
        return "" if text.casefold() in self.blank_values else text

    def problem_of(self, key: str) -> tuple[ObjectRules, str] | None:
        """The object and the words of a check or duplicate rule, by its key."""
        rules = self.objects.get(key.split(".", 1)[0])
        if rules is None:
            return None
        for item in (*rules.checks, *rules.duplicates):
            if item.key == key:
                return rules, item.problem
        return None


@dataclass(frozen=True)
class Judgement:
    score: float  # passed / total, 1.0 when nothing could be checked
    passed: int
    total: int
    failed_keys: tuple[str, ...]


def judge(
    rules: QualityRules,
    crm_object: str,
    fields: Mapping[str, object],
    *,
    duplicated: frozenset[str] = frozenset(),
    keys: Mapping[str, str] | None = None,
) -> Judgement | None:
    """The record's judgement; None for an object the rules do not cover.

    A check whose field the CRM did not give at all (its name missing from `fields`) is not
    counted, neither passed nor failed; nor is a format or picklist check of an empty field
    (its `required` check, if any, says it is empty). Each duplicate rule the record has a
    key under is one check, failed when its key is in `duplicated` (the rules under which
    another record has the same key; the caller looks that up). `keys`: the record's
    `duplicate_keys`, when the caller has them already."""
    object_rules = rules.objects.get(crm_object)
    if object_rules is None:
        return None
    passed, failed = 0, []
    for check in object_rules.checks:
        outcome = check_outcome(rules, check, fields)
        if outcome is True:
            passed += 1
        elif outcome is False:
            failed.append(check.key)
    if keys is None:
        keys = duplicate_keys(rules, crm_object, fields)
    for rule in object_rules.duplicates:
        if rule.key not in keys:
            continue
        if rule.key in duplicated:
            failed.append(rule.key)
        else:
            passed += 1
    total = passed + len(failed)
    return Judgement(passed / total if total else 1.0, passed, total, tuple(failed))


def check_outcome(rules: QualityRules, check: Check, fields: Mapping[str, object]) -> bool | None:
    """Whether the record passes the check; None when it is not counted (the CRM gave no
    such field, or a format or picklist check has no value to look at)."""
    if check.field not in fields:
        return None
    value = rules.value(fields, check.field)
    if check.kind == PRESENT:
        return bool(value)
    if not value:
        return None
    if check.kind == EMAIL:
        return is_email(value)
    if check.kind == PHONE_E164:
        return is_e164(value)
    if check.kind == PICKLIST:
        return _folded(value) in _folded_set(check.values)
    if check.kind == POSTCODE:
        form = rules.postcodes.get(rules.country_code(fields.get("country")) or "")
        return True if form is None else form.accepts(value)  # elsewhere: only be there
    raise ValueError(f"unknown check kind {check.kind!r}")


def is_email(value: str) -> bool:
    return len(value) <= EMAIL_LENGTH and EMAIL_FORM.fullmatch(value) is not None


def is_e164(value: str) -> bool:
    """+<country code><number>, 8 to 15 digits, once spaces, dashes, dots, slashes and
    brackets between them are taken away ("+1 (415) 555-0100"); "+44 (0)20 …" is not."""
    if TRUNK_ZERO.search(value):
        return False
    return E164.fullmatch(PHONE_DECORATION.sub("", value)) is not None


def duplicate_keys(
    rules: QualityRules, crm_object: str, fields: Mapping[str, object]
) -> dict[str, str]:
    """The record's normalised key under each duplicate rule of its object (a rule is left
    out when one of its fields is empty or not given)."""
    object_rules = rules.objects.get(crm_object)
    if object_rules is None:
        return {}
    keys = {}
    for rule in object_rules.duplicates:
        key = duplicate_key(rules, rule, fields)
        if key is not None:
            keys[rule.key] = key
    return keys


def duplicate_key(
    rules: QualityRules, rule: DuplicateRule, fields: Mapping[str, object]
) -> str | None:
    """The rule's fields normalised and joined; None when one of them is empty. A lead's or
    contact's `name` is the person's first and last name (the CRM's full name when it
    gives no parts), so "Jane" + "Doe" and "jane  doe" are one name."""
    parts = []
    for name in rule.fields:
        if name == "name" and rule.object in PEOPLE:
            person = f"{rules.value(fields, 'first_name')} {rules.value(fields, 'last_name')}"
            value = person.strip() or rules.value(fields, "name")
        else:
            value = rules.value(fields, name)
        company = name == "company" or (name == "name" and rule.object == ACCOUNT)
        normalised = normalise(name, value, company=company)
        if not normalised:
            return None
        parts.append(normalised)
    return "|".join(parts)


def normalise(field_name: str, value: str, *, company: bool = False) -> str:
    """A field's value as duplicates are compared: e-mail without case; a phone's digits; a
    website without scheme, "www." or the closing slash; other text by `normalise_name`
    (`company`: a company's name)."""
    if field_name == "email":
        return value.casefold()
    if field_name == "phone":
        return "".join(c for c in value if c.isdigit())
    if field_name == "website":
        site = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.casefold())
        return site.removeprefix("www.").rstrip("/")
    return normalise_name(value, company=company)


@lru_cache(maxsize=8192)  # a record's names come again with each change to it
def normalise_name(value: str, *, company: bool = False) -> str:
    """Case, accents, punctuation and spacing away ("Zoë  O'Neil-Park" is "zoe oneil park");
    for a company also "&" as "and", a leading "The" and its legal form at the end (Ltd,
    Inc., GmbH & Co. KG, S.A., sp. z o.o.)."""
    plain = unicodedata.normalize("NFKD", value.replace("&", " and "))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[.'’`]", "", plain)  # "S.A." is "sa", "O'Neil" is "oneil"
    words = re.sub(r"[\W_]+", " ", plain).split()
    if company:
        words = _without_legal_form(words)
    return " ".join(words)


def _without_legal_form(words: list[str]) -> list[str]:
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    for _ in range(len(words)):  # each pass removes at least one word
        suffix = next((s for s in COMPANY_SUFFIX_WORDS if tuple(words[-len(s) :]) == s), None)
        cut = len(suffix) if suffix else 1 if words[-1] in COMPANY_SUFFIXES else 0
        if not cut or len(words) <= cut:
            break
        words = words[:-cut]
    return words


def check_message(rules: QualityRules, key: str) -> str:
    """What one record's failed check says: "no phone number" (the key itself for a check
    the rules no longer have)."""
    found = rules.problem_of(key)
    return found[1] if found else key


def summarise(failed: Mapping[str, int], rules: QualityRules) -> list[str]:
    """Plain sentences for a person, the most common problem first (ties by key): "3 of your
    contacts have no phone number", "1 of your leads has an e-mail address that is not
    valid". Keys the rules no longer have are left out."""
    sentences = []
    for key, count in sorted(failed.items(), key=lambda item: (-item[1], item[0])):
        found = rules.problem_of(key)
        if found is None or count <= 0:
            continue
        object_rules, problem = found
        verb = "has" if count == 1 else "have"
        sentences.append(f"{count} of your {object_rules.plural} {verb} {problem}")
    return sentences


@lru_cache(maxsize=256)
def _folded_set(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_folded(value) for value in values)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
