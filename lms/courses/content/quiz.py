"""Reading a course's `quiz.yaml`: at least five questions, every choice explained, the
right number of correct choices for the question's type, the lesson that covers each question
(`lesson`, optional, one of the course's), and how many an attempt draws (`draw`, optional: a
pool larger than each attempt). A quiz whose right answers mostly sit in one position, or with
questions that name no lesson, is allowed, with a warning (`answer_position_warning`,
`no_lesson_warning`)."""

from collections import Counter
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
POSITION_NAMES = ("first", "second", "third", "fourth", "fifth", "sixth")


def read_quiz(
    folder: Path, display: str, lessons: frozenset[str] | None, problems: list[ContentProblem]
) -> tuple[tuple[QuestionSpec, ...], int | None]:
    """The quiz's questions in file order, and how many an attempt draws (None: all); a
    course without a quiz is a problem. `lessons`: the slugs course.yaml lists (None when
    they could not be read, so a question's lesson is not checked against them)."""
    source = Source(f"{display}/quiz.yaml", problems)
    path = folder / "quiz.yaml"
    if not path.is_file():
        message = f"is missing: every course has a quiz of at least {MIN_QUESTIONS} questions"
        source.report(None, "", message)
        return (), None
    top = read_yaml(path, source)
    record = top.record(["questions"], ["draw"]) if top else None
    items = record["questions"].items() if record else None
    if items is None:
        return (), None
    if len(items) < MIN_QUESTIONS:
        record["questions"].report(
            f"a quiz needs at least {MIN_QUESTIONS} questions, this one has {len(items)}"
        )
    keys = UniqueKeys("question key")
    questions = [_read_question(item, keys, lessons) for item in items]
    return tuple(q for q in questions if q is not None), _draw(record["draw"], len(items))


def _draw(field: Field, pool: int) -> int | None:
    """How many questions an attempt draws: at least MIN_QUESTIONS, fewer than the pool."""
    if not field.present:
        return None
    draw = field.integer(minimum=MIN_QUESTIONS)
    if draw is not None and draw >= pool:
        field.report(
            f"draws {draw} of {pool} questions: a pool needs more questions than an attempt "
            "draws (leave draw out to ask them all)"
        )
        return None
    return draw


def _read_question(
    item: Field, keys: UniqueKeys, lessons: frozenset[str] | None
) -> QuestionSpec | None:
    record = item.record(["key", "type", "prompt", "choices"], ["fixed_order", "lesson"])
    if record is None:
        return None
    key = record["key"].slug()
    keys.claim(key, record["key"])
    kind = record["type"].one_of(QUESTION_TYPES, "question type")
    prompt = record["prompt"].text(LONG_TEXT)
    choices = _read_choices(record["choices"], kind)
    fixed = record["fixed_order"].flag() if record["fixed_order"].present else False
    lesson = _read_lesson(record["lesson"], lessons)
    if None in (key, kind, prompt, choices, fixed) or (record["lesson"].present and not lesson):
        return None
    return QuestionSpec(
        key=key, type=kind, prompt=prompt, choices=choices, fixed_order=fixed, lesson=lesson
    )


def _read_lesson(field: Field, lessons: frozenset[str] | None) -> str | None:
    """Optional: the slug of the lesson of this course that covers the question, which a
    failed attempt points to; one course.yaml lists."""
    if not field.present:
        return None
    return field.slug() if lessons is None else field.one_of(lessons, "lesson")


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


def no_lesson_warning(questions: tuple[QuestionSpec, ...]) -> str | None:
    """A question that names no lesson leaves a learner who got it wrong with nothing to read
    again: a warning, not a problem."""
    missing = [question.key for question in questions if question.lesson is None]
    if not missing:
        return None
    return (
        f"{len(missing)} of {len(questions)} questions name no lesson ({', '.join(missing)}); "
        "add lesson: so a failed attempt can point to what to read again"
    )


def answer_position_warning(questions: tuple[QuestionSpec, ...]) -> str | None:
    """More than half of the single-choice questions with the right answer in the same
    position (as written in the file) gives the answer away: a warning, not a problem."""
    positions = Counter(
        next(index for index, choice in enumerate(question.choices) if choice.correct)
        for question in questions
        if question.type == "single"
    )
    if not positions:
        return None
    position, count = positions.most_common(1)[0]
    singles = positions.total()
    if count * 2 <= singles:
        return None
    where = POSITION_NAMES[position] if position < len(POSITION_NAMES) else f"{position + 1}th"
    return (
        f"{count} of {singles} single-choice questions have the right answer {where}; "
        "move some so the position gives nothing away"
    )
