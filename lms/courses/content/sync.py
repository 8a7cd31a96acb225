"""`sync_content`: load content/ into the database, all or nothing. Never commits: the
caller does.

Rows are matched by slug or key, so ids stay stable and everything that refers to them
(enrolments, progress, quiz attempts) survives a sync. A second sync of unchanged content
changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from lms import events
from lms.auth.models import JobRole
from lms.courses.content.bundle import CurriculumSpec, JobRoleSpec, Rollout, SkillSpec
from lms.courses.content.reading import ContentProblem, read_content
from lms.courses.content.sync_changes import Changes, SyncReport, delete_unwanted, upsert
from lms.courses.content.sync_courses import sync_courses, uploaded_package
from lms.courses.curricula import assign_all_curricula
from lms.courses.models import (
    Communication,
    Course,
    CurriculumItem,
    CurriculumSkill,
    JobRoleSettings,
    Setting,
    Skill,
)
from lms.database import db
from lms.errors import DomainError
from lms.gamification.boards.contests import sync_example_contests

__all__ = ["ContentInvalid", "SyncReport", "sync_content"]


class ContentInvalid(DomainError):
    """Content has problems, so nothing was written; `problems` lists each one."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__(f"{len(problems)} problem(s) in content; nothing was loaded")
        self.problems = problems


def sync_content(path: Path, *, now: datetime) -> SyncReport:
    """Validate all of content/ first and write nothing if anything is wrong; then upsert
    job roles, skills, courses (with lessons, quizzes and practice tasks), curricula and the
    rollout settings, give existing people the courses their curriculum now requires, and
    publish ContentSynced (whose consequences, such as onboarding reopening, are in `react`)."""
    content, problems = read_content(path)
    if problems:
        raise ContentInvalid(problems)
    report = SyncReport()
    roles = _sync_job_roles(content.job_roles, report)
    skills = _sync_skills(content.skills, report)
    courses = sync_courses(content.courses, roles, skills, report, now)
    db.session.flush()  # curriculum rows refer to new roles, skills and courses by id
    _sync_curricula(content.curricula, roles, skills, courses, report)
    _sync_settings(content.rollout, report)
    # Example contests are created once; afterwards they are HR's to edit.
    sync_example_contests(content.gamification.contests, now=now)
    db.session.flush()
    assign_all_curricula(now=now)
    db.session.flush()
    events.publish(events.ContentSynced(now=now))  # required courses or skills may have changed
    return report


def _sync_job_roles(specs: tuple[JobRoleSpec, ...], report: SyncReport) -> dict[str, JobRole]:
    """Job roles by slug. One that leaves content is kept: people may still hold it."""
    roles = {role.slug: role for role in db.session.scalars(select(JobRole))}
    for spec in specs:
        values = {"title": spec.title, "description": spec.description}
        upsert(roles, spec.slug, _maker(JobRole, slug=spec.slug), values, report["job roles"])
    return roles


def _sync_skills(specs: tuple[SkillSpec, ...], report: SyncReport) -> dict[str, Skill]:
    """Skills by slug. One that leaves content is kept: coaching records refer to it."""
    skills = {skill.slug: skill for skill in db.session.scalars(select(Skill))}
    for spec in specs:
        values = {
            "title": spec.title,
            "description": spec.description,
            "crm_objects": list(spec.crm_objects),
            "proficient_records": spec.proficient_records,
            "proficient_days": spec.proficient_days,
        }
        upsert(skills, spec.slug, _maker(Skill, slug=spec.slug), values, report["skills"])
    return skills


@dataclass
class _Table:
    """The rows of one curriculum table by identity, and the identities content still has."""

    rows: dict
    changes: Changes
    wanted: set = field(default_factory=set)

    def put(self, key: tuple, make, values: dict) -> None:
        upsert(self.rows, key, make, values, self.changes)
        self.wanted.add(key)

    def delete_the_rest(self) -> None:
        delete_unwanted(self.rows, self.wanted, self.changes)


def _sync_curricula(
    specs: tuple[CurriculumSpec, ...],
    roles: dict[str, JobRole],
    skills: dict[str, Skill],
    courses: dict[str, Course],
    report: SyncReport,
) -> None:
    """Each role's coaching target, courses, coaching skills and communications become
    exactly what its file says; a role without a file has none."""
    targets = _Table(_rows_by(JobRoleSettings, "job_role_id"), report["coaching targets"])
    # Uploaded package courses are placed in curricula on their upload page, not here.
    uploaded = {course.id for course in courses.values() if uploaded_package(course)}
    content_items = {
        key: item
        for key, item in _rows_by(CurriculumItem, "job_role_id", "course_id").items()
        if item.course_id not in uploaded
    }
    items = _Table(content_items, report["curriculum courses"])
    coached = _Table(
        _rows_by(CurriculumSkill, "job_role_id", "skill_id"), report["curriculum skills"]
    )
    messages = _Table(_rows_by(Communication, "job_role_id", "key"), report["communications"])
    for spec in specs:
        role_id = roles[spec.job_role].id
        targets.put(
            (role_id,),
            _maker(JobRoleSettings, job_role_id=role_id),
            {"coaching_target_days": spec.coaching_target_days},
        )
        _put_items(items, role_id, spec, courses)
        _put_skills(coached, role_id, spec, skills)
        _put_communications(messages, role_id, spec)
    for table in (targets, items, coached, messages):
        table.delete_the_rest()


def _put_items(table: _Table, role_id: int, spec: CurriculumSpec, courses) -> None:
    for position, item in enumerate(spec.courses, start=1):
        course_id = courses[item.course].id
        make = _maker(CurriculumItem, job_role_id=role_id, course_id=course_id)
        table.put((role_id, course_id), make, {"position": position, "due_days": item.due_days})


def _put_skills(table: _Table, role_id: int, spec: CurriculumSpec, skills) -> None:
    for position, slug in enumerate(spec.skills, start=1):
        skill_id = skills[slug].id
        make = _maker(CurriculumSkill, job_role_id=role_id, skill_id=skill_id)
        table.put((role_id, skill_id), make, {"position": position})


def _put_communications(table: _Table, role_id: int, spec: CurriculumSpec) -> None:
    for position, message in enumerate(spec.communications, start=1):
        values = {
            "position": position,
            "title": message.title,
            "summary": message.summary,
            "anchor": message.anchor,
            "offset_days": message.offset_days,
            "channel": message.channel,
        }
        make = _maker(Communication, job_role_id=role_id, key=message.key)
        table.put((role_id, message.key), make, values)


def _sync_settings(rollout: Rollout, report: SyncReport) -> None:
    """The rollout calendar as settings other parts read (`go_live` as YYYY-MM-DD)."""
    settings = {setting.key: setting for setting in db.session.scalars(select(Setting))}
    values = {
        "go_live": rollout.go_live.isoformat() if rollout.go_live else "",
        "company": rollout.company,
        "crm_name": rollout.crm_name,
    }
    for key, value in values.items():
        upsert(settings, key, _maker(Setting, key=key), {"value": value}, report["settings"])


def _rows_by(model, *columns: str) -> dict[tuple, object]:
    """Every row of a table, in one query, keyed by the given columns."""
    return {
        tuple(getattr(row, column) for column in columns): row
        for row in db.session.scalars(select(model))
    }


def _maker(model, **identity):
    """A constructor for `upsert` that adds the identifying fields to the values."""
    return lambda **values: model(**identity, **values)
