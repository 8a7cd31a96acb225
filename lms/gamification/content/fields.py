"""Reading the fields the gamification files share: statement conditions (a rule's, a
badge's, the data-quality source), optional fields, lists of known slugs."""

import re
from pathlib import Path

from lms.courses.content.yaml_fields import Field, Source, read_yaml
from lms.gamification.rules import SOURCE_ANY, Match

IRI_LENGTH = 2048
MATCH_FIELDS = (
    "verb",
    "activity_type",
    "activity_prefix",
    "success",
    "min_score",
    "source",
    "min_seconds_per_question",
)


def optional(record, name: str, read, default):
    """The field read with `read` when it is given, else the default."""
    return read(record[name]) if name in record else default


def top_of(path: Path, display: str, problems) -> tuple[Field | None, Source]:
    """The file's top value; None when it is absent (each file is optional: without it
    there is nothing of its kind) or unreadable (reported)."""
    source = Source(display, problems)
    if not path.is_file():
        return None, source
    return read_yaml(path, source), source


def read_match(record) -> Match | None:
    """The statement conditions of a rule, badge or contest; None when any is malformed."""
    ok = True
    verbs = _iris(record["verb"]) if "verb" in record else frozenset()
    types = _iris(record["activity_type"]) if "activity_type" in record else frozenset()
    prefix = record["activity_prefix"].text(IRI_LENGTH) if "activity_prefix" in record else ""
    success = record["success"].flag() if "success" in record else None
    score = record["min_score"].number() if "min_score" in record else None
    if score is not None and not 0 <= score <= 1:
        record["min_score"].report("must be a scaled score between 0 and 1")
        ok = False
    source = _source(record["source"]) if "source" in record else SOURCE_ANY
    pace = None
    if "min_seconds_per_question" in record:
        pace = record["min_seconds_per_question"].number()
        if pace is not None and pace < 0:
            record["min_seconds_per_question"].report("must be 0 or more seconds")
            ok = False
    if verbs is None or types is None or prefix is None or source is None:
        return None
    if ("success" in record and success is None) or ("min_score" in record and score is None):
        return None
    if "min_seconds_per_question" in record and pace is None:
        return None
    return Match(verbs, types, prefix, success, score, source, pace) if ok else None


def _iris(field: Field) -> frozenset[str] | None:
    """One IRI, or a list of them."""
    fields = field.items() if field.node is not None and field.node.id == "sequence" else [field]
    values = []
    for one in fields or []:
        value = one.text(IRI_LENGTH)
        if value is not None and not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            one.report(f'"{value}" is not an IRI (e.g. http://adlnet.gov/expapi/verbs/completed)')
            value = None
        if value is None:
            return None
        values.append(value)
    return frozenset(values)


def _source(field: Field) -> str | None:
    value = field.text()
    if value is None:
        return None
    if value in ("lms", "client", "any") or (value.startswith("client:") and len(value) > 7):
        return value
    field.report("must be lms, client, any, or client:<LRS client name>")
    return None


def known_list(field: Field, known, what: str) -> tuple[str, ...] | None:
    items = field.items()
    if not items:
        if items is not None:
            field.report(f"must name at least one {what}")
        return None
    values = []
    for item in items:
        value = item.text(max_length=80)
        if value is not None and known is not None and value not in known:
            item.report(f'unknown {what} "{value}"')
            value = None
        if value is None:
            return None
        values.append(value)
    return tuple(values)
