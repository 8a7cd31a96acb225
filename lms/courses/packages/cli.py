"""`lms packages ...`: import a cmi5 or SCORM package as a course, list them, and what ADL's
CATAPULT test suite asks an LMS to do from a script: a unit's launch URL, waiving a unit,
abandoning a session, retiring a course. Each prints only its answer on stdout; a refusal
goes to stderr with exit status 2."""

import uuid
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from lms.auth.models import JobRole
from lms.auth.services import get_user_by_email
from lms.clock import utcnow
from lms.courses import progress
from lms.courses.enrolment import assign_course
from lms.courses.models import Course, Enrollment, Skill
from lms.courses.packages import importing, launching
from lms.courses.packages.models import LAUNCH_MODES, LaunchSession, PackageUnit, UnitProgress
from lms.database import db
from lms.errors import DomainError

packages_cli = click.Group("packages", help="cmi5 and SCORM packages as courses.")
REFUSED = 2


def _refuse(message: str):
    db.session.rollback()
    click.echo(message, err=True)
    raise SystemExit(REFUSED)


@packages_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", required=True)
@click.option("--kind", required=True)
@click.option("--minutes", required=True, type=int)
@click.option("--title", help="Default: the package's own title.")
@click.option("--summary", help="Default: the package's own description.")
@click.option("--role", "roles", multiple=True, help="A job role slug it is offered to.")
@click.option("--all-roles", is_flag=True, help="Offered to every job role.")
@click.option("--skill", "skills", multiple=True, help="A skill slug it teaches.")
@click.option("--required", multiple=True, help="ROLE:DAYS, a role that requires it and when.")
def import_command(file, slug, kind, minutes, title, summary, roles, all_roles, skills, required):
    """Import FILE (a zip, or a bare cmi5.xml) as the course SLUG, or as a new version of it;
    print the course's slug."""
    try:
        details = importing.CourseDetails(
            slug=slug,
            kind=kind,
            minutes=minutes,
            title=title,
            summary=summary,
            job_roles=tuple(_role(name) for name in roles),
            for_all_roles=all_roles,
            skills=tuple(_skill(name) for name in skills),
            required_for=tuple(_required(value) for value in required),
        )
        opened = importing.read_upload(file.read_bytes(), file.name)
        course = importing.import_package(
            opened, details, origin="upload", actor=None, now=utcnow()
        )
    except DomainError as problem:
        _refuse(str(problem))
    db.session.commit()
    click.echo(course.slug)


def _role(slug: str) -> JobRole:
    role = db.session.scalar(select(JobRole).where(JobRole.slug == slug))
    if role is None:
        raise DomainError(f"role: no job role “{slug}”.")
    return role


def _skill(slug: str) -> Skill:
    skill = db.session.scalar(select(Skill).where(Skill.slug == slug))
    if skill is None:
        raise DomainError(f"skill: no skill “{slug}”.")
    return skill


def _required(value: str) -> tuple[JobRole, int]:
    role, _, days = value.rpartition(":")
    if not role or not days.isdigit():
        raise DomainError(f"required: “{value}” is not ROLE:DAYS (e.g. sales_rep:14).")
    return _role(role), int(days)


@packages_cli.command("list")
def list_command():
    """One line per package course: slug, standard, units, retired or live, title."""
    courses = db.session.scalars(
        select(Course).where(Course.package.has()).order_by(Course.slug)
    ).all()
    for course in courses:
        units = sum(1 for unit in course.package.units if unit.retired_at is None)
        state = "retired" if course.retired_at else "live"
        fields = (course.slug, course.package.standard, str(units), state, course.title)
        click.echo("\t".join(fields))


@packages_cli.command("launch-url")
@click.argument("slug")
@click.argument("au_index", type=int)
@click.option("--person", "email", required=True, help="The learner's e-mail.")
@click.option("--registration", help="The enrolment's registration (a UUID), if it is new.")
@click.option("--launch-mode", type=click.Choice(LAUNCH_MODES), default="Normal")
def launch_url_command(slug, au_index, email, registration, launch_mode):
    """Launch unit AU_INDEX (0 first, in the course structure's order) of course SLUG for
    the person, enrolling them if they are not; print the launch URL."""
    try:
        course = _package_course(slug)
        unit = _unit(course, au_index)
        enrollment = _enrollment(course, email, registration)
        base = current_app.config["BASE_URL"]
        launch = launching.launch_unit(
            enrollment,
            unit,
            now=utcnow(),
            launch_mode=launch_mode,
            return_url=f"{base}/courses/{course.slug}/units",
        )
    except DomainError as problem:
        _refuse(str(problem))
    db.session.commit()
    click.echo(launch.url)


def _package_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or course.package is None:
        raise DomainError(f"slug: no package course “{slug}”.")
    return course


def _unit(course: Course, index: int) -> PackageUnit:
    """The course's index-th unit (from 0) of those it has now."""
    units = [unit for unit in course.package.units if unit.retired_at is None]
    if not 0 <= index < len(units):
        raise DomainError(f"au_index: “{course.slug}” has units 0 to {len(units) - 1}.")
    return units[index]


def _enrollment(course: Course, email: str, registration: str | None) -> Enrollment:
    """The person's enrolment on the course, made by an admin's assignment if they have
    none. A registration given is taken by an enrolment never launched; one launched keeps
    its own, and a registration another enrolment has is refused."""
    person = get_user_by_email(email)
    if person is None:
        raise DomainError(f"person: nobody has the e-mail {email}.")
    now = utcnow()
    enrollment = progress.get_enrollment(person, course)
    if enrollment is None:
        enrollment = assign_course(person, course, now=now, due_on=None, required=False)
    if registration is None or registration == enrollment.registration:
        return enrollment
    registration = _uuid(registration)
    if _launched(enrollment):
        raise DomainError(
            f"registration: {person.email} has launched this course under registration "
            f"{enrollment.registration}; it cannot become {registration}."
        )
    if db.session.scalar(select(Enrollment.id).where(Enrollment.registration == registration)):
        raise DomainError(f"registration: {registration} is another enrolment's.")
    enrollment.registration = registration
    db.session.flush()
    return enrollment


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise DomainError(f"registration: “{value}” is not a UUID.") from None


def _launched(enrollment: Enrollment) -> bool:
    return (
        db.session.scalar(
            select(LaunchSession.id)
            .join(UnitProgress, LaunchSession.progress_id == UnitProgress.id)
            .where(UnitProgress.enrollment_id == enrollment.id)
            .limit(1)
        )
        is not None
    )


@packages_cli.command("waive")
@click.argument("registration")
@click.argument("au_index", type=int)
@click.option("--reason", required=True, type=click.Choice(launching.WAIVE_REASONS))
def waive_command(registration, au_index, reason):
    """Waive unit AU_INDEX (0 first) for the enrolment with this registration."""
    try:
        enrollment = db.session.scalar(
            select(Enrollment).where(Enrollment.registration == registration)
        )
        if enrollment is None or enrollment.course.package is None:
            raise DomainError(f"registration: no package enrolment {registration}.")
        unit = _unit(enrollment.course, au_index)
        waived = launching.waive_unit(enrollment, unit, reason, now=utcnow())
    except DomainError as problem:
        _refuse(str(problem))
    db.session.commit()
    click.echo("waived" if waived else "already satisfied")


@packages_cli.command("abandon")
@click.argument("session_id")
def abandon_command(session_id):
    """Abandon the launch session SESSION_ID (the cmi5 session id), if it is still open."""
    session = launching.find_session(session_id)
    if session is None:
        _refuse(f"session_id: no launch session {session_id}.")
    launching.abandon_session(session, now=utcnow())
    db.session.commit()
    click.echo("abandoned")


@packages_cli.command("retire")
@click.argument("slug")
def retire_command(slug):
    """Retire the uploaded package course SLUG: out of catalogues and curricula."""
    try:
        importing.retire_course(_package_course(slug), now=utcnow())
    except DomainError as problem:
        _refuse(str(problem))
    db.session.commit()
    click.echo("retired")
