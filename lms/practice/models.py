"""Practice tasks as content defines them, and each person's work on them."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.courses.models import Course, Skill
from lms.database import db
from lms.practice import rules


class PracticeTask(db.Model):
    """A hands-on task of a course (its `practice.yaml`), for one CRM skill, with the check
    run against the training CRM. Retired, not deleted, when content drops it: people's work
    on it stays."""

    __tablename__ = "practice_tasks"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    instructions_html: Mapped[str] = mapped_column(Text)  # rendered from Markdown, sanitised
    check_spec: Mapped[dict] = mapped_column(JSON)  # see `check`
    hints: Mapped[list] = mapped_column(JSON, default=list)  # plain text, shown in order
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    course: Mapped[Course] = relationship()
    skill: Mapped[Skill] = relationship()

    @property
    def check(self) -> rules.Check:
        return check_from_spec(self.check_spec)


def check_from_spec(spec: dict) -> rules.Check:
    """The check as stored (JSON) as the rules read it."""
    conditions = tuple(
        rules.Condition(
            field=c["field"],
            test=c["test"],
            value=tuple(c["value"]) if c["test"] == rules.ONE_OF else c.get("value"),
            says=c.get("says", ""),
        )
        for c in spec["conditions"]
    )
    return rules.Check(spec["object"], spec["action"], conditions, spec.get("then"))


def spec_of_check(check: rules.Check) -> dict:
    """The check as stored: plain JSON."""
    conditions = [
        {"field": c.field, "test": c.test, "value": _json(c.value), "says": c.says}
        for c in check.conditions
    ]
    return {
        "object": check.object,
        "action": check.action,
        "conditions": conditions,
        "then": check.then,
    }


def _json(value):
    return list(value) if isinstance(value, tuple) else value


class PracticeAttempt(db.Model):
    """One person's work on one task: when they opened it (the check counts what they did
    in the training CRM from then on), the checks they ran, and when one passed."""

    __tablename__ = "practice_attempts"
    __table_args__ = (UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("practice_tasks.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    checks: Mapped[int] = mapped_column(default=0)
    failed_checks: Mapped[int] = mapped_column(default=0)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_missing: Mapped[list] = mapped_column(JSON, default=list)  # in words, from the rules
    last_record: Mapped[str | None] = mapped_column(String(200))  # the record judged
    passed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The xAPI statement that records the pass.
    statement_id: Mapped[str] = mapped_column(
        String(36), unique=True, default=lambda: str(uuid.uuid4())
    )

    task: Mapped[PracticeTask] = relationship(lazy="joined")
    user: Mapped[User] = relationship()

    @property
    def hints_shown(self) -> bool:
        return self.passed_at is None and rules.hints_shown(self.failed_checks)
