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

PRESENT, EMAIL, PHONE_E164, POSTCODE, PICKLIST, DUPLICATE = (
    "present",
    "email",
    "phone_e164",
    "postcode",
    "picklist",
    "duplicate",
)
FORMATS = (EMAIL, PHONE_E164, POSTCODE)
EMAIL_FORM = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}")
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
PHONE_DECORATION = re.compile(r"[\s\-.()/]")  # what people write between digits
POSTCODES = {  # ISO 3166-1 alpha-2 -> the postcode's form (spaces as written are compared)
    "GB": r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}",
    "IE": r"[AC-FHKNPRTV-Y][0-9]{2}W? ?[0-9AC-FHKNPRTV-Y]{4}",
    "US": r"[0-9]{5}(-[0-9]{4})?",
    "CA": r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
    "AU": r"[0-9]{4}",
    "DE": r"[0-9]{5}",
    "FR": r"[0-9]{5}",
    "ES": r"[0-9]{5}",
    "IT": r"[0-9]{5}",
    "NL": r"[1-9][0-9]{3} ?[A-Z]{2}",
    "BE": r"[1-9][0-9]{3}",
    "PL": r"[0-9]{2}-[0-9]{3}",
    "SE": r"[0-9]{3} ?[0-9]{2}",
    "DK": r"[0-9]{4}",
    "NO": r"[0-9]{4}",
    "CH": r"[1-9][0-9]{3}",
    "AT": r"[1-9][0-9]{3}",
}
COUNTRY_NAMES = {  # what people write for a country, in lower case -> its code
    "uk": "GB", "united kingdom": "GB", "great britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "ireland": "IE", "usa": "US", "united states": "US",
    "united states of america": "US", "canada": "CA", "australia": "AU", "germany": "DE",
    "deutschland": "DE", "france": "FR", "spain": "ES", "españa": "ES", "italy": "IT",
    "italia": "IT", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL",
    "belgium": "BE", "poland": "PL", "polska": "PL", "sweden": "SE", "denmark": "DK",
    "norway": "NO", "switzerland": "CH", "austria": "AT",
}  # fmt: skip
COMPANY_SUFFIXES = frozenset(
    ("ltd", "limited", "inc", "incorporated", "llc", "llp", "plc", "gmbh", "ag", "sa", "sas")
    + ("sarl", "bv", "nv", "spa", "srl", "oy", "ab", "as", "co", "company", "corp", "group")
)


@dataclass(frozen=True)
class Check:
    """One thing a complete, valid record has. `problem` completes "has …" ("no phone
    number", "an e-mail address that is not valid")."""

    key: str  # e.g. "contact.phone.e164"
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
class QualityRules:
    objects: Mapping[str, ObjectRules] = field(default_factory=dict)

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
) -> Judgement | None:
    """The record's judgement; None for an object the rules do not cover. `duplicated` are
    the keys of the duplicate rules under which another record has the same key (the caller
    looks that up); each rule the record has a key for is one check."""
    object_rules = rules.objects.get(crm_object)
    if object_rules is None:
        return None
    passed, failed = 0, []
    for check in object_rules.checks:
        outcome = check_outcome(check, fields)
        if outcome is None:
            continue
        if outcome:
            passed += 1
        else:
            failed.append(check.key)
    for rule in object_rules.duplicates:
        if duplicate_key(rule, fields) is None:
            continue
        if rule.key in duplicated:
            failed.append(rule.key)
        else:
            passed += 1
    total = passed + len(failed)
    return Judgement(passed / total if total else 1.0, passed, total, tuple(failed))


def check_outcome(check: Check, fields: Mapping[str, object]) -> bool | None:
    """Whether the record passes the check; None when it cannot be judged (the CRM gave no
    such field, or a format check has no value to look at: `present` judges emptiness)."""
    if check.field not in fields:
        return None
    value = _text(fields[check.field])
    if check.kind == PRESENT:
        return bool(value)
    if not value:
        return None
    if check.kind == EMAIL:
        return EMAIL_FORM.fullmatch(value) is not None
    if check.kind == PHONE_E164:
        return E164.fullmatch(PHONE_DECORATION.sub("", value)) is not None
    if check.kind == PICKLIST:
        return value.casefold() in {allowed.casefold() for allowed in check.values}
    if check.kind == POSTCODE:
        pattern = POSTCODES.get(country_code(fields.get("country")) or "")
        return None if pattern is None else re.fullmatch(pattern, value.upper()) is not None
    raise ValueError(f"unknown check kind {check.kind!r}")


def country_code(value: object) -> str | None:
    """An ISO code from a code or a country's common name; None when unknown."""
    text = _text(value)
    if len(text) == 2 and text.isalpha():
        return "GB" if text.upper() == "UK" else text.upper()
    return COUNTRY_NAMES.get(text.casefold())


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
        key = duplicate_key(rule, fields)
        if key is not None:
            keys[rule.key] = key
    return keys


def duplicate_key(rule: DuplicateRule, fields: Mapping[str, object]) -> str | None:
    parts = []
    for name in rule.fields:
        value = _text(fields.get(name))
        normalised = value.casefold() if name == "email" else normalise_name(value, name)
        if not normalised:
            return None
        parts.append(normalised)
    return "|".join(parts)


def normalise_name(value: str, field_name: str = "") -> str:
    """Case, accents, punctuation and spacing away; a company's legal suffix (Ltd, GmbH…) too."""
    plain = unicodedata.normalize("NFKD", value)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[^\w]+", " ", plain).split()
    if field_name in ("company", "name"):
        while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
            words.pop()
    return " ".join(words)


def check_message(rules: QualityRules, key: str) -> str:
    """What one record's failed check says: "no phone number"."""
    found = rules.problem_of(key)
    return found[1] if found else key


def summarise(failed: Mapping[str, int], rules: QualityRules) -> list[str]:
    """Plain sentences for a person, the most common problem first: "3 of your contacts
    have no phone number", "1 of your leads has an e-mail address that is not valid"."""
    sentences = []
    for key, count in sorted(failed.items(), key=lambda item: (-item[1], item[0])):
        found = rules.problem_of(key)
        if found is None or count <= 0:
            continue
        object_rules, problem = found
        verb = "has" if count == 1 else "have"
        sentences.append(f"{count} of your {object_rules.plural} {verb} {problem}")
    return sentences


def _text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    return str(value).strip()
