"""What the learner's plan, the catalogue and the manager's team page show.

Each page is a fixed number of queries however many courses or reports there are: counts are
grouped in the database, never fetched one course or one person at a time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select

from lms.auth.models import JobRole, User
from lms.coaching.history import SkillProgress, list_skill_progress
from lms.coaching.onboarding import OnboardingStatus, get_onboarding_status
from lms.courses import rules
from lms.courses.models import (
    Communication,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    course_job_roles,
    lesson_job_roles,
)
from lms.courses.packages import parts
from lms.courses.rollout import get_go_live
from lms.database import db
from lms.practice.services import PracticeLine, practice_lines


@dataclass(frozen=True)
class CourseLine:
    enrollment: Enrollment
    course: Course
    kind_label: str
    status: str
    lessons_done: int
    lessons_total: int
    progress_pct: int
    has_quiz: bool = True  # False: a package course, counted in parts


@dataclass(frozen=True)
class PlannedMessage:
    on: date | None
    title: str
    summary: str
    channel: str
    is_past: bool


@dataclass(frozen=True)
class Plan:
    person: User
    required: list[CourseLine]
    optional: list[CourseLine]
    remedial: list[CourseLine]
    messages: list[PlannedMessage]
    onboarding_pct: int
    overdue_count: int
    go_live: date | None
    champions: list[User]
    coaching: list[SkillProgress]  # each required skill: the step reached, the notes
    onboarding: OnboardingStatus  # complete (since when), or exactly what is missing
    practice: list[PracticeLine]  # the practice tasks of their courses, passed or not


def lessons_for_role(role: JobRole):
    """A select condition: lessons that are current and meant for this job role."""
    tailored = exists().where(lesson_job_roles.c.lesson_id == Lesson.id)
    for_role = exists().where(
        and_(lesson_job_roles.c.lesson_id == Lesson.id, lesson_job_roles.c.job_role_id == role.id)
    )
    return and_(Lesson.retired_at.is_(None), or_(~tailored, for_role))


def _lesson_totals(role: JobRole, course_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(Lesson.course_id, func.count(Lesson.id))
        .where(Lesson.course_id.in_(course_ids), lessons_for_role(role))
        .group_by(Lesson.course_id)
    )
    return dict(rows.all())


def _lessons_done(role: JobRole, enrollment_ids) -> dict[int, int]:
    rows = db.session.execute(
        select(LessonProgress.enrollment_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrollment_id.in_(enrollment_ids), lessons_for_role(role))
        .group_by(LessonProgress.enrollment_id)
    )
    return dict(rows.all())


def list_enrollments(person: User) -> list[Enrollment]:
    """A person's live enrolments, soonest due first (undated last)."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.user_id == person.id, Enrollment.withdrawn_at.is_(None))
            .order_by(Enrollment.due_on.is_(None), Enrollment.due_on, Enrollment.id)
        )
    )


def course_lines(person: User, enrollments: list[Enrollment], today: date) -> list[CourseLine]:
    """Each enrolment's line: its status, and its lessons (a package course's parts, which
    have no quiz after them) done of all."""
    course_ids, enrollment_ids = [e.course_id for e in enrollments], [e.id for e in enrollments]
    part_totals = parts.part_totals(course_ids)  # its keys: the package courses
    totals = _lesson_totals(person.job_role, course_ids) | part_totals
    done = _lessons_done(person.job_role, enrollment_ids) | parts.parts_done(enrollment_ids)
    lines = []
    for enrollment in enrollments:
        total, finished = totals.get(enrollment.course_id, 0), done.get(enrollment.id, 0)
        status = rules.enrollment_status(
            enrollment.started_at is not None,
            enrollment.completed_at is not None,
            enrollment.due_on,
            today,
        )
        quiz = 0 if enrollment.course_id in part_totals else 1  # a quiz counts as a step
        pct = 100 if enrollment.completed_at else rules.percent(finished, total + quiz)
        lines.append(
            CourseLine(
                enrollment,
                enrollment.course,
                rules.KIND_LABELS[enrollment.course.kind],
                status,
                finished,
                total,
                pct,
                has_quiz=enrollment.course_id not in part_totals,
            )
        )
    return lines


def planned_messages(person: User, go_live: date | None, today: date) -> list[PlannedMessage]:
    """The communications a person's role receives, dated and in date order."""
    messages = []
    for message in db.session.scalars(
        select(Communication)
        .where(Communication.job_role_id == person.job_role_id)
        .order_by(Communication.position)
    ):
        on = rules.communication_date(
            person.hire_date, go_live, message.anchor, message.offset_days
        )
        messages.append(
            PlannedMessage(
                on, message.title, message.summary, message.channel, on is not None and on < today
            )
        )
    return sorted(messages, key=lambda m: (m.on is None, m.on or date.max))


def get_plan(person: User, today: date) -> Plan:
    """The person's communication and training profile."""
    enrollments = list_enrollments(person)
    lines = course_lines(person, enrollments, today)
    required = [
        line for line in lines if line.enrollment.required and line.enrollment.source != "remedial"
    ]
    remedial = [line for line in lines if line.enrollment.source == "remedial"]
    optional = [line for line in lines if line not in required and line not in remedial]
    counted = required + [line for line in remedial if line.enrollment.required]
    # Every refresher is due, whether or not it counts towards onboarding.
    obligations = required + remedial
    done = sum(1 for line in counted if line.status == rules.DONE)
    go_live = get_go_live()
    return Plan(
        person=person,
        required=required,
        optional=optional,
        remedial=remedial,
        messages=planned_messages(person, go_live, today),
        onboarding_pct=rules.percent(done, len(counted)),
        overdue_count=sum(1 for line in obligations if line.status == rules.OVERDUE),
        go_live=go_live,
        champions=[c for c in person.division.champions if c.active] if person.division else [],
        coaching=list_skill_progress(person),
        onboarding=get_onboarding_status(person),
        practice=practice_lines(person, [e.course_id for e in enrollments]),
    )


# The catalogue --------------------------------------------------------------------------------


def list_catalogue(person: User, kind: str | None) -> list[tuple[Course, Enrollment | None]]:
    """Courses open to the person's job role, each with their enrolment if they have one."""
    for_role = exists().where(
        and_(
            course_job_roles.c.course_id == Course.id,
            course_job_roles.c.job_role_id == person.job_role_id,
        )
    )
    stmt = (
        select(Course, Enrollment)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.course_id == Course.id,
                Enrollment.user_id == person.id,
                Enrollment.withdrawn_at.is_(None),
            ),
        )
        .where(Course.retired_at.is_(None), or_(Course.for_all_roles.is_(True), for_role))
        .order_by(Course.kind, Course.title)
    )
    if kind:
        stmt = stmt.where(Course.kind == kind)
    return [(course, enrollment) for course, enrollment in db.session.execute(stmt).all()]


# The manager's team page ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    person: User
    depth: int
    required_done: int
    required_total: int
    progress_pct: int
    overdue: list[Course]
    remedial: list[Enrollment]


def team_lines(tree: list[tuple[User, int]], today: date) -> list[ReportLine]:
    """One line per report: required courses done, what is overdue, remedial training.
    Three queries however many reports: counts are grouped in the database."""
    ids = [person.id for person, _ in tree]
    counts: dict[int, tuple[int, int]] = {}
    overdue: dict[int, list[Course]] = defaultdict(list)
    remedial: dict[int, list[Enrollment]] = defaultdict(list)
    for chunk in (ids[start : start + 500] for start in range(0, len(ids), 500)):
        live = and_(Enrollment.user_id.in_(chunk), Enrollment.withdrawn_at.is_(None))
        counts.update(
            (user_id, (total, done or 0))
            for user_id, total, done in db.session.execute(
                select(
                    Enrollment.user_id,
                    func.count(Enrollment.id),
                    func.sum(case((Enrollment.completed_at.is_not(None), 1), else_=0)),
                )
                .where(live, Enrollment.required.is_(True))
                .group_by(Enrollment.user_id)
            )
        )
        for user_id, course in db.session.execute(
            select(Enrollment.user_id, Course)
            .join(Course, Course.id == Enrollment.course_id)
            .where(
                live,
                # a refresher is due even when it does not count towards onboarding
                or_(Enrollment.required.is_(True), Enrollment.source == "remedial"),
                Enrollment.completed_at.is_(None),
                Enrollment.due_on < today,
            )
            .order_by(Enrollment.due_on)
        ):
            overdue[user_id].append(course)
        for enrollment in db.session.scalars(
            select(Enrollment).where(live, Enrollment.source == "remedial")
        ):
            remedial[enrollment.user_id].append(enrollment)
    lines = []
    for person, depth in tree:
        total, done = counts.get(person.id, (0, 0))
        lines.append(
            ReportLine(
                person,
                depth,
                done,
                total,
                rules.percent(done, total),
                overdue[person.id],
                remedial[person.id],
            )
        )
    return lines
