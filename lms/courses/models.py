"""Courses as loaded from `content/`, and each person's progress through them."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import JobRole, User
from lms.clock import utcnow
from lms.courses.rules import KINDS
from lms.database import db


class Setting(db.Model):
    """A named value loaded from content or set by an admin (e.g. the go-live date)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class Skill(db.Model):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    crm_objects: Mapped[list] = mapped_column(JSON, default=list)  # lead, contact, ...
    # Proficient from one's own CRM use: this many records of crm_objects created or last
    # changed in the live CRM within this many days (content/skills.yaml); None: courses only.
    proficient_records: Mapped[int | None]
    proficient_days: Mapped[int | None]


course_job_roles = db.Table(
    "course_job_roles",
    db.Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    db.Column("job_role_id", ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True),
)

course_skills = db.Table(
    "course_skills",
    db.Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    db.Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(sorted(KINDS))!r}", name="known_kind"),
        CheckConstraint("pass_mark > 0 AND pass_mark <= 1", name="pass_mark_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int]
    for_all_roles: Mapped[bool] = mapped_column(default=False)
    pass_mark: Mapped[float] = mapped_column(Float)
    quiz_draw: Mapped[int | None]  # questions drawn from the pool per attempt; None: all
    remedial_course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    synced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    remedial_course: Mapped["Course | None"] = relationship(remote_side=[id])
    job_roles: Mapped[list[JobRole]] = relationship(secondary=course_job_roles)
    skills: Mapped[list[Skill]] = relationship(secondary=course_skills)
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list["QuizQuestion"]] = relationship(
        back_populates="course", order_by="QuizQuestion.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


lesson_job_roles = db.Table(
    "lesson_job_roles",
    db.Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    db.Column("job_role_id", ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True),
)


class Lesson(db.Model):
    """One short lesson. A lesson removed from content is retired, not deleted, so the
    progress people made on it stays in their history."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    body_html: Mapped[str] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship(back_populates="lessons")
    job_roles: Mapped[list[JobRole]] = relationship(secondary=lesson_job_roles, lazy="selectin")


class QuizQuestion(db.Model):
    __tablename__ = "quiz_questions"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("type IN ('single', 'multiple')", name="known_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(Text)
    fixed_order: Mapped[bool] = mapped_column(default=False)  # choices never shuffled
    # The lesson that covers it, which a wrong answer points to; None: content names none.
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship(back_populates="questions")
    lesson: Mapped[Lesson | None] = relationship()
    choices: Mapped[list["QuizChoice"]] = relationship(
        back_populates="question",
        order_by="QuizChoice.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class QuizChoice(db.Model):
    __tablename__ = "quiz_choices"
    __table_args__ = (UniqueConstraint("question_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_questions.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool]
    explanation: Mapped[str] = mapped_column(Text)

    question: Mapped[QuizQuestion] = relationship(back_populates="choices")


class CurriculumItem(db.Model):
    """A course a job role requires, due `due_days` after the person's hire date."""

    __tablename__ = "curriculum_items"
    __table_args__ = (UniqueConstraint("job_role_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int]
    due_days: Mapped[int]

    job_role: Mapped[JobRole] = relationship()
    course: Mapped[Course] = relationship()


class CurriculumSkill(db.Model):
    """A CRM skill people in a job role must be coached in."""

    __tablename__ = "curriculum_skills"

    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]

    skill: Mapped[Skill] = relationship()


class Communication(db.Model):
    """A message people in a job role receive, dated from their hire date or the go-live."""

    __tablename__ = "communications"
    __table_args__ = (
        UniqueConstraint("job_role_id", "key"),
        CheckConstraint("anchor IN ('hire_date', 'go_live')", name="known_anchor"),
        CheckConstraint("channel IN ('email', 'in_app')", name="known_channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    anchor: Mapped[str] = mapped_column(String(20))
    offset_days: Mapped[int]
    channel: Mapped[str] = mapped_column(String(10))


class JobRoleSettings(db.Model):
    """Per-role settings from the curriculum file."""

    __tablename__ = "job_role_settings"

    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_roles.id", ondelete="CASCADE"), primary_key=True
    )
    coaching_target_days: Mapped[int]


class Enrollment(db.Model):
    """A person's place on a course. One per person and course, however often it is assigned."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint(
            "source IN ('curriculum', 'admin', 'remedial', 'self')", name="known_source"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    required: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str | None] = mapped_column(Text)
    registration: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    due_on: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lessons.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship(lazy="joined")
    lesson_progress: Mapped[list["LessonProgress"]] = relationship(
        back_populates="enrollment", cascade="all, delete-orphan"
    )
    attempts: Mapped[list["QuizAttempt"]] = relationship(
        back_populates="enrollment", order_by="QuizAttempt.number", cascade="all, delete-orphan"
    )


class LessonProgress(db.Model):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime] = mapped_column(DateTime)

    enrollment: Mapped[Enrollment] = relationship(back_populates="lesson_progress")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("enrollment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    answers: Mapped[dict] = mapped_column(JSON)  # question key -> sorted list of choice keys
    score: Mapped[float] = mapped_column(Float)  # share of questions answered right, 0..1
    passed: Mapped[bool]
    # When the quiz was opened for this attempt, and what it showed (rules.lay_out_sitting);
    # None for attempts made before sittings were recorded.
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    shown: Mapped[list | None] = mapped_column(JSON)
    # Indexed: HR's incentive pages read a period's passes (too fast to have been read?).
    submitted_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    enrollment: Mapped[Enrollment] = relationship(back_populates="attempts")

    def as_shown(self) -> list[tuple]:
        """(question, its choices in the order shown) for each question answered, in the
        order the attempt showed them — the file's order for attempts made before sittings
        were recorded."""
        questions = self.enrollment.course.questions
        if self.shown is None:
            return [(q, list(q.choices)) for q in questions if q.key in self.answers]
        return [(q, c) for q, c in laid_out(self.shown, questions) if q.key in self.answers]


def laid_out(shown: list[dict], questions: list[QuizQuestion]) -> list[tuple]:
    """(question, its choices in the order shown) for each question a sitting or an attempt
    showed, in that order; questions content has since dropped are left out."""
    by_key = {question.key: question for question in questions}
    found = []
    for item in shown:
        question = by_key.get(item["question"])
        if question is not None:
            choices = {choice.key: choice for choice in question.choices}
            found.append((question, [choices[k] for k in item["choices"] if k in choices]))
    return found


class QuizSitting(db.Model):
    """The quiz as it was laid out for the learner's next attempt (the questions drawn and
    their choices' order), from the moment they opened it until they submit: a reload shows
    the same; submitting moves it onto the attempt."""

    __tablename__ = "quiz_sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    started_at: Mapped[datetime] = mapped_column(DateTime)
    shown: Mapped[list] = mapped_column(JSON)  # rules.lay_out_sitting

    enrollment: Mapped[Enrollment] = relationship()
