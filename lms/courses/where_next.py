"""Where a learner goes next: the facts the next-step rule (next_step.py) decides from,
gathered from the plan in a fixed number of queries, however many courses there are."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.auth.models import User
from lms.coaching.history import SkillProgress, list_skill_progress
from lms.coaching.onboarding import get_onboarding_status
from lms.courses import next_step as steps
from lms.courses import rules
from lms.courses.models import Course, Enrollment, Lesson, LessonProgress
from lms.courses.plan import CourseLine, Plan, course_lines, lessons_for_role, list_enrollments
from lms.database import db
from lms.practice.services import PracticeLine, practice_lines


def resume_lessons(person: User, enrollments: list[Enrollment]) -> dict[int, steps.LessonRef]:
    """The lesson each unfinished enrolment picks up at (rules.resume_at), by enrolment id.
    Two queries: the lessons of those courses meant for the person, and what is done."""
    unfinished = [e for e in enrollments if e.completed_at is None]
    if not unfinished:
        return {}
    lessons: dict[int, list[tuple[int, steps.LessonRef]]] = defaultdict(list)
    for lesson_id, course_id, slug, title in db.session.execute(
        select(Lesson.id, Lesson.course_id, Lesson.slug, Lesson.title)
        .where(
            Lesson.course_id.in_([e.course_id for e in unfinished]),
            lessons_for_role(person.job_role),
        )
        .order_by(Lesson.course_id, Lesson.position)
    ):
        lessons[course_id].append((lesson_id, steps.LessonRef(slug, title)))
    done: dict[int, set[int]] = defaultdict(set)
    for enrollment_id, lesson_id in db.session.execute(
        select(LessonProgress.enrollment_id, LessonProgress.lesson_id).where(
            LessonProgress.enrollment_id.in_([e.id for e in unfinished])
        )
    ):
        done[enrollment_id].add(lesson_id)
    found = {}
    for enrollment in unfinished:
        refs = dict(lessons[enrollment.course_id])
        at = rules.resume_at(list(refs), done[enrollment.id], enrollment.last_lesson_id)
        if at is not None:
            found[enrollment.id] = refs[at]
    return found


def course_facts(line: CourseLine, resume: steps.LessonRef | None) -> steps.CourseFacts:
    enrollment = line.enrollment
    return steps.CourseFacts(
        slug=line.course.slug,
        title=line.course.title,
        required=enrollment.required,
        is_refresher=enrollment.source == "remedial",
        reason=enrollment.reason,
        due_on=enrollment.due_on,
        started=enrollment.started_at is not None,
        completed=enrollment.completed_at is not None,
        lessons_done=line.lessons_done,
        lessons_total=line.lessons_total,
        resume_lesson=resume,
        has_quiz=line.has_quiz,
    )


def skill_facts(line: SkillProgress, practice: list[PracticeLine]) -> steps.SkillFacts:
    left = tuple(
        steps.TaskRef(p.task.course.slug, p.task.slug, p.task.title)
        for p in practice
        if p.task.skill_id == line.skill.id and not p.passed
    )
    return steps.SkillFacts(line.skill.title, line.reached, line.next_label, left)


def situation_of(
    person: User,
    lines: list[CourseLine],
    coaching: list[SkillProgress],
    practice: list[PracticeLine],
    onboarding_complete: bool,
    today: date,
) -> steps.Situation:
    resume = resume_lessons(person, [line.enrollment for line in lines])
    return steps.Situation(
        courses=tuple(course_facts(line, resume.get(line.enrollment.id)) for line in lines),
        skills=tuple(skill_facts(line, practice) for line in coaching),
        onboarding_complete=onboarding_complete,
        manager_name=person.manager.name if person.manager else None,
        today=today,
    )


def plan_next_step(plan: Plan, today: date) -> steps.NextStep:
    """The card at the top of My plan (next_step.choose_next_step), from the plan's lines."""
    lines = plan.required + plan.remedial + plan.optional
    lines.sort(
        key=lambda line: (line.enrollment.due_on is None, line.enrollment.due_on or date.max)
    )
    situation = situation_of(
        plan.person, lines, plan.coaching, plan.practice, plan.onboarding.is_complete, today
    )
    return steps.choose_next_step(situation)


def plan_progress_words(plan: Plan) -> str:
    """The plan's progress in a sentence (next_step.progress_in_words): required courses
    and refreshers done, and required skills coached through all four steps."""
    obligations = plan.required + plan.remedial
    return steps.progress_in_words(
        sum(1 for line in obligations if line.status == rules.DONE),
        len(obligations),
        sum(1 for line in plan.coaching if line.next_label is None),
        len(plan.coaching),
    )


def next_step_for(person: User, today: date) -> steps.NextStep:
    """The next step from anywhere but My plan (after a quiz, say): the same rule, from
    the person's enrolments, coaching and onboarding."""
    enrollments = list_enrollments(person)
    situation = situation_of(
        person,
        course_lines(person, enrollments, today),
        list_skill_progress(person),
        practice_lines(person, [e.course_id for e in enrollments]),
        get_onboarding_status(person).is_complete,
        today,
    )
    return steps.choose_next_step(situation)


def next_course_after(person: User, course: Course, today: date) -> steps.NextStep | None:
    """The next step, when it is another course: where a passed quiz leads. None: back to
    My plan (coaching, all done, or more of this course)."""
    following = next_step_for(person, today)
    if following.course is None or following.course.slug == course.slug:
        return None
    return following


@dataclass(frozen=True)
class PlanGroups:
    """My plan's detailed list: what is still to do, by kind, and what is done."""

    required: list[CourseLine]
    refreshers: list[CourseLine]
    optional: list[CourseLine]
    done: list[CourseLine]

    @property
    def to_do_count(self) -> int:
        return len(self.required) + len(self.refreshers) + len(self.optional)


def plan_groups(plan: Plan) -> PlanGroups:
    """Courses still to do (required, refreshers, others, each in the plan's order: soonest
    due first) and courses done, whatever their kind."""

    def to_do(lines: list[CourseLine]) -> list[CourseLine]:
        return [line for line in lines if line.status != rules.DONE]

    everything = plan.required + plan.remedial + plan.optional
    return PlanGroups(
        to_do(plan.required),
        to_do(plan.remedial),
        to_do(plan.optional),
        [line for line in everything if line.status == rules.DONE],
    )
