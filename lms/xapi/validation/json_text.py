"""Reading JSON sent to the LRS, with a bound on nesting and nothing RFC 8259 lacks. Pure.

Every JSON text that comes in — statement bodies, documents, query parameters, JWS parts —
is read here. Python's parser recurses once per level, so a body of 100,000 nested brackets
would raise RecursionError (a 500) and a body just inside its limit would blow the stack
later, when it is written back out. No xAPI value needs more than a few dozen levels.
NaN and Infinity, which Python's parser accepts, are not JSON: stored, they would be served
back as text no other JSON parser reads.
"""

import json

MAX_DEPTH = 64


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH: a ValueError, so every caller's "not valid JSON"
    answer (a 400) covers it; its message says what is wrong."""

    def __init__(self):
        super().__init__(f"JSON nested more than {MAX_DEPTH} levels deep is not accepted")


def loads(text: str | bytes, **options):
    """json.loads, refusing nesting deeper than MAX_DEPTH with TooDeep, and NaN and
    Infinity with a ValueError."""
    try:
        value = json.loads(text, parse_constant=_not_json, **options)
    except RecursionError:
        raise TooDeep() from None
    if depth(value) > MAX_DEPTH:
        raise TooDeep()
    return value


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON value")


def depth(value) -> int:
    """How many arrays and objects deep the value goes (a scalar is 0). Iterative, so it
    cannot itself run out of stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
