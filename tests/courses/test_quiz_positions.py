"""Where the right answers sit: more than half of a quiz's single-choice questions with the right
answer in the same position is a warning from `lms content check`, never a problem, and the
shipped quizzes have none. Also: every shipped quiz draws from a pool well larger than a draw."""

from lms.config import PROJECT_ROOT
from lms.courses.content.reading import content_warnings, read_content
from tests.courses.test_content_check import LEADS, edit, tree  # noqa: F401

QUIZ = f"{LEADS}/quiz.yaml"
FIRST_OF_FOUR = (
    "content/courses/handle-leads/quiz.yaml: 4 of 4 single-choice questions have the right "
    "answer first; move some so the position gives nothing away"
)


def warnings(folder):
    content, problems = read_content(folder)
    assert problems == [], "\n".join(map(str, problems))
    return content_warnings(folder, content)


def move_right_answer_second(tree, question: str) -> None:  # noqa: F811
    """Swap the two choices of a two-choice single question in the sample, right one second."""
    path = tree / QUIZ
    text = path.read_text()
    start = text.index(f"key: {question}\n")
    first = text.index("      - key: a\n", start)
    second = text.index("      - key: b\n", first)
    end = text.index("\n  - key:", second) + 1 if "\n  - key:" in text[second:] else len(text)
    moved = text[second:end] + text[first:second]
    path.write_text(text[:first] + moved + text[end:])


def handle_leads_warnings(tree) -> list[str]:  # noqa: F811
    return [warning for warning in warnings(tree) if "/handle-leads/" in warning]


def test_most_right_answers_in_one_position_is_a_warning_naming_file_and_position(tree):  # noqa: F811
    assert handle_leads_warnings(tree) == [FIRST_OF_FOUR]


def test_the_position_is_named(tree):  # noqa: F811
    for question in ("first-contact", "qualify-first", "nurture"):
        move_right_answer_second(tree, question)
    assert handle_leads_warnings(tree) == [
        FIRST_OF_FOUR.replace("4 of 4", "3 of 4").replace("answer first", "answer second")
    ]


def test_half_in_one_position_is_no_warning(tree):  # noqa: F811
    for question in ("first-contact", "qualify-first"):
        move_right_answer_second(tree, question)
    assert handle_leads_warnings(tree) == []


def test_multiple_choice_questions_do_not_count(tree):  # noqa: F811
    for question in ("first-contact", "qualify-first"):
        move_right_answer_second(tree, question)
    edit(tree, QUIZ, "type: single", "type: multiple", after="key: nurture")
    assert handle_leads_warnings(tree) == [
        FIRST_OF_FOUR.replace("4 of 4", "2 of 3").replace("answer first", "answer second")
    ]


def test_check_prints_warnings_and_still_passes(runner, tree):  # noqa: F811
    result = runner.invoke(args=["content", "check", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert f"warning: {FIRST_OF_FOUR}\n" in result.output
    assert "content OK: " in result.output


def test_sync_is_not_blocked_by_warnings(runner, tree):  # noqa: F811
    result = runner.invoke(args=["content", "sync", "--dir", str(tree)])
    assert result.exit_code == 0, result.output
    assert "courses: 2 created" in result.output


# The content as shipped.

SHIPPED = PROJECT_ROOT / "content"


def test_shipped_quizzes_give_nothing_away_by_position():
    assert warnings(SHIPPED) == []


def test_every_shipped_quiz_draws_from_a_pool_of_at_least_one_and_a_half_draws():
    courses = read_content(SHIPPED)[0].courses
    assert courses
    for course in courses:
        assert course.quiz_draw is not None, f"{course.slug} asks every question"
        pool = len(course.questions)
        assert pool >= 1.5 * course.quiz_draw, f"{course.slug}: {pool} for {course.quiz_draw}"
