"""`quiz.yaml`: a pool an attempt draws from (`draw`), and questions whose choices keep their
order (`fixed_order`) — read, and refused with the line and field when wrong. Pure."""

import pytest

from lms.courses.content.reading import read_content
from tests.courses.test_content_check import LEADS, at, edit, only_problem, tree  # noqa: F401

QUIZ = f"{LEADS}/quiz.yaml"


EXTRA = """  - key: sixth
    type: single
    prompt: A sixth question, so that the pool is larger than a draw of five?
    choices:
      - key: a
        text: Yes.
        correct: true
        explanation: A pool has more questions than an attempt asks.
      - key: b
        text: No.
        correct: false
        explanation: Five of five is no draw.
"""


def with_sixth_question(tree) -> None:  # noqa: F811
    path = tree / QUIZ
    path.write_text(path.read_text().rstrip("\n") + "\n" + EXTRA)


def leads(content):
    return next(course for course in content.courses if course.slug == "handle-leads")


def test_draw_and_fixed_order_are_read(tree):  # noqa: F811
    with_sixth_question(tree)
    edit(tree, QUIZ, "questions:\n", "draw: 5\nquestions:\n")
    edit(tree, QUIZ, "    type: single\n", "    type: single\n    fixed_order: true\n")
    content, problems = read_content(tree)
    assert problems == []
    course = leads(content)
    assert course.quiz_draw == 5
    assert [q.fixed_order for q in course.questions][:2] == [True, False]


def test_without_draw_every_question_is_asked(tree):  # noqa: F811
    content, _ = read_content(tree)
    assert leads(content).quiz_draw is None


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        ("4", "must be 5 or more, not 4"),
        ("6", "draws 6 of 6 questions: a pool needs more questions than an attempt draws"),
        ("7", "draws 7 of 6 questions"),
        ("five", "must be a whole number"),
    ],
)
def test_a_draw_the_pool_cannot_give_is_refused(tree, draw, message):  # noqa: F811
    with_sixth_question(tree)
    edit(tree, QUIZ, "questions:\n", f"draw: {draw}\nquestions:\n")
    problem = only_problem(tree)
    assert at(problem) == (f"content/{QUIZ}", 1, "draw") and message in problem.message


def test_fixed_order_is_yes_or_no(tree):  # noqa: F811
    edit(tree, QUIZ, "    type: single\n", "    type: single\n    fixed_order: sometimes\n")
    problem = only_problem(tree)
    assert problem.field.endswith("fixed_order")
