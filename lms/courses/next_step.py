"""The next step at the top of My plan: the one thing a learner should do now, and their
progress in plain words. Plain values in, answers out; no database (plan.py gathers the
facts, views.py turns the step into a link). The words are in the reader's language
(Flask-Babel; English outside a request)."""

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale, gettext, ngettext

from lms.coaching.rules import PRACTICE_STEP
from lms.courses import rules

DUE_SOON_DAYS = 7  # a course due within a week comes before others

# Why this step comes first.
OVERDUE, REFRESHER, DUE_SOON, REQUIRED, COACHING, OPTIONAL = (
    "overdue",
    "refresher",
    "due soon",
    "required",
    "coaching",
    "optional",
)
ALL_DONE, NOTHING_NOW = "all done", "nothing now"
PRACTICE = "practice"  # a practice task before the coaching step that needs it
# What the button does beyond the course actions of rules.course_action.
SEE_COACHING, OPEN_TASK, BROWSE = "coaching", "task", "browse"


@dataclass(frozen=True)
class LessonRef:
    slug: str
    title: str


@dataclass(frozen=True)
class CourseFacts:
    """One live enrolment as the rule needs it, in the plan's order."""

    slug: str
    title: str
    required: bool
    is_refresher: bool
    reason: str | None  # why a refresher was assigned
    due_on: date | None
    started: bool
    completed: bool
    lessons_done: int
    lessons_total: int
    resume_lesson: LessonRef | None  # where the learner picks up (rules.resume_at)
    has_quiz: bool = True  # False: a package course, whose parts are all there is

    @property
    def is_obligation(self) -> bool:
        """Required courses and every refresher are due; other courses are optional."""
        return self.required or self.is_refresher

    @property
    def lessons_left(self) -> int:
        return max(0, self.lessons_total - self.lessons_done)


@dataclass(frozen=True)
class TaskRef:
    """A practice task in the training CRM."""

    course_slug: str
    slug: str
    title: str


@dataclass(frozen=True)
class SkillFacts:
    """A skill the learner's role requires, and how far coaching in it has come."""

    title: str
    steps_signed: int  # 0 to 4
    next_step_label: str | None  # "step 2 (Assist)"; None once all four are signed
    practice_left: tuple[TaskRef, ...] = ()  # its practice tasks not passed yet


@dataclass(frozen=True)
class Situation:
    courses: tuple[CourseFacts, ...]
    skills: tuple[SkillFacts, ...]
    onboarding_complete: bool
    manager_name: str | None
    today: date


@dataclass(frozen=True)
class NextStep:
    why: str  # OVERDUE, REFRESHER, ..., ALL_DONE, NOTHING_NOW
    action: str | None  # rules.START / RESUME / TAKE_QUIZ, SEE_COACHING, BROWSE; None: no button
    headline: str
    detail: str
    button: str | None
    course: CourseFacts | None = None
    lesson: LessonRef | None = None  # the lesson to open, for RESUME and START
    skill: SkillFacts | None = None
    task: TaskRef | None = None  # the practice task to open, for OPEN_TASK


def choose_next_step(situation: Situation) -> NextStep:
    """The one thing to do now, first that applies:

    1. an overdue course (required or refresher), the one longest overdue;
    2. a refresher not yet done, soonest due, with the reason it was assigned;
    3. a required course due within DUE_SOON_DAYS, soonest due;
    4. any other required course: one whose quiz is all that is left, then one started,
       then one not started (soonest due within each, undated last, then the plan's order);
    5. once every required course and refresher is done, coaching: the first required skill
       not signed off at step four, and the step to ask the manager for — or, when that is
       the practice step and the skill has practice tasks not passed, the first of them
       (the manager signs the practice step only once they are passed);
    6. an optional course started and not finished;
    7. all done, when the onboarding gate has recorded onboarding complete;
    8. otherwise nothing to do now (nothing assigned yet, or the gate still to run).

    For a course the button is its course action (rules.course_action): take the quiz when
    every lesson is done, continue at the lesson to resume when started, else start it."""
    todo = [c for c in situation.courses if c.is_obligation and not c.completed]
    today = situation.today
    overdue = [c for c in todo if c.due_on is not None and c.due_on < today]
    if overdue:
        return _course_step(OVERDUE, _soonest_due(overdue), today)
    refreshers = [c for c in todo if c.is_refresher]
    if refreshers:
        return _course_step(REFRESHER, _soonest_due(refreshers), today)
    due_soon = [
        c for c in todo if c.due_on is not None and _days_to(c.due_on, today) <= DUE_SOON_DAYS
    ]
    if due_soon:
        return _course_step(DUE_SOON, _soonest_due(due_soon), today)
    if todo:
        return _course_step(REQUIRED, min(todo, key=_readiness(todo)), today)
    skill = next((s for s in situation.skills if s.next_step_label), None)
    if skill is not None and skill.steps_signed + 1 == PRACTICE_STEP and skill.practice_left:
        return _practice_step(skill)
    if skill is not None:
        return _coaching_step(skill, situation.manager_name)
    started = [c for c in situation.courses if c.started and not c.completed]
    if started:
        return _course_step(OPTIONAL, started[0], today)
    if situation.onboarding_complete:
        return NextStep(
            ALL_DONE,
            BROWSE,
            gettext("All done: your onboarding is complete"),
            gettext(
                "Every required course is done and every coaching step signed off. "
                "The catalogue has more courses whenever you want them."
            ),
            gettext("Browse the catalogue"),
        )
    nothing = gettext("Nothing to do right now")
    return NextStep(NOTHING_NOW, None, nothing, _why_nothing(situation), None)


def _why_nothing(situation: Situation) -> str:
    if not situation.courses and not situation.skills:
        return gettext("No training is assigned to you yet: your manager or HR will add it.")
    return gettext(
        "Your courses and coaching are done; onboarding is recorded as complete shortly."
    )


def _days_to(due_on: date, today: date) -> int:
    return (due_on - today).days


def _soonest_due(courses: list[CourseFacts]) -> CourseFacts:
    """The course due first (undated last); ties keep the plan's order."""
    return min(courses, key=lambda c: (c.due_on is None, c.due_on or date.max))


def _readiness(courses: list[CourseFacts]):
    """Quiz all that is left, then started, then not started; soonest due within each."""
    order = {id(course): n for n, course in enumerate(courses)}

    def key(course: CourseFacts):
        quiz_left = course.has_quiz and course.lessons_left == 0
        stage = 0 if quiz_left else (1 if course.started else 2)
        return (stage, course.due_on is None, course.due_on or date.max, order[id(course)])

    return key


def _course_step(why: str, course: CourseFacts, today: date) -> NextStep:
    # A package course has no quiz: with parts left it is started or not, never "quiz".
    left = course.lessons_left if course.has_quiz else max(1, course.lessons_left)
    action = rules.course_action(course.started, course.completed, left)
    lesson = course.resume_lesson if action in (rules.RESUME, rules.START) else None
    headline = {
        rules.TAKE_QUIZ: gettext("Take the quiz of “%(title)s”", title=course.title),
        rules.RESUME: gettext("Continue “%(title)s”", title=course.title),
        rules.START: gettext("Start “%(title)s”", title=course.title),
    }[action]
    button = {
        rules.TAKE_QUIZ: gettext("Take the quiz"),
        rules.RESUME: gettext("Continue: %(title)s", title=lesson.title)
        if lesson
        else gettext("Continue"),
        rules.START: gettext("Start the course"),
    }[action]
    detail = " ".join(
        part for part in (_why_words(why, course, today), _done_words(course)) if part
    )
    return NextStep(why, action, headline, detail, button, course=course, lesson=lesson)


def _why_words(why: str, course: CourseFacts, today: date) -> str:
    if why == OVERDUE:
        overdue = gettext("Overdue: it was due on %(day)s.", day=in_words(course.due_on))
        return f"{overdue} {course.reason}" if course.is_refresher and course.reason else overdue
    if why == REFRESHER:
        reason = course.reason or gettext("A short refresher was added to your plan.")
        return f"{reason} {_due_in_words(course.due_on, today)}" if course.due_on else reason
    if why == DUE_SOON:
        return _due_in_words(course.due_on, today)
    if why == OPTIONAL:
        return gettext("You started this course.")
    if course.due_on:
        return gettext("Due %(day)s.", day=in_words(course.due_on))
    return gettext("Required for your role.")


def _done_words(course: CourseFacts) -> str:
    if course.has_quiz and course.lessons_total and course.lessons_left == 0:
        return gettext("Every lesson is done: the quiz is all that is left.")
    if course.started and not course.has_quiz:
        return ngettext(
            "%(done)s of %(num)d part done.",
            "%(done)s of %(num)d parts done.",
            course.lessons_total,
            done=course.lessons_done,
        )
    if course.started:
        return ngettext(
            "%(done)s of %(num)d lesson done.",
            "%(done)s of %(num)d lessons done.",
            course.lessons_total,
            done=course.lessons_done,
        )
    return ""


def _coaching_step(skill: SkillFacts, manager_name: str | None) -> NextStep:
    who = manager_name or gettext("your manager")
    return NextStep(
        COACHING,
        SEE_COACHING,
        gettext(
            "Ask %(who)s for coaching: %(step)s in %(skill)s",
            who=who,
            step=skill.next_step_label,
            skill=skill.title,
        ),
        gettext(
            "Your courses are done. %(skill)s: %(signed)s of 4 coaching steps signed; your "
            "manager (or a coach they name) signs each step with you.",
            skill=skill.title,
            signed=skill.steps_signed,
        ),
        gettext("See your coaching"),
        skill=skill,
    )


def _practice_step(skill: SkillFacts) -> NextStep:
    task, left = skill.practice_left[0], len(skill.practice_left)
    return NextStep(
        PRACTICE,
        OPEN_TASK,
        gettext("Practise in the training CRM: “%(title)s”", title=task.title),
        ngettext(
            "%(skill)s: your manager signs %(step)s once its practice task is passed "
            "(%(num)d to go).",
            "%(skill)s: your manager signs %(step)s once its practice tasks are passed "
            "(%(num)d to go).",
            left,
            skill=skill.title,
            step=skill.next_step_label,
        ),
        gettext("Open the task"),
        skill=skill,
        task=task,
    )


def in_words(day: date) -> str:
    """A date as people write it, in the person's language: October 5, 2026."""
    return format_date(day, "long", locale=get_locale() or "en")


def _due_in_words(due_on: date, today: date) -> str:
    days = _days_to(due_on, today)
    if days == 0:
        return gettext("Due today.")
    if days == 1:
        return gettext("Due tomorrow.")
    return gettext("Due in %(num)d days (%(day)s).", num=days, day=in_words(due_on))


def progress_in_words(
    courses_done: int, courses_total: int, skills_done: int, skills_total: int
) -> str:
    """Progress as a sentence: "4 of 10 courses done · coaching: 2 of 6 skills complete".
    Courses are the required ones and refreshers; coaching is left out for a role that
    requires no skill."""
    courses = (
        ngettext(
            "%(done)s of %(num)d course done",
            "%(done)s of %(num)d courses done",
            courses_total,
            done=courses_done,
        )
        if courses_total
        else gettext("No courses assigned yet")
    )
    if not skills_total:
        return courses
    coaching = ngettext(
        "coaching: %(done)s of %(num)d skill complete",
        "coaching: %(done)s of %(num)d skills complete",
        skills_total,
        done=skills_done,
    )
    return f"{courses} · {coaching}"
