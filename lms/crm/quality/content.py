"""Reading content/crm/data_quality.yaml, every problem named by file, line and field as for
the rest of content/, and the rules in force for the app (read again when the file changes)."""

import threading
from pathlib import Path

from flask import current_app

from lms.courses.content.yaml_fields import Field, Source, read_yaml
from lms.crm.connectors.base import CANONICAL_FIELDS, RECORD_OBJECTS
from lms.crm.quality import rules as q
from lms.errors import DomainError

PATH = Path("crm") / "data_quality.yaml"


def read_quality_rules(path: Path, display: str, problems: list) -> q.QualityRules:
    """The rules in the file; problems are added to `problems`. The file is optional:
    without it nothing is judged."""
    source = Source(display, problems)
    if not path.is_file():
        return q.QualityRules()
    top = read_yaml(path, source)
    record = top.record(["objects"], ["field_names"]) if top else None
    if record is None:
        return q.QualityRules()
    labels = dict.fromkeys(CANONICAL_FIELDS, "")
    labels |= {name: name.replace("_", " ") for name in CANONICAL_FIELDS}
    if "field_names" in record:
        names = record["field_names"].record([], CANONICAL_FIELDS)
        for name, field in names.fields.items() if names else ():
            labels[name] = field.text(60) or labels[name]
    objects = record["objects"].record([], RECORD_OBJECTS)
    read = {}
    for crm_object, field in objects.fields.items() if objects else ():
        object_rules = _read_object(crm_object, field, labels)
        if object_rules is not None:
            read[crm_object] = object_rules
    return q.QualityRules(read)


def _read_object(crm_object: str, field: Field, labels: dict) -> q.ObjectRules | None:
    record = field.record(["plural"], ["required", "formats", "picklists", "duplicates"])
    if record is None:
        return None
    plural = record["plural"].text(60)
    checks: list[q.Check] = []
    for name, _item in _field_list(record, "required"):
        problem = f"no {labels[name]}"
        checks.append(q.Check(f"{crm_object}.{name}.present", crm_object, name, q.PRESENT, problem))
    if "formats" in record:
        formats = record["formats"].record([], CANONICAL_FIELDS)
        for name, item in formats.fields.items() if formats else ():
            kind = item.one_of(q.FORMATS, "format")
            if kind is not None:
                problem = _format_problem(kind, labels[name])
                checks.append(
                    q.Check(f"{crm_object}.{name}.{kind}", crm_object, name, kind, problem)
                )
    if "picklists" in record:
        picklists = record["picklists"].record([], CANONICAL_FIELDS)
        for name, item in picklists.fields.items() if picklists else ():
            values = [value.text(100) for value in item.items() or []]
            if not values:
                item.report("must list at least one allowed value")
            if values and None not in values:
                problem = (
                    f"{_article(labels[name])} {labels[name]} that is not one of: "
                    + ", ".join(values)
                )
                key = f"{crm_object}.{name}.picklist"
                checks.append(q.Check(key, crm_object, name, q.PICKLIST, problem, tuple(values)))
    duplicates = []
    for item in record["duplicates"].items() or [] if "duplicates" in record else []:
        names = [name for name, _ in _names(item)]
        if names:
            words = " and ".join(labels[n] for n in names)
            key = f"{crm_object}.duplicate.{'+'.join(names)}"
            problem = f"the same {words} as another {crm_object}"
            duplicates.append(q.DuplicateRule(key, crm_object, tuple(names), problem))
    if plural is None:
        return None
    return q.ObjectRules(crm_object, crm_object, plural, tuple(checks), tuple(duplicates))


def _field_list(record, name: str) -> list[tuple[str, Field]]:
    return _names(record[name]) if name in record else []


def _names(field: Field) -> list[tuple[str, Field]]:
    """A list of canonical field names, each checked."""
    found = []
    for item in field.items() or []:
        name = item.text(40)
        if name is None:
            continue
        if name not in CANONICAL_FIELDS:
            item.report(
                f'"{name}" is not a field Uptake knows; fields: ' + ", ".join(CANONICAL_FIELDS)
            )
            continue
        found.append((name, item))
    return found


def _format_problem(kind: str, label: str) -> str:
    if kind == q.EMAIL:
        return f"{_article(label)} {label} that is not valid"
    if kind == q.PHONE_E164:
        return f"{_article(label)} {label} not in international form (+44 20 …)"
    return f"{_article(label)} {label} that is not valid for its country"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# The rules in force ------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, tuple[tuple | None, q.QualityRules]] = {}


class QualityRulesInvalid(DomainError):
    """content/crm/data_quality.yaml has problems: no record is judged by rules that cannot
    be read."""


def current_quality_rules() -> q.QualityRules:
    """content/crm/data_quality.yaml (in CONTENT_DIR) as last read; read again when it
    changes."""
    path = Path(current_app.config["CONTENT_DIR"]) / PATH
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    with _lock:
        cached = _cache.get(str(path))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        problems: list = []
        rules = read_quality_rules(path, str(PATH), problems)
        if problems:
            shown = "; ".join(str(problem) for problem in problems[:3])
            raise QualityRulesInvalid(f"{len(problems)} problem(s) in content ({shown})")
        _cache[str(path)] = (stamp, rules)
        return rules
