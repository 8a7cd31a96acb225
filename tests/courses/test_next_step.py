"""The next-step rule and the course rules it leans on, tested with no app at all: every
branch, and the order of priority its docstring states."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from lms.courses import next_step as steps
from lms.courses import rules
from lms.courses.next_step import CourseFacts, LessonRef, Situation, SkillFacts

TODAY = date(2026, 10, 5)
INTRO = LessonRef("intro", "Why the CRM")


def course(title="Handle leads", **changes) -> CourseFacts:
    facts = CourseFacts(
        slug=title.lower().replace(" ", "-"),
        title=title,
        required=True,
        is_refresher=False,
        reason=None,
        due_on=None,
        started=False,
        completed=False,
        lessons_done=0,
        lessons_total=4,
        resume_lesson=INTRO,
    )
    return replace(facts, **changes)


def refresher(title="Refresher: leads", **changes) -> CourseFacts:
    reason = "Assigned after 2 attempts at the “Handle leads” quiz did not reach the pass mark."
    changes = {"required": False, "is_refresher": True, "reason": reason, **changes}
    return course(title, **changes)


def skill(title="Handle leads", signed=0) -> SkillFacts:
    labels = {0: "step 1 (Demonstrate)", 1: "step 2 (Assist)", 2: "step 3 (Practice)"}
    labels[3] = "step 4 (Monitor and feedback)"
    return SkillFacts(title, signed, labels.get(signed))  # all four signed: None


def situation(*courses, skills=(), complete=False, manager="Mona Manager") -> Situation:
    return Situation(tuple(courses), tuple(skills), complete, manager, TODAY)


def step_for(*courses, **kwargs) -> steps.NextStep:
    return steps.choose_next_step(situation(*courses, **kwargs))


# The course actions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "completed", "left", "action"),
    [
        (False, False, 3, rules.START),
        (True, False, 2, rules.RESUME),
        (True, False, 0, rules.TAKE_QUIZ),
        (False, False, 0, rules.TAKE_QUIZ),  # no lessons for this role: only the quiz
        (True, True, 0, rules.REVIEW),
        (True, True, 2, rules.REVIEW),  # lessons added since: still done
    ],
)
def test_a_course_offers_one_action(started, completed, left, action):
    assert rules.course_action(started, completed, left) == action


def test_resume_at_the_last_lesson_opened_else_the_first_not_done():
    assert rules.resume_at([1, 2, 3], {1}, last_opened=3) == 3
    assert rules.resume_at([1, 2, 3], {1}, last_opened=None) == 2
    assert rules.resume_at([1, 2, 3], {1}, last_opened=9) == 2  # retired, or another role's
    assert rules.resume_at([1, 2, 3], {1, 2, 3}, last_opened=None) == 1  # read again
    assert rules.resume_at([], set(), last_opened=None) is None


@pytest.mark.parametrize(
    ("failed", "passed", "has_remedial", "on_it", "warned"),
    [
        (1, False, True, False, True),  # the second failure would assign it
        (0, False, True, False, False),  # a first failure assigns nothing
        (2, False, True, False, False),  # assigned already by the second
        (1, True, True, False, False),  # passed: nothing at stake
        (1, False, False, False, False),  # the course has no refresher
        (1, False, True, True, False),  # on it already (say, from an adoption signal)
    ],
)
def test_the_attempt_that_would_assign_a_refresher(failed, passed, has_remedial, on_it, warned):
    assert rules.next_failure_assigns_remedial(failed, passed, has_remedial, on_it) is warned


# Each branch -------------------------------------------------------------------------------


def test_an_overdue_course_comes_first_and_says_when_it_was_due():
    late = course("Lead to order", due_on=TODAY - timedelta(days=3), started=True, lessons_done=1)
    step = step_for(late)
    assert step.why == steps.OVERDUE and step.action == rules.RESUME
    assert step.headline == "Continue “Lead to order”"
    assert step.detail == "Overdue: it was due on October 2, 2026. 1 of 4 lessons done."
    assert step.button == "Continue: Why the CRM" and step.lesson == INTRO


def test_the_longest_overdue_goes_first():
    later = course("B", due_on=TODAY - timedelta(days=1))
    earlier = course("A", due_on=TODAY - timedelta(days=9))
    assert step_for(later, earlier).course == earlier


def test_an_overdue_refresher_still_says_why_it_was_assigned():
    step = step_for(refresher(due_on=TODAY - timedelta(days=1)))
    assert step.why == steps.OVERDUE
    assert "Overdue: it was due on October 4, 2026." in step.detail
    assert "did not reach the pass mark" in step.detail


def test_a_refresher_comes_with_its_reason_and_due_day():
    step = step_for(refresher(due_on=TODAY + timedelta(days=7)))
    assert step.why == steps.REFRESHER and step.action == rules.START
    assert step.headline == "Start “Refresher: leads”" and step.button == "Start the course"
    assert step.detail.startswith("Assigned after 2 attempts at the “Handle leads” quiz")
    assert "Due in 7 days (October 12, 2026)." in step.detail
    assert step.lesson == INTRO  # Start opens the first lesson


def test_a_refresher_without_a_reason_or_due_day():
    step = step_for(refresher(reason=None, due_on=None))
    assert step.detail == "A short refresher was added to your plan."


def test_a_course_due_soon_says_when():
    assert "Due today." in step_for(course(due_on=TODAY)).detail
    assert "Due tomorrow." in step_for(course(due_on=TODAY + timedelta(days=1))).detail
    soon = step_for(course(due_on=TODAY + timedelta(days=steps.DUE_SOON_DAYS)))
    assert soon.why == steps.DUE_SOON


def test_when_every_lesson_is_done_the_quiz_is_the_step():
    ready = course(started=True, lessons_done=4)
    step = step_for(ready)
    assert step.why == steps.REQUIRED and step.action == rules.TAKE_QUIZ
    assert step.headline == "Take the quiz of “Handle leads”" and step.button == "Take the quiz"
    assert "Every lesson is done: the quiz is all that is left." in step.detail
    assert step.lesson is None


def test_required_courses_quiz_ready_then_started_then_not_started():
    fresh = course("A", due_on=TODAY + timedelta(days=20))
    started = course("B", due_on=TODAY + timedelta(days=30), started=True, lessons_done=1)
    ready = course("C", due_on=TODAY + timedelta(days=40), started=True, lessons_done=4)
    assert step_for(fresh, started, ready).course == ready
    assert step_for(fresh, started).course == started
    assert step_for(fresh).course == fresh


def test_among_equals_the_soonest_due_then_the_plans_order():
    undated = course("A")
    dated = course("B", due_on=TODAY + timedelta(days=30))
    assert step_for(undated, dated).course == dated
    assert step_for(course("A"), course("B")).course.title == "A"


def test_a_required_course_not_due_soon_says_when_it_is_due():
    step = step_for(course(due_on=TODAY + timedelta(days=30)))
    assert step.detail == "Due November 4, 2026."
    assert step_for(course()).detail == "Required for your role."


def test_coaching_once_courses_are_done_names_the_manager_and_the_step():
    done = course(completed=True, started=True, lessons_done=4)
    step = step_for(done, skills=[skill("Handle leads", 4), skill("Create quotes", 1)])
    assert step.why == steps.COACHING and step.action == steps.SEE_COACHING
    assert step.headline == "Ask Mona Manager for coaching: step 2 (Assist) in Create quotes"
    assert "Create quotes: 1 of 4 coaching steps signed" in step.detail
    assert step.button == "See your coaching"


def test_coaching_without_a_manager_asks_your_manager():
    step = step_for(skills=[skill(signed=0)], manager=None)
    assert step.headline.startswith("Ask your manager for coaching: step 1 (Demonstrate)")


def test_before_the_practice_step_its_practice_tasks_come_first():
    task = steps.TaskRef("crm-handle-leads", "qualify-a-lead", "Qualify a lead")
    other = steps.TaskRef("crm-handle-leads", "convert-a-lead", "Convert a lead")
    at_practice = replace(skill("Handle leads", 2), practice_left=(task, other))
    step = step_for(skills=[at_practice])
    assert step.why == steps.PRACTICE and step.action == steps.OPEN_TASK and step.task == task
    assert step.headline == "Practise in the training CRM: “Qualify a lead”"
    assert step.detail == (
        "Handle leads: your manager signs step 3 (Practice) once its practice tasks are "
        "passed (2 to go)."
    )
    assert step.button == "Open the task"


def test_practice_left_does_not_come_before_the_earlier_steps():
    task = steps.TaskRef("crm-handle-leads", "qualify-a-lead", "Qualify a lead")
    at_assist = replace(skill("Handle leads", 1), practice_left=(task,))
    assert step_for(skills=[at_assist]).why == steps.COACHING
    passed = skill("Handle leads", 2)  # nothing left to pass: ask for the practice step
    assert step_for(skills=[passed]).headline.endswith("step 3 (Practice) in Handle leads")


def test_an_optional_course_started_comes_after_coaching():
    optional = course("Extra", required=False, started=True, lessons_done=2)
    assert step_for(optional, skills=[skill(signed=2)]).why == steps.COACHING
    step = step_for(optional, complete=True)
    assert step.why == steps.OPTIONAL and step.detail.startswith("You started this course.")


def test_all_done_when_onboarding_is_complete():
    done = course(completed=True, started=True, lessons_done=4)
    step = step_for(done, skills=[skill(signed=4)], complete=True)
    assert step.why == steps.ALL_DONE and step.action == steps.BROWSE
    assert step.headline == "All done: your onboarding is complete"


def test_nothing_now_when_nothing_is_assigned_or_the_gate_is_still_to_run():
    empty = step_for()
    assert empty.why == steps.NOTHING_NOW and empty.button is None
    assert "No training is assigned to you yet" in empty.detail
    waiting = step_for(course(completed=True))
    assert waiting.why == steps.NOTHING_NOW and "recorded as complete" in waiting.detail


# The order of priority, each step beating the next -----------------------------------------


def test_the_order_of_priority():
    overdue = course("Overdue", due_on=TODAY - timedelta(days=1))
    fix = refresher(due_on=TODAY + timedelta(days=7))
    soon = course("Soon", due_on=TODAY + timedelta(days=2))
    ready = course("Ready", due_on=TODAY + timedelta(days=30), started=True, lessons_done=4)
    optional = course("Extra", required=False, started=True, lessons_done=1)
    everything = [optional, ready, soon, fix, overdue]
    expected = [steps.OVERDUE, steps.REFRESHER, steps.DUE_SOON, steps.REQUIRED, steps.COACHING]
    for why in expected:
        step = step_for(*everything, skills=[skill(signed=3)])
        assert step.why == why
        everything = [c for c in everything if c is not step.course]
    assert step_for(*everything, complete=True).why == steps.OPTIONAL
    assert step_for(complete=True).why == steps.ALL_DONE


def test_optional_courses_not_started_never_make_the_step():
    step = step_for(course("Extra", required=False), complete=True)
    assert step.why == steps.ALL_DONE


# Progress in words ---------------------------------------------------------------------


def test_progress_in_words():
    assert (
        steps.progress_in_words(4, 10, 2, 6)
        == "4 of 10 courses done · coaching: 2 of 6 skills complete"
    )
    assert (
        steps.progress_in_words(0, 1, 0, 1)
        == "0 of 1 course done · coaching: 0 of 1 skill complete"
    )
    assert steps.progress_in_words(3, 3, 0, 0) == "3 of 3 courses done"
    assert steps.progress_in_words(0, 0, 0, 0) == "No courses assigned yet"
