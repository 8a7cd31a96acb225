"""Reading YAML content files field by field, so every problem names its file, line and field.

Files are composed into PyYAML nodes rather than loaded into plain dicts: a node keeps the
line it came from, so a problem deep inside a quiz still points at its own line.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

NULL_TAG = "tag:yaml.org,2002:null"
# libyaml when installed (about ten times faster); its nodes carry line marks just the same.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # courses, lessons, skills, question keys
ROLE_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")  # job roles
KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")  # choice and communication keys

SLUG_RULE = "lower case letters and digits joined by hyphens, e.g. handle-leads"
ROLE_RULE = "lower case letters and digits joined by underscores, e.g. sales_rep"
KEY_RULE = "lower case letters and digits joined by hyphens or underscores"


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in content/: where it is (file, line, field) and what is wrong."""

    path: str
    line: int | None  # 1-based; None when the problem is the whole file
    field: str  # e.g. "questions[3].choices"; "" when no one field is to blame
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Source:
    """A file being read: the path shown in messages and the list its problems go to."""

    path: str
    problems: list[ContentProblem]

    def report(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, field, message))


class Field:
    """One value in a YAML file, with its place. A missing field (node None) reads as None
    without a further report: its absence was reported once, by the mapping."""

    def __init__(self, source: Source, node: yaml.Node | None, name: str, line: int):
        self.source, self.node, self.name, self.line = source, node, name, line

    def report(self, message: str) -> None:
        self.source.report(self.line, self.name, message)

    @property
    def present(self) -> bool:
        return self.node is not None

    def child_name(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def items(self) -> list["Field"] | None:
        """The entries of a list, each named `field[i]` (counting from 0) at its own line."""
        if not self._is(yaml.SequenceNode, "must be a list"):
            return None
        return [
            Field(self.source, node, f"{self.name}[{i}]", node.start_mark.line + 1)
            for i, node in enumerate(self.node.value)
        ]

    def record(self, required: Iterable[str], optional: Iterable[str] = ()) -> "Record | None":
        """A mapping with these fields. Missing ones and unknown ones (likely typos) are
        reported; so is a field written twice."""
        if not self._is(yaml.MappingNode, "must be a set of fields (name: value)"):
            return None
        required, allowed = list(required), {*required, *optional}
        fields: dict[str, Field] = {}
        for key_node, value_node in self.node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in fields:
                self.source.report(line, self.child_name(key), "is written twice")
            elif key not in allowed:
                self.source.report(line, self.child_name(key), _unknown_field(key, allowed))
            else:
                fields[key] = Field(self.source, value_node, self.child_name(key), line)
        for key in required:
            if key not in fields:
                self.source.report(self.line, self.child_name(key), "is missing")
        return Record(self, fields)

    def text(self, max_length: int = 200) -> str | None:
        """Non-empty text of at most `max_length` characters. Taken as written: an answer
        `3` or a key `no` is text here, not a number or a boolean."""
        if not self._is(yaml.ScalarNode, "must be a single value, not a list or a mapping"):
            return None
        value = self.node.value.strip()
        if self.node.tag == NULL_TAG or not value:
            self.report("must not be empty")
            return None
        if len(value) > max_length:
            self.report(f"is {len(value)} characters long; at most {max_length} fit")
            return None
        return value

    def integer(self, minimum: int | None = None) -> int | None:
        """A whole number, at least `minimum` when one is given."""
        value = self._scalar()
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.report("must be a whole number")
            return None
        if minimum is not None and value < minimum:
            self.report(f"must be {minimum} or more, not {value}")
            return None
        return value

    def number(self) -> float | None:
        value = self._scalar()
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.report("must be a number")
            return None
        return float(value)

    def flag(self) -> bool | None:
        value = self._scalar()
        if value is not None and not isinstance(value, bool):
            self.report("must be true or false")
            return None
        return value

    def day(self) -> date | None:
        """A calendar date written as YYYY-MM-DD (a date and time is not a date)."""
        value = self._scalar()
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            self.report("must be a date written as YYYY-MM-DD, e.g. 2026-09-07")
            return None
        return value

    def slug(self, pattern: re.Pattern = SLUG, rule: str = SLUG_RULE, max_length: int = 80):
        """Text in the given slug format."""
        value = self.text(max_length)
        if value is not None and not pattern.fullmatch(value):
            self.report(f'"{value}" is not a valid identifier: use {rule}')
            return None
        return value

    def one_of(self, allowed: Iterable[str], what: str) -> str | None:
        allowed = sorted(allowed)
        value = self.text()
        if value is not None and value not in allowed:
            self.report(f'unknown {what} "{value}"{_suggestion(value, allowed)}')
            return None
        return value

    def is_word(self, word: str) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.value == word

    def _is(self, node_type: type, message: str) -> bool:
        if self.node is None:
            return False
        if not isinstance(self.node, node_type):
            self.report(message)
            return False
        return True

    def _scalar(self):
        """The Python value of a scalar (str, int, float, bool, date); None when missing or
        not a plain value (reported)."""
        if not self._is(yaml.ScalarNode, "must be a single value, not a list or a mapping"):
            return None
        try:
            value = SafeConstructor().construct_object(self.node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:
            self.report(f"cannot be read: {exc}")
            return None
        if value is None:
            self.report("must not be empty")
        return value


class Record:
    """A mapping read by field name; `record["x"]` is a missing Field when x was not given."""

    def __init__(self, field: Field, fields: dict[str, Field]):
        self.field, self.fields = field, fields

    def __getitem__(self, key: str) -> Field:
        missing = Field(self.field.source, None, self.field.child_name(key), self.field.line)
        return self.fields.get(key, missing)

    def __contains__(self, key: str) -> bool:
        return key in self.fields


def read_yaml(path: Path, source: Source) -> Field | None:
    """The file's top value, or None (reported) when it is empty, unreadable or not YAML."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=LOADER)
    except UnicodeDecodeError:
        source.report(None, "", "is not UTF-8 text")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        source.report(line, "", f"is not valid YAML: {getattr(exc, 'problem', None) or exc}")
        return None
    if node is None:
        source.report(None, "", "is empty")
        return None
    return Field(source, node, "", node.start_mark.line + 1)


def read_slugs(
    field: Field, pattern: re.Pattern, rule: str, known: Iterable[str] | None, what: str
) -> dict[str, Field] | None:
    """A list of identifiers, each in the right format, none twice and, when `known` is
    given, each one of those. Returns each good one with its place, in list order."""
    items = field.items()
    if items is None:
        return None
    known = None if known is None else sorted(known)
    unique = UniqueKeys(what)
    for item in items:
        value = item.slug(pattern, rule)
        if value is not None and known is not None and value not in known:
            item.report(f'unknown {what} "{value}"{_suggestion(value, known)}')
        else:
            unique.claim(value, item)
    return unique.first


class UniqueKeys:
    """Keys used so far in one scope (a quiz, a question, a file); a repeat is reported at
    its own line, naming where the key was first used."""

    def __init__(self, what: str):
        self.what = what
        self.first: dict[str, Field] = {}

    def claim(self, key: str | None, field: Field) -> bool:
        """Whether `key` is new here (None, an unreadable key, is never claimed)."""
        if key is None:
            return False
        if key in self.first:
            field.report(f'{self.what} "{key}" appears twice (first at {self.first[key].name})')
            return False
        self.first[key] = field
        return True


def _unknown_field(key: str, allowed: set[str]) -> str:
    allowed = sorted(allowed)
    return f"is not a known field{_suggestion(key, allowed)}; allowed: {', '.join(allowed)}"


def _suggestion(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""
