"""Course rules. Pure: plain values in, answers out; no app, no database."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lms.locales import N_

KINDS = frozenset(
    {"computer_literacy", "business_process", "crm_application", "remedial", "new_hire", "manager"}
)
KIND_LABELS = {  # in English; pages translate them (N_)
    "new_hire": N_("New-hire training"),
    "computer_literacy": N_("Computer literacy"),
    "business_process": N_("Business process"),
    "crm_application": N_("CRM application"),
    "remedial": N_("Remedial"),
    "manager": N_("Manager training"),
}
FAILURES_BEFORE_REMEDIAL = 2

NOT_STARTED, IN_PROGRESS = N_("not started"), N_("in progress")
DONE, OVERDUE = N_("done"), N_("overdue")


def due_date(hire_date: date, due_days: int | None) -> date | None:
    """A curriculum course is due `due_days` after the hire date."""
    return None if due_days is None else hire_date + timedelta(days=due_days)


def communication_date(hire_date: date, go_live: date | None, anchor: str, offset_days: int):
    """When a communication reaches a person: `offset_days` after their hire date or the
    go-live (None when it is anchored on a go-live that is not set)."""
    base = hire_date if anchor == "hire_date" else go_live
    return None if base is None else base + timedelta(days=offset_days)


def enrollment_status(started: bool, completed: bool, due_on: date | None, today: date) -> str:
    """Done wins over everything; anything unfinished past its due day is overdue."""
    if completed:
        return DONE
    if due_on is not None and due_on < today:
        return OVERDUE
    return IN_PROGRESS if started else NOT_STARTED


def percent(done: int, total: int) -> int:
    """Whole-number percentage, rounded down so 99.6% never shows as finished."""
    return 100 if total == 0 else (100 * done) // total


def lesson_visible(lesson_role_slugs, person_role_slug: str) -> bool:
    """A lesson with no job roles is for everyone; otherwise only for the roles it names."""
    return not lesson_role_slugs or person_role_slug in lesson_role_slugs


@dataclass(frozen=True)
class QuestionKey:
    """A question as scoring needs it: its key, type and the set of correct choice keys."""

    key: str
    type: str
    correct: frozenset[str]


@dataclass(frozen=True)
class QuizResult:
    score: float
    passed: bool
    right: frozenset[str]  # keys of the questions answered right


def is_right(question: QuestionKey, chosen) -> bool:
    """A question is right when exactly the correct choices are chosen — no partial credit
    for multiple choice, and a single-choice question takes exactly one answer."""
    chosen = frozenset(chosen)
    if question.type == "single" and len(chosen) != 1:
        return False
    return chosen == question.correct


def score_quiz(questions, answers: dict, pass_mark: float) -> QuizResult:
    """Score is the share of questions answered right; it passes at or above the pass mark.
    Unanswered questions count as wrong."""
    right = frozenset(q.key for q in questions if is_right(q, answers.get(q.key, ())))
    score = len(right) / len(questions) if questions else 0.0
    # Compare with a little tolerance so 4/5 passes a pass mark written as 0.8.
    return QuizResult(score=score, passed=score + 1e-9 >= pass_mark, right=right)


def needs_remedial(
    failed_attempts: int, passed: bool, threshold: int = FAILURES_BEFORE_REMEDIAL
) -> bool:
    """Failing a quiz `threshold` times without passing routes the learner to remedial training."""
    return not passed and failed_attempts >= threshold


def next_failure_assigns_remedial(
    failed_attempts: int,
    passed: bool,
    has_remedial_course: bool,
    on_it_already: bool,
    threshold: int = FAILURES_BEFORE_REMEDIAL,
) -> bool:
    """Whether the attempt about to be made, if it does not pass, assigns the course's
    refresher (needs_remedial): the course has one, the learner is not on it already, and
    this attempt would be the `threshold`-th that did not pass. The quiz page warns first."""
    return (
        has_remedial_course
        and not on_it_already
        and not needs_remedial(failed_attempts, passed, threshold)
        and needs_remedial(failed_attempts + 1, passed, threshold)
    )


START, RESUME, TAKE_QUIZ, REVIEW = "start", "resume", "quiz", "review"


def course_action(started: bool, completed: bool, lessons_left: int) -> str:
    """The one button a course offers: Review once it is done; Take the quiz once every
    lesson is done (the quiz is all that is left); Resume once started; else Start."""
    if completed:
        return REVIEW
    if lessons_left == 0:
        return TAKE_QUIZ
    return RESUME if started else START


def resume_at(lesson_ids: list[int], done: set[int], last_opened: int | None) -> int | None:
    """Where a learner picks a course up: the last lesson they opened, while it is still
    one of theirs; else the first not done; else the first (read again). None: no lessons."""
    if last_opened in lesson_ids:
        return last_opened
    return next((i for i in lesson_ids if i not in done), lesson_ids[0] if lesson_ids else None)


def is_course_complete(
    lessons_done: int, lessons_total: int, quiz_passed: bool, has_quiz: bool
) -> bool:
    """A course is done when every lesson meant for the person is done and its quiz passed."""
    return lessons_done >= lessons_total and (quiz_passed or not has_quiz)


REMEDIAL_DUE = timedelta(days=7)  # a remedial refresher is short: due a week after assignment


def refresher_counts_towards_onboarding(onboarding_complete: bool) -> bool:
    """A refresher (a remedial course, after failed quizzes or an adoption signal) assigned
    while a person is still onboarding is part of their onboarding: it brings them up to
    standard before they are done. One assigned after onboarding completed is an obligation
    of its own, on their plan with its due date, and never reopens onboarding."""
    return not onboarding_complete


@dataclass(frozen=True)
class PoolQuestion:
    """A question of a quiz's pool as a sitting is laid out from it."""

    key: str
    choice_keys: tuple[str, ...]  # in the file's order
    fixed_order: bool = False  # content pins the order ("all of the above" last)


def lay_out_sitting(pool: list[PoolQuestion], draw: int | None, rng: random.Random) -> list[dict]:
    """What one attempt shows: `draw` questions of the pool (all of them when None), in
    the quiz's order, each with its choices shuffled unless content pins their order. Made
    once per attempt and kept, so a reload shows the same, and recorded with the attempt.
    As stored: [{"question": key, "choices": [choice keys as shown]}, ...]."""
    chosen = pool if draw is None or draw >= len(pool) else rng.sample(pool, draw)
    order = {question.key: n for n, question in enumerate(pool)}
    return [
        {
            "question": question.key,
            "choices": list(question.choice_keys)
            if question.fixed_order
            else rng.sample(list(question.choice_keys), len(question.choice_keys)),
        }
        for question in sorted(chosen, key=lambda q: order[q.key])
    ]


# Feedback that teaches without handing out the key, and a pause before guessing again.
FAILURES_BEFORE_WAIT = 2


def full_review(passed: bool, failed_attempts: int, review_after: int) -> bool:
    """An attempt's page shows the right answers once the quiz is passed, or once
    `review_after` attempts have not passed (more guessing would teach nothing). Before
    that it shows which questions were wrong and why the choice made was wrong, not the
    right one."""
    return passed or failed_attempts >= review_after


def lessons_to_read_again(
    wrong: list[str], covered_by: dict[str, str | None], visible: set[str]
) -> dict[str, str]:
    """Each question answered wrong points to the lesson content says covers it (question
    key → lesson slug), when that is a lesson the learner can open: one for other job roles,
    or no longer in the course, would be a dead end."""
    lessons = {key: covered_by.get(key) for key in wrong}
    return {key: slug for key, slug in lessons.items() if slug in visible}


def next_attempt_at(
    failures: list[datetime], wait: timedelta, after: int = FAILURES_BEFORE_WAIT
) -> datetime | None:
    """When the next attempt opens: at once until `after` attempts have not passed, then
    `wait` after the latest of them (time to read the lessons again). None: open now or
    whenever the wait is zero."""
    if len(failures) < after or not wait:
        return None
    return max(failures) + wait
