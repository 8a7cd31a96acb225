"""Reading content/adoption.yaml — the default target, which CRM statements are inputs,
outputs and report requests, and the signals with what each triggers — with every problem
named by file, line and field, as for the rest of content/."""

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from lms.adoption import rules as r
from lms.courses.content.yaml_fields import Field, Source, read_yaml
from lms.errors import DomainError

IRI_LENGTH = 2048
FIELDS = {  # the fields each signal reads, all required
    r.UPDATING_DROP: ("recent_weeks", "earlier_weeks", "below", "min_earlier"),
    r.DATA_QUALITY: ("weeks", "below"),
    r.FEW_REPORTS: ("weeks", "below"),
    r.THREE_X: ("weeks", "below", "min_inputs"),
}


@dataclass(frozen=True)
class AdoptionContent:
    target_percent: int = 90
    weeks_shown: int = 12
    classes: tuple[r.ActionClass, ...] = ()
    signals: tuple[r.SignalSpec, ...] = ()

    def spec(self, kind: str) -> r.SignalSpec | None:
        return next((spec for spec in self.signals if spec.kind == kind), None)


def read_adoption(path: Path, display: str, courses, problems) -> AdoptionContent:
    """content/adoption.yaml; `courses` are the known course slugs (None when unknown). The
    file is optional: without it, the defaults hold and nothing is counted as CRM use."""
    source = Source(display, problems)
    if not path.is_file():
        return AdoptionContent()
    top = read_yaml(path, source)
    optional = ["target_percent", "weeks_shown", "signals"]
    record = top.record(["crm_actions"], optional) if top else None
    if record is None:
        return AdoptionContent()
    target = _optional(record, "target_percent", lambda f: _between(f, 1, 100), 90)
    weeks = _optional(record, "weeks_shown", lambda f: _between(f, 2, 104), 12)
    classes = tuple(filter(None, map(_read_class, record["crm_actions"].items() or [])))
    signals = _read_signals(record["signals"], courses) if "signals" in record else ()
    return AdoptionContent(target or 90, weeks or 12, classes, signals)


def _optional(record, name: str, read, default):
    return read(record[name]) if name in record else default


def _between(field: Field, low: int, high: int) -> int | None:
    value = field.integer(minimum=low)
    if value is not None and value > high:
        field.report(f"must be {high} or less, not {value}")
        return None
    return value


def _read_class(item: Field) -> r.ActionClass | None:
    record = item.record(["kind", "verb"], ["activity_prefix"])
    if record is None:
        return None
    kind = record["kind"].one_of(r.ACTION_KINDS, "kind")
    verb = record["verb"].text(IRI_LENGTH)
    prefix = record["activity_prefix"].text(IRI_LENGTH) if "activity_prefix" in record else ""
    if None in (kind, verb, prefix):
        return None
    return r.ActionClass(kind, verb, prefix)


def _read_signals(field: Field, courses) -> tuple[r.SignalSpec, ...]:
    record = field.record([], r.SIGNAL_KINDS)
    if record is None:
        return ()
    specs = (_read_signal(kind, record[kind], courses) for kind in r.SIGNAL_KINDS if kind in record)
    return tuple(spec for spec in specs if spec is not None)


def _read_signal(kind: str, field: Field, courses) -> r.SignalSpec | None:
    names = FIELDS[kind]
    record = field.record(names, ["action"])
    if record is None:
        return None
    values = {name: _read_number(name, record[name]) for name in names}
    response = _read_response(record["action"], courses) if "action" in record else None
    if None in values.values() or ("action" in record and response is None):
        return None
    return r.SignalSpec(
        kind=kind,
        weeks=values.get("recent_weeks", values.get("weeks")),
        below=values["below"],
        earlier_weeks=values.get("earlier_weeks", 0),
        minimum=values.get("min_earlier", values.get("min_inputs", 0)),
        response=response,
    )


def _read_number(name: str, field: Field):
    """`below` is any positive number; week counts are whole, at least 1; minimums at least 0."""
    if name == "below":
        value = field.number()
        if value is not None and value <= 0:
            field.report("must be more than 0")
            return None
        return value
    return field.integer(minimum=0 if name.startswith("min_") else 1)


def _read_response(field: Field, courses) -> r.Response | None:
    """`nudge`, `tell_manager`, or `{assign_remedial: <course slug>}`."""
    if field.is_word(r.NUDGE) or field.is_word(r.TELL_MANAGER):
        return r.Response(field.node.value)
    if field.node is not None and field.node.id == "mapping":
        record = field.record([r.ASSIGN_REMEDIAL])
        slug = record[r.ASSIGN_REMEDIAL].slug() if record else None
        if slug is not None and courses is not None and slug not in courses:
            record[r.ASSIGN_REMEDIAL].report(f'names no course in content/courses: "{slug}"')
            return None
        return r.Response(r.ASSIGN_REMEDIAL, slug) if slug else None
    field.report("must be nudge, tell_manager, or assign_remedial: <course slug>")
    return None


# The adoption settings in force ---------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, tuple[tuple, AdoptionContent]] = {}


class AdoptionContentInvalid(DomainError):
    """content/adoption.yaml has problems: nothing is judged by rules that cannot be read."""


def current_adoption() -> AdoptionContent:
    """content/adoption.yaml (in CONTENT_DIR) as last read; read again when it changes."""
    folder = Path(current_app.config["CONTENT_DIR"])
    path = folder / "adoption.yaml"
    stamp = (path.stat().st_mtime_ns, path.stat().st_size) if path.is_file() else None
    with _lock:
        cached = _cache.get(str(path))
        if cached is not None and cached[0] == stamp:
            return cached[1]
        problems: list = []
        folders = folder / "courses"
        courses = frozenset(p.name for p in folders.iterdir()) if folders.is_dir() else None
        content = read_adoption(path, "adoption.yaml", courses, problems)
        if problems:
            shown = "; ".join(str(problem) for problem in problems[:3])
            raise AdoptionContentInvalid(f"{len(problems)} problem(s) in content ({shown})")
        _cache[str(path)] = (stamp, content)
        return content
