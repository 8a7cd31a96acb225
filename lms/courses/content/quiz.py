"""Reading a course's `quiz.yaml`: at least five questions, every choice explained, and the
right number of correct choices for the question's type."""

from pathlib import Path

from lms.courses.content.bundle import ChoiceSpec, QuestionSpec
from lms.courses.content.yaml_fields import (
    KEY,
    KEY_RULE,
    ContentProblem,
    Field,
    Source,
    UniqueKeys,
    read_yaml,
)

MIN_QUESTIONS = 5
MIN_CHOICES = 2
QUESTION_TYPES = ("single", "multiple")
LONG_TEXT = 5000


def read_quiz(
    folder: Path, display: str, problems: list[ContentProblem]
) -> tuple[QuestionSpec, ...]:
    """The quiz's questions in file order; a course without a quiz is a problem."""
    source = Source(f"{display}/quiz.yaml", problems)
    path = folder / "quiz.yaml"
    if not path.is_file():
        message = f"is missing: every course has a quiz of at least {MIN_QUESTIONS} questions"
        source.report(None, "", message)
        return ()
    top = read_yaml(path, source)
    record = top.record(["questions"]) if top else None
    items = record["questions"].items() if record else None
    if items is None:
        return ()
    if len(items) < MIN_QUESTIONS:
        record["questions"].report(
            f"a quiz needs at least {MIN_QUESTIONS} questions, this one has {len(items)}"
        )
    keys = UniqueKeys("question key")
    questions = [_read_question(item, keys) for item in items]
    return tuple(question for question in questions if question is not None)


def _read_question(item: Field, keys: UniqueKeys) -> QuestionSpec | None:
    record = item.record(["key", "type", "prompt", "choices"])
    if record is None:
        return None
    key = record["key"].slug()
    keys.claim(key, record["key"])
    kind = record["type"].one_of(QUESTION_TYPES, "question type")
    prompt = record["prompt"].text(LONG_TEXT)
    choices = _read_choices(record["choices"], kind)
    if None in (key, kind, prompt, choices):
        return None
    return QuestionSpec(key=key, type=kind, prompt=prompt, choices=choices)


def _read_choices(field: Field, kind: str | None) -> tuple[ChoiceSpec, ...] | None:
    items = field.items()
    if items is None:
        return None
    if len(items) < MIN_CHOICES:
        field.report(f"a question needs at least {MIN_CHOICES} choices")
        return None
    keys = UniqueKeys("choice key")
    choices = [_read_choice(item, keys) for item in items]
    if None in choices:
        return None
    if kind is not None and not _right_number_correct(field, kind, choices):
        return None
    return tuple(choices)


def _read_choice(item: Field, keys: UniqueKeys) -> ChoiceSpec | None:
    record = item.record(["key", "text", "correct", "explanation"])
    if record is None:
        return None
    key = record["key"].slug(KEY, KEY_RULE, max_length=40)
    keys.claim(key, record["key"])
    text = record["text"].text(LONG_TEXT)
    correct = record["correct"].flag()
    explanation = record["explanation"].text(LONG_TEXT)
    if None in (key, text, correct, explanation):
        return None
    return ChoiceSpec(key=key, text=text, correct=correct, explanation=explanation)


def _right_number_correct(field: Field, kind: str, choices: list[ChoiceSpec]) -> bool:
    """A single-choice question has exactly one correct choice; a multiple-choice question
    has at least one."""
    correct = sum(choice.correct for choice in choices)
    if kind == "single" and correct != 1:
        field.report(f"a single-choice question needs exactly one correct choice, not {correct}")
        return False
    if kind == "multiple" and correct == 0:
        field.report("a multiple-choice question needs at least one correct choice")
        return False
    return True
