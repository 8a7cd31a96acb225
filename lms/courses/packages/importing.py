"""Importing a package as a course: its files put where the app serves them, its structure
and units stored, and the course given a kind, job roles, skills and a place in curricula
like any other, so that curricula, onboarding, points and badges follow. Services: plain
values in, flush, never commit."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms import events
from lms.auth.models import JobRole, User
from lms.courses import curricula, rules
from lms.courses.content.yaml_fields import SLUG
from lms.courses.models import Course, CurriculumItem, Skill
from lms.courses.packages import archive, structure
from lms.courses.packages.models import CoursePackage, PackageUnit
from lms.database import db
from lms.errors import DomainError


@dataclass(frozen=True)
class CourseDetails:
    """What an admin says about the course a package becomes."""

    slug: str
    kind: str
    minutes: int
    title: str | None = None  # None: the package's own title
    summary: str | None = None  # None: the package's description
    job_roles: tuple[JobRole, ...] = ()
    for_all_roles: bool = False
    skills: tuple[Skill, ...] = ()
    required_for: tuple[tuple[JobRole, int], ...] = ()  # (role, due days after hire)
    remedial: Course | None = None  # the refresher after failing a part twice


def package_limits() -> archive.Limits:
    config = current_app.config
    megabytes = config["PACKAGE_MAX_MB"]
    return archive.Limits(
        max_bytes=megabytes * 1024 * 1024,
        max_unpacked_bytes=4 * megabytes * 1024 * 1024,
        max_files=config["PACKAGE_MAX_FILES"],
    )


def read_upload(data: bytes, filename: str) -> archive.OpenedPackage:
    """The package as read and checked; DomainError says what is wrong and where."""
    try:
        return archive.read_package(data, filename, limits=package_limits())
    except structure.PackageError as error:
        raise DomainError(str(error)) from None


def import_package(
    opened: archive.OpenedPackage,
    details: CourseDetails,
    *,
    origin: str,
    actor: User | None,
    now: datetime,
) -> Course:
    """Make the package a course, or a new version of the course with this slug: units are
    matched by their publisher id, so progress on a unit that stays is kept; units the new
    version drops are retired. The files are in place before anything points at them."""
    _check_details(details)
    course = db.session.scalar(select(Course).where(Course.slug == details.slug))
    if course is not None and (course.package is None or course.package.origin != "upload"):
        raise DomainError(
            f"slug: “{details.slug}” is a course written in content/; choose another slug."
        )
    _put_files(opened)
    course = _write_course(course, details, opened.spec, now)
    attach_package(course, opened, origin=origin, actor=actor, now=now)
    _place_in_curricula(course, details.required_for, now)
    db.session.flush()
    return course


def update_details(course: Course, details: CourseDetails, *, now: datetime) -> None:
    """Change what an admin says about an uploaded package course (title, kind, roles,
    skills, curricula) without a new version of its package; a course from content/ is
    changed there."""
    if course.package.origin != "upload":
        raise DomainError(
            "This course comes from content/: change its course.yaml and package file there."
        )
    _check_details(details)
    if details.slug != course.slug:
        raise DomainError("slug: a course's slug does not change; upload under a new slug.")
    _write_course(course, details, structure.from_json(course.package.structure), now)
    _place_in_curricula(course, details.required_for, now)
    db.session.flush()


def attach_package(
    course: Course,
    opened: archive.OpenedPackage,
    *,
    origin: str,
    actor: User | None,
    now: datetime,
) -> bool:
    """Make `opened` the course's package (its files already in place: `_put_files`); a
    package with the same archive as the one attached changes nothing. Units are matched by
    publisher id, so progress on a unit that stays is kept; units it drops are retired.
    Returns whether anything changed."""
    _put_files(opened)
    files_key = None if opened.is_bare_structure else opened.sha256
    spec, package = opened.spec, course.package
    as_json = structure.as_json(spec)
    if package is not None and package.files_key == files_key and package.structure == as_json:
        return False
    if package is None:
        package = CoursePackage(course=course, activity_id=_new_activity_id(course.slug, "package"))
        db.session.add(package)
    package.standard, package.publisher_id = spec.standard, spec.publisher_id
    package.structure = as_json
    package.files_key, package.origin = files_key, origin
    package.imported_at, package.imported_by = now, actor
    _write_units(package, spec, now)
    db.session.flush()
    return True


def _put_files(opened: archive.OpenedPackage) -> None:
    """The archive's files under PACKAGE_DIR/<sha256>, before any row names them."""
    if not opened.is_bare_structure:
        opened.extract_to(Path(current_app.config["PACKAGE_DIR"]) / opened.sha256)


def _check_details(details: CourseDetails) -> None:
    if not SLUG.fullmatch(details.slug or ""):
        raise DomainError("slug: use lower-case letters, digits and hyphens (e.g. fire-safety).")
    if details.kind not in rules.KINDS:
        raise DomainError(f"kind: must be one of {', '.join(sorted(rules.KINDS))}.")
    if details.remedial is not None and details.remedial.kind != "remedial":
        raise DomainError("remedial: choose a course of the kind Remedial.")
    if not 1 <= details.minutes <= 600:
        raise DomainError("minutes: must be between 1 and 600.")
    for role, due_days in details.required_for:
        if not 0 <= due_days <= 365:
            raise DomainError(f"due days for {role.title}: must be between 0 and 365.")


def _write_course(course: Course | None, details: CourseDetails, spec, now) -> Course:
    if course is None:
        course = Course(slug=details.slug)
        db.session.add(course)
    course.title = (details.title or spec.title)[:200]
    course.summary = details.summary or spec.description or spec.title
    course.kind, course.minutes = details.kind, details.minutes
    course.for_all_roles = details.for_all_roles
    course.job_roles = list(details.job_roles)
    course.skills = list(details.skills)
    course.pass_mark = 1.0  # the package's units judge success; there is no Uptake quiz
    course.remedial_course = details.remedial
    course.retired_at, course.synced_at = None, now
    return course


def _write_units(package: CoursePackage, spec, now: datetime) -> None:
    existing = {unit.publisher_id: unit for unit in package.units}
    for position, unit_spec in enumerate(spec.units, start=1):
        unit = existing.pop(unit_spec.publisher_id, None)
        if unit is None:
            unit = PackageUnit(
                publisher_id=unit_spec.publisher_id,
                activity_id=_new_activity_id(package.course.slug, "units"),
            )
            package.units.append(unit)
        unit.position, unit.title = position, unit_spec.title[:500]
        unit.description, unit.url = unit_spec.description, unit_spec.url
        unit.launch_method, unit.move_on = unit_spec.launch_method, unit_spec.move_on
        unit.mastery_score = unit_spec.mastery_score
        unit.launch_parameters = unit_spec.launch_parameters
        unit.entitlement_key = unit_spec.entitlement_key
        unit.retired_at = None
    for gone in existing.values():
        gone.retired_at = gone.retired_at or now


def _new_activity_id(slug: str, kind: str) -> str:
    """The LMS's own activity id for a package or unit (cmi5 8.1.5, 9.4): under Uptake's
    address, never the publisher's id, and kept across new versions of the package."""
    return f"{current_app.config['BASE_URL']}/courses/{slug}/{kind}/{uuid.uuid4()}"


def _place_in_curricula(course: Course, required_for, now: datetime) -> None:
    """The roles that require the course, each with its due days, become exactly those
    given; then everyone in a role it joins or leaves gets their curriculum again."""
    items = {
        item.job_role_id: item
        for item in db.session.scalars(
            select(CurriculumItem).where(CurriculumItem.course_id == course.id)
        )
    }
    wanted = {role.id: due_days for role, due_days in required_for}
    touched = set(items) | set(wanted)
    for role_id, item in items.items():
        if role_id not in wanted:
            db.session.delete(item)
    for role, due_days in required_for:
        item = items.get(role.id)
        if item is None:
            position = _next_position(role.id)
            db.session.add(
                CurriculumItem(
                    job_role_id=role.id, course=course, position=position, due_days=due_days
                )
            )
        else:
            item.due_days = due_days
    db.session.flush()
    if touched:
        people = db.session.scalars(
            select(User).where(User.job_role_id.in_(touched), User.active.is_(True))
        ).all()
        curricula.assign_curricula(people, now=now)
        # What follows a course assigned: the onboarding gate looks at them again.
        assigned = events.CoursesAssigned(
            people=tuple(people), course=course, registered=(), now=now
        )
        events.publish(assigned)


def _next_position(role_id: int) -> int:
    last = db.session.scalar(
        select(CurriculumItem.position)
        .where(CurriculumItem.job_role_id == role_id)
        .order_by(CurriculumItem.position.desc())
        .limit(1)
    )
    return (last or 0) + 1


def retire_course(course: Course, *, now: datetime) -> None:
    """Take an uploaded package course out of catalogues and curricula; progress stays."""
    if course.package is None or course.package.origin != "upload":
        raise DomainError(
            "Only uploaded package courses are retired here; a content course leaves content/."
        )
    course.retired_at = course.retired_at or now
    _place_in_curricula(course, (), now)
