"""The rules of practice tasks, pure: what a task's check asks of the training CRM, whether
the records a person created or changed there since opening the task meet it, and what is
still missing, in the words a learner acts on ("the lead has no budget").

A check names one CRM object, whether the person must have created the record or may have
changed one (`created` | `changed`), conditions on its fields, and optionally a follow-up
(`converted`). It passes when one record meets every condition."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CREATED, CHANGED = "created", "changed"
ACTIONS = (CREATED, CHANGED)
CONVERTED = "converted"
FOLLOW_UPS = (CONVERTED,)
FILLED, EQUALS, ONE_OF, CONTAINS, AT_LEAST, AT_MOST = (
    "filled",
    "equals",
    "one_of",
    "contains",
    "at_least",
    "at_most",
)
TESTS = (FILLED, EQUALS, ONE_OF, CONTAINS, AT_LEAST, AT_MOST)
HINTS_AFTER_FAILED_CHECKS = 2


@dataclass(frozen=True)
class Condition:
    """One field of the record: filled in, equal to a value (case and surrounding spaces
    aside), one of several, containing a text, or a number at least or at most a value.
    `says` is what is missing in words ("no budget"), when the field's name would not do."""

    field: str
    test: str
    value: Any = None  # str (equals, contains), tuple of str (one_of), float (at_least, at_most)
    says: str = ""


@dataclass(frozen=True)
class Check:
    object: str  # lead, contact, account, opportunity, case, task
    action: str  # created | changed
    conditions: tuple[Condition, ...]
    then: str | None = None  # converted


@dataclass(frozen=True)
class TrainingRecord:
    """A record of the training CRM as the person left it, with what they did to it since
    they opened the task."""

    record_id: str
    name: str
    created: bool
    changed: bool
    converted: bool
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Verdict:
    passed: bool
    record_name: str | None  # the record that passed, or the one closest to passing
    missing: tuple[str, ...]  # what is still missing, in words; empty when passed


def judge(check: Check, records: list[TrainingRecord]) -> Verdict:
    """Whether one of the records meets the check; if none does, what the closest one (the
    fewest things missing; the latest of equals) still lacks."""
    eligible = [r for r in records if r.created or (check.action == CHANGED and r.changed)]
    if not eligible:
        done = "created" if check.action == CREATED else "created or changed"
        return Verdict(
            False,
            None,
            (f"no {check.object} {done} by you in the training CRM since you opened the task",),
        )
    verdicts = [(missing(check, record), record) for record in reversed(eligible)]
    lacking, closest = min(verdicts, key=lambda verdict: len(verdict[0]))
    return Verdict(not lacking, closest.name, tuple(lacking))


def missing(check: Check, record: TrainingRecord) -> list[str]:
    """What the record lacks, in words, in the order the check lists it."""
    found = [
        describe(check.object, condition, record.fields.get(condition.field))
        for condition in check.conditions
        if not meets(condition, record.fields.get(condition.field))
    ]
    if check.then == CONVERTED and not record.converted:
        found.append(f"the {check.object} is not converted yet")
    return list(dict.fromkeys(found))  # two bounds on one empty field say it once


def meets(condition: Condition, value: Any) -> bool:
    if condition.test == FILLED:
        return _text(value) != ""
    if condition.test in (AT_LEAST, AT_MOST):
        number = _number(value)
        if number is None:
            return False
        return (
            number >= condition.value if condition.test == AT_LEAST else number <= condition.value
        )
    text = _text(value).casefold()
    if condition.test == EQUALS:
        return text == _text(condition.value).casefold()
    if condition.test == ONE_OF:
        return text in {_text(option).casefold() for option in condition.value}
    if condition.test == CONTAINS:
        return _text(condition.value).casefold() in text
    raise ValueError(f"unknown test {condition.test!r}")


def describe(obj: str, condition: Condition, value: Any) -> str:
    """What is missing, as the learner reads it."""
    field = condition.field.replace("_", " ")
    if condition.says:
        return f"the {obj} has {condition.says}"
    if _text(value) == "":
        return f"the {obj} has no {field}"
    shown = f"“{_text(value)}”"
    if condition.test == EQUALS:
        return f"the {obj}'s {field} is {shown}, not “{condition.value}”"
    if condition.test == ONE_OF:
        options = " or ".join(f"“{option}”" for option in condition.value)
        return f"the {obj}'s {field} is {shown}, not {options}"
    if condition.test == CONTAINS:
        return f"the {obj}'s {field} does not mention “{condition.value}”"
    bound = "at least" if condition.test == AT_LEAST else "at most"
    return f"the {obj}'s {field} is {shown}, not {bound} {condition.value:,g}"


def hints_shown(failed_checks: int) -> bool:
    """Hints appear after two checks that did not pass: a try of one's own first."""
    return failed_checks >= HINTS_AFTER_FAILED_CHECKS


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> float | None:
    """A CRM amount as a number: "12,500.00" and 12500 alike; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(_text(value).replace(",", "").replace(" ", ""))
    except ValueError:
        return None
