"""Reading content/crm/data_quality.yaml, every problem named by file, line and field as for
the rest of content/ (`lms content check` and `lms content sync` read it through
lms.courses.content.reading), and the rules in force for the app (read again when the file
changes)."""

import difflib
import re
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from flask import current_app

from lms.courses.content.yaml_fields import ContentProblem, Field, Source, UniqueKeys, read_yaml
from lms.crm.connectors.base import CANONICAL_FIELDS, RECORD_OBJECTS
from lms.crm.quality import rules as q
from lms.errors import DomainError

PATH = Path("crm") / "data_quality.yaml"
TOP_FIELDS = ("field_names", "blank_values", "postcodes", "messages")
OBJECT_FIELDS = ("required", "formats", "picklists", "duplicates")
SHOWN_VALUES = 8  # a picklist's values named in a problem's words; more end in "…"
# ISO 3166-1 alpha-2 (as tzdata's iso3166.tab lists them), and XK for Kosovo, which CRMs use.
ISO_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS XK YE YT ZA ZM ZW"""
ISO_COUNTRIES = frozenset(ISO_CODES.split())


class QualityRulesInvalid(DomainError):
    """content/crm/data_quality.yaml has problems: no record is judged by rules that cannot
    be read. The message names every problem by file, line and field."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = list(problems)
        listed = "; ".join(str(problem) for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the data-quality rules: {listed}")


def read_quality_rules(
    path: Path, display: str | None = None, problems: list | None = None
) -> q.QualityRules:
    """The rules in the file (shown in problems as `display`, else as `path`). Given a
    `problems` list, as `lms content check` does, problems are added to it and what could be
    read is returned; without one, any problem raises QualityRulesInvalid. The file is
    optional: without it nothing is judged."""
    found: list[ContentProblem] = [] if problems is None else problems
    source = Source(display or str(path), found)
    rules = _read_file(Path(path), source)
    if problems is None and found:
        raise QualityRulesInvalid(found)
    return rules


def _read_file(path: Path, source: Source) -> q.QualityRules:
    if not path.is_file():
        return q.QualityRules()
    top = read_yaml(path, source)
    record = top.record(["objects"], TOP_FIELDS) if top else None
    if record is None:
        return q.QualityRules()
    labels = _read_labels(record["field_names"]) if "field_names" in record else {}
    labels = {name: name.replace("_", " ") for name in CANONICAL_FIELDS} | labels
    objects = {}
    listed = record["objects"].record([], RECORD_OBJECTS)
    for crm_object, field in listed.fields.items() if listed else ():
        object_rules = _read_object(crm_object, field, labels)
        if object_rules is not None:
            objects[crm_object] = object_rules
    if "messages" in record:
        objects = _with_messages(record["messages"], objects)
    postcodes = _read_postcodes(record["postcodes"]) if "postcodes" in record else {}
    blanks = _read_blanks(record["blank_values"]) if "blank_values" in record else ()
    return q.QualityRules(objects, postcodes, frozenset(blanks))


def _read_labels(field: Field) -> dict[str, str]:
    """How fields are called in what people read ("phone number"); by default, the field's
    name in words."""
    names = field.record([], CANONICAL_FIELDS)
    labels = {name: item.text(60) for name, item in names.fields.items()} if names else {}
    return {name: label for name, label in labels.items() if label}


def _read_object(crm_object: str, field: Field, labels: dict[str, str]) -> q.ObjectRules | None:
    record = field.record(["plural"], OBJECT_FIELDS)
    if record is None:
        return None
    plural = record["plural"].text(60)
    checks = (
        *_presence_checks(crm_object, record["required"], labels),
        *_format_checks(crm_object, record["formats"], labels),
        *_picklist_checks(crm_object, record["picklists"], labels),
    )
    duplicates = _read_duplicates(crm_object, record["duplicates"], labels)
    if plural is None:
        return None
    return q.ObjectRules(crm_object, crm_object, plural, checks, duplicates)


def _presence_checks(crm_object: str, field: Field, labels: dict) -> list[q.Check]:
    names = (_names(field) or []) if field.present else []
    return [
        q.Check(
            f"{crm_object}.{name}.{q.PRESENT}", crm_object, name, q.PRESENT, f"no {labels[name]}"
        )
        for name in names
    ]


def _format_checks(crm_object: str, field: Field, labels: dict) -> list[q.Check]:
    formats = field.record([], CANONICAL_FIELDS) if field.present else None
    checks = []
    for name, item in formats.fields.items() if formats else ():
        kind = item.one_of(q.FORMATS, "format")
        if kind is not None:
            problem = _format_problem(kind, labels[name])
            checks.append(q.Check(f"{crm_object}.{name}.{kind}", crm_object, name, kind, problem))
    return checks


def _picklist_checks(crm_object: str, field: Field, labels: dict) -> list[q.Check]:
    picklists = field.record([], CANONICAL_FIELDS) if field.present else None
    checks = []
    for name, item in picklists.fields.items() if picklists else ():
        values = _picklist(item)
        if values is not None:
            problem = _picklist_problem(labels[name], values)
            key = f"{crm_object}.{name}.{q.PICKLIST}"
            checks.append(q.Check(key, crm_object, name, q.PICKLIST, problem, values))
    return checks


def _names(field: Field) -> list[str] | None:
    """A list of canonical field names, none twice; None when any is not one."""
    items, unique = field.items(), UniqueKeys("field")
    if items is None:
        return None
    ok = True
    for item in items:
        name = item.text(40)
        if name is not None and name not in CANONICAL_FIELDS:
            item.report(
                f'"{name}" is not a field Uptake knows{_suggestion(name, CANONICAL_FIELDS)}'
            )
            name = None
        ok = unique.claim(name, item) and ok
    return list(unique.first) if ok else None


def _picklist(field: Field) -> tuple[str, ...] | None:
    """A picklist's allowed values: at least one, none twice (in any case)."""
    items, unique = field.items(), UniqueKeys("value")
    if items is None:
        return None
    if not items:
        field.report("must list at least one allowed value")
        return None
    values = [(item.text(100), item) for item in items]
    claimed = [unique.claim(value and value.casefold(), item) for value, item in values]
    return tuple(value for value, _ in values) if all(claimed) else None


def _read_duplicates(crm_object: str, field: Field, labels: dict) -> tuple[q.DuplicateRule, ...]:
    rules, unique = [], UniqueKeys("duplicate rule")
    for item in field.items() or [] if field.present else []:
        names = _names(item)
        if names == []:
            item.report("must name at least one field")
        if not names:
            continue
        key = f"{crm_object}.duplicate.{'+'.join(names)}"
        if unique.claim(key, item):
            words = " and ".join(labels[name] for name in names)
            problem = f"the same {words} as another {crm_object}"
            rules.append(q.DuplicateRule(key, crm_object, tuple(names), problem))
    return tuple(rules)


def _read_postcodes(field: Field) -> dict[str, q.PostcodeForm]:
    """Per country (its ISO code): the postcode's `pattern`, an `example` it must accept,
    and the `names` people write for the country."""
    forms: dict[str, q.PostcodeForm] = {}
    country_names = UniqueKeys("country name")
    for code, item in _entries(field, "countries (GB: {pattern: …, example: …})"):
        if code not in ISO_COUNTRIES:
            item.report(f'"{code}" is not a country: write its ISO 3166-1 code, e.g. GB, US, DE')
            continue
        record = item.record(["pattern", "example"], ["names"])
        if record is None:
            continue
        pattern, example = _pattern(record["pattern"]), record["example"].text(20)
        names = [(one.text(60), one) for one in record["names"].items() or []]
        claimed = [_claim_name(country_names, name, one) for name, one in names]
        if pattern is None or example is None or not all(claimed):
            continue
        form = q.PostcodeForm(code, pattern, tuple(name for name, _ in names))
        if form.accepts(example):
            forms[code] = form
        else:
            record["example"].report(f'"{example}" does not match the pattern')
    return forms


def _claim_name(names: UniqueKeys, name: str | None, item: Field) -> bool:
    """Whether the country's name is new in the file (in any case)."""
    return names.claim(name and name.casefold(), item)


def _pattern(field: Field) -> re.Pattern[str] | None:
    text = field.text(300)
    if text is None:
        return None
    try:
        return re.compile(text)
    except re.error as exc:
        field.report(f"is not a valid regular expression: {exc}")
        return None


def _read_blanks(field: Field) -> list[str]:
    """What people type to get past a required field ("n/a", "-"): read as empty."""
    values = [item.text(40) for item in field.items() or []]
    return [value.casefold() for value in values if value]


def _with_messages(field: Field, objects: dict[str, q.ObjectRules]) -> dict[str, q.ObjectRules]:
    """The objects with their checks' words replaced where `messages` gives others."""
    words = {}
    keys = [item.key for rules in objects.values() for item in (*rules.checks, *rules.duplicates)]
    for key, item in _entries(field, "checks' words (contact.phone.present: no phone)"):
        if key not in keys:
            item.report(f'"{key}" is not a check of this file{_suggestion(key, keys)}')
        elif (text := item.text(200)) is not None:
            words[key] = text
    return {
        crm_object: replace(
            rules,
            checks=tuple(replace(c, problem=words.get(c.key, c.problem)) for c in rules.checks),
            duplicates=tuple(
                replace(d, problem=words.get(d.key, d.problem)) for d in rules.duplicates
            ),
        )
        for crm_object, rules in objects.items()
    }


def _entries(field: Field, what: str) -> list[tuple[str, Field]]:
    """A mapping whose keys are the file's own (countries, check keys): each entry at its
    line, named under the field; a key written twice is reported."""
    if field.node is None or field.node.id != "mapping":
        field.report(f"must be a set of {what}")
        return []
    entries, seen = [], set()
    for key_node, value_node in field.node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        item = Field(field.source, value_node, field.child_name(key), line)
        if key in seen:
            item.report("is written twice")
        else:
            seen.add(key)
            entries.append((key, item))
    return entries


def _format_problem(kind: str, label: str) -> str:
    if kind == q.EMAIL:
        return f"{_article(label)} {label} that is not valid"
    if kind == q.PHONE_E164:
        return f"{_article(label)} {label} not in international form (+44 20 …)"
    return f"{_article(label)} {label} that is not valid for its country"


def _picklist_problem(label: str, values: tuple[str, ...]) -> str:
    shown = ", ".join(values[:SHOWN_VALUES]) + (", …" if len(values) > SHOWN_VALUES else "")
    return f"{_article(label)} {label} that is not one of: {shown}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _suggestion(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


# The rules in force ------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, tuple[tuple | None, q.QualityRules]] = {}


def current_quality_rules() -> q.QualityRules:
    """content/crm/data_quality.yaml (in CONTENT_DIR) as last read; read again when it
    changes. Raises QualityRulesInvalid while the file has problems."""
    path = Path(current_app.config["CONTENT_DIR"]) / PATH
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    with _lock:
        cached = _cache.get(str(path))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rules = read_quality_rules(path, str(PATH))
        _cache[str(path)] = (stamp, rules)
        return rules
