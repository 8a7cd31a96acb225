"""Writing courses' practice tasks from validated content.

A task is matched by its course and slug. One that leaves content, alone or with its course,
is retired, never deleted: people's attempts refer to it. It comes back to life if it returns.
"""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from lms.courses.content.bundle import PracticeTaskSpec
from lms.courses.content.sync_changes import Changes, retire_unwanted, upsert
from lms.courses.models import Course, Skill
from lms.database import db
from lms.practice.models import PracticeTask, spec_of_check

TasksBySlug = dict[str, PracticeTask]


def load_practice_tasks() -> dict[int, TasksBySlug]:
    """Every practice task, retired ones too, by course id and slug, in one query."""
    tasks: dict[int, TasksBySlug] = defaultdict(dict)
    for task in db.session.scalars(select(PracticeTask)):
        tasks[task.course_id][task.slug] = task
    return tasks


def sync_practice_tasks(
    course: Course,
    specs: tuple[PracticeTaskSpec, ...],
    tasks: TasksBySlug,
    skills: dict[str, Skill],
    changes: Changes,
    now: datetime,
) -> bool:
    """The course's tasks in file order, upserted by slug; the ones content dropped are
    retired. Whether anything changed."""
    changed = False
    for position, spec in enumerate(specs, start=1):
        values = {
            "position": position,
            "title": spec.title,
            "skill": skills[spec.skill],
            "instructions_html": spec.instructions_html,
            "check_spec": spec_of_check(spec.check),
            "hints": list(spec.hints),
            "retired_at": None,
        }
        make = _new_task(course, spec.slug)
        _, touched = upsert(tasks, spec.slug, make, values, changes)
        changed |= touched
    wanted = {spec.slug for spec in specs}
    return retire_unwanted(tasks, wanted, changes, now) or changed


def retire_practice_tasks(tasks: TasksBySlug, changes: Changes, now: datetime) -> None:
    """Retire every task of a course content no longer has."""
    retire_unwanted(tasks, set(), changes, now)


def _new_task(course: Course, slug: str):
    def make(**values) -> PracticeTask:
        return PracticeTask(course=course, slug=slug, **values)

    return make
