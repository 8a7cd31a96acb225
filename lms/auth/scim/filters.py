"""SCIM filters (RFC 7644 §3.4.2.2): parsed into a tree, and a resource (as its SCIM JSON)
tested against it. Pure: no app, no database.

    userName eq "ann@example.com" and active eq true
    emails[type eq "work"].value eq "ann@example.com"
    urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E17"
"""

import re
from dataclasses import dataclass

from lms.auth.scim.rules import ScimError

OPERATORS = {"eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"}
# Compared as written; every other string attribute is compared regardless of case.
CASE_EXACT = {"id", "externalid"}
_TOKEN = re.compile(r'\s*(\(|\)|\[|\]|"(?:[^"\\]|\\.)*"|[^\s()\[\]"]+)')


@dataclass(frozen=True)
class Compare:
    path: str
    operator: str  # one of OPERATORS, or "pr"
    value: object = None


@dataclass(frozen=True)
class ValuePath:
    """`emails[type eq "work"]`, or with a test on one sub-attribute of the matching values:
    `emails[type eq "work"].value eq "ann@example.com"`."""

    path: str
    inner: object
    then: Compare | None = None


@dataclass(frozen=True)
class Logical:
    operator: str  # "and" or "or"
    left: object
    right: object


@dataclass(frozen=True)
class Not:
    inner: object


def invalid_filter(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


def parse(text: str):
    """The filter as a tree of Compare, ValuePath, Logical and Not; ScimError (invalidFilter)
    naming what could not be read."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    tree = parser.expression()
    if parser.position != len(tokens):
        raise invalid_filter(f"Unexpected {tokens[parser.position]!r} in filter {text!r}.")
    return tree


def _tokenize(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise invalid_filter(f"Cannot read filter {text!r} at character {position + 1}.")
        tokens.append(match.group(1))
        position = match.end()
    if not tokens:
        raise invalid_filter("The filter is empty.")
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], text: str):
        self.tokens, self.text, self.position = tokens, text, 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise invalid_filter(f"The filter {self.text!r} ends too soon.")
        self.position += 1
        return token

    def expect(self, wanted: str) -> None:
        if self.take() != wanted:
            raise invalid_filter(f"Expected {wanted!r} in filter {self.text!r}.")

    def expression(self):
        tree = self.conjunction()
        while (self.peek() or "").lower() == "or":
            self.take()
            tree = Logical("or", tree, self.conjunction())
        return tree

    def conjunction(self):
        tree = self.factor()
        while (self.peek() or "").lower() == "and":
            self.take()
            tree = Logical("and", tree, self.factor())
        return tree

    def factor(self):
        token = self.take()
        if token == "(":
            tree = self.expression()
            self.expect(")")
            return tree
        if token.lower() == "not":
            self.expect("(")
            tree = self.expression()
            self.expect(")")
            return Not(tree)
        if not re.fullmatch(r"[A-Za-z][\w:.$-]*", token):
            raise invalid_filter(f"{token!r} is not an attribute, in filter {self.text!r}.")
        if self.peek() == "[":
            self.take()
            inner = self.expression()
            self.expect("]")
            then = None
            if (self.peek() or "").startswith("."):
                then = self.comparison(self.take()[1:])
            return ValuePath(token, inner, then)
        return self.comparison(token)

    def comparison(self, path: str) -> Compare:
        operator = self.take().lower()
        if operator == "pr":
            return Compare(path, "pr")
        if operator not in OPERATORS:
            raise invalid_filter(f"Unknown operator {operator!r} in filter {self.text!r}.")
        return Compare(path, operator, _literal(self.take(), self.text))


def _literal(token: str, text: str):
    if token.startswith('"'):
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(token) if "." in token else int(token)
    except ValueError:
        raise invalid_filter(f"{token!r} is not a value, in filter {text!r}.") from None


# Evaluating ---------------------------------------------------------------------------------


def matches(tree, resource: dict) -> bool:
    """Whether a resource, as its SCIM JSON, passes the filter."""
    match tree:
        case Logical("and", left, right):
            return matches(left, resource) and matches(right, resource)
        case Logical(_, left, right):
            return matches(left, resource) or matches(right, resource)
        case Not(inner):
            return not matches(inner, resource)
        case ValuePath(path, inner, then):
            elements = [e for e in values_at(resource, path) if isinstance(e, dict)]
            chosen = [e for e in elements if matches(inner, e)]
            return bool(chosen) if then is None else any(matches(then, e) for e in chosen)
    return _compare(tree, values_at(resource, tree.path))


def values_at(resource: dict, path: str) -> list:
    """Every value at an attribute path ("name.givenName", "emails.value", or prefixed with a
    schema URN), multi-valued attributes flattened; names regardless of case."""
    names = split_path(path)
    if names[0].lower().startswith("urn:") and get_ignoring_case(resource, names[0]) is None:
        names = names[1:]  # the resource's core schema, named in full: its own attributes
    current = [resource]
    for name in names:
        found = []
        for item in current:
            if isinstance(item, dict):
                value = get_ignoring_case(item, name)
                if value is not None:
                    found.extend(value if isinstance(value, list) else [value])
        current = found
    return current


def split_path(path: str) -> list[str]:
    """["urn:…:User", "manager", "value"] for an extension attribute, else the dotted names."""
    if path.lower().startswith("urn:"):
        urn, _, attribute = path.rpartition(":")
        return [urn, *attribute.split(".")]
    return path.split(".")


def get_ignoring_case(mapping: dict, name: str):
    for key, value in mapping.items():
        if key.lower() == name.lower():
            return value
    return None


def _compare(node: Compare, values: list) -> bool:
    if node.operator == "pr":
        return any(v not in (None, "", [], {}) for v in values)
    name = split_path(node.path)[-1].lower()
    values = [v.get("value") if isinstance(v, dict) else v for v in values]
    if node.operator == "ne":
        return not any(_test("eq", v, node.value, name) for v in values)
    return any(_test(node.operator, v, node.value, name) for v in values)


def _test(operator: str, actual, wanted, name: str) -> bool:
    if isinstance(actual, str) and isinstance(wanted, str) and name not in CASE_EXACT:
        actual, wanted = actual.lower(), wanted.lower()
    if operator == "eq":
        return actual == wanted
    if isinstance(actual, bool) or isinstance(wanted, bool) or actual is None or wanted is None:
        return False
    if operator in ("co", "sw", "ew"):
        if not (isinstance(actual, str) and isinstance(wanted, str)):
            return False
        return {"co": wanted in actual, "sw": actual.startswith(wanted)}.get(
            operator, actual.endswith(wanted)
        )
    try:
        return {"gt": actual > wanted, "lt": actual < wanted, "ge": actual >= wanted}.get(
            operator, actual <= wanted
        )
    except TypeError:
        return False


def equalities(tree) -> dict[str, str]:
    """The `attribute eq "text"` tests that every match must pass (those joined by `and` at
    the top), by lower-cased attribute path: a database can narrow the search with them."""
    match tree:
        case Logical("and", left, right):
            return equalities(left) | equalities(right)
        case Compare(path, "eq", str(value)):
            return {path.lower(): value}
        case ValuePath(path, _inner, Compare(sub, "eq", str(value))):
            return {f"{path}.{sub}".lower(): value}
    return {}
