"""The admin's side of package courses: the list of them and the upload of a new one, a
course's details and units (a new file makes a new version), retiring it, and waiving a cmi5
unit for one learner. Admins only."""

from dataclasses import dataclass
from pathlib import PurePosixPath

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth import rules as auth_rules
from lms.auth.access import allowed_if
from lms.auth.models import JobRole
from lms.auth.services import get_user_by_email
from lms.clock import utcnow
from lms.courses import progress
from lms.courses.models import Course, CurriculumItem, Skill
from lms.courses.packages import importing, launching
from lms.courses.packages.forms import (
    ButtonForm,
    CourseDetailsForm,
    EditForm,
    UploadForm,
    WaiveForm,
)
from lms.courses.packages.models import STANDARD_LABELS, CoursePackage, PackageUnit
from lms.courses.rules import KIND_LABELS
from lms.database import db
from lms.errors import DomainError

bp = Blueprint("packages_admin", __name__)

MB = 1024 * 1024
UPLOAD_ENDPOINTS = ("packages_admin.upload", "packages_admin.save_course")
FORM_ROOM = MB  # the form's other fields, beside the file


@bp.url_value_preprocessor
def _room_for_a_package(endpoint, _values) -> None:
    """A package may be PACKAGE_MAX_MB, more than the app's MAX_CONTENT_LENGTH: the limit is
    raised for an admin's upload only. (URL processors run before the app's before_request
    functions, the first of which reads every form.)"""
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST" and _is_admin():
        request.max_content_length = current_app.config["PACKAGE_MAX_MB"] * MB + FORM_ROOM


def _is_admin() -> bool:
    return current_user.is_authenticated and auth_rules.can_edit_people(current_user.roles)


@bp.errorhandler(413)
def _too_large(error):
    """The upload's body was never read: the page again, saying how large a package may be."""
    if not _is_admin():
        return error  # nobody else's limit was raised: the plain answer
    problem = (
        "The file is larger than a package may be: "
        f"{current_app.config['PACKAGE_MAX_MB']} MB at most (PACKAGE_MAX_MB)."
    )
    slug = (request.view_args or {}).get("slug")
    course = _package_course(slug) if slug else None
    if course is None:
        form = _with_choices(UploadForm(formdata=None), {})
        form.file.errors = [problem]
        return _list_page(form), 413
    form = _edit_form(course, formdata=None)
    form.file.errors = [problem]
    return _course_page(course, form), 413


# The list, and a new package -------------------------------------------------------------


@dataclass(frozen=True)
class PackageRow:
    """A package course as the list shows it."""

    course: Course
    standard: str
    units: int
    roles: str
    required_for: str


@bp.get("/admin/packages")
@allowed_if(auth_rules.can_edit_people)
def list_packages():
    return _list_page(_with_choices(UploadForm(formdata=None), {}))


@bp.post("/admin/packages")
@allowed_if(auth_rules.can_edit_people)
def upload():
    form = _with_choices(UploadForm(), {})
    if form.validate_on_submit():
        try:
            course = _import(form, form.file.data, form.slug.data.strip(), origin="upload")
        except DomainError as problem:
            db.session.rollback()
            _show_problem(form, problem)
        else:
            db.session.commit()
            flash(f"“{course.title}” is imported as a course.", "success")
            return redirect(url_for(".show_course", slug=course.slug))
    return _list_page(form)


def _list_page(form: UploadForm):
    courses = db.session.scalars(
        select(Course)
        .join(CoursePackage, CoursePackage.course_id == Course.id)
        .options(selectinload(Course.job_roles))
        .order_by(Course.retired_at.is_not(None), Course.title)
    ).all()
    required = _required_for([course.id for course in courses])
    rows = [_row(course, required.get(course.id, [])) for course in courses]
    return render_template("packages/admin_list.html", rows=rows, form=form, **_form_words(form))


def _row(course: Course, required: list[CurriculumItem]) -> PackageRow:
    package = course.package
    roles = "All roles" if course.for_all_roles else ", ".join(r.title for r in course.job_roles)
    return PackageRow(
        course=course,
        standard=STANDARD_LABELS[package.standard],
        units=sum(1 for unit in package.units if unit.retired_at is None),
        roles=roles or "None",
        required_for=", ".join(
            f"{item.job_role.title} ({item.due_days} days)" for item in required
        ),
    )


def _required_for(course_ids: list[int]) -> dict[int, list[CurriculumItem]]:
    items = db.session.scalars(
        select(CurriculumItem)
        .where(CurriculumItem.course_id.in_(course_ids))
        .options(selectinload(CurriculumItem.job_role))
    )
    found: dict[int, list[CurriculumItem]] = {}
    for item in items:
        found.setdefault(item.course_id, []).append(item)
    return found


# One package course -----------------------------------------------------------------------


@bp.get("/admin/packages/<slug>")
@allowed_if(auth_rules.can_edit_people)
def show_course(slug):
    course = _package_course(slug) or abort(404)
    return _course_page(course, _edit_form(course, formdata=None))


@bp.post("/admin/packages/<slug>")
@allowed_if(auth_rules.can_edit_people)
def save_course(slug):
    course = _package_course(slug) or abort(404)
    form = _edit_form(course)
    if form.validate_on_submit():
        try:
            _save(course, form)
        except DomainError as problem:
            db.session.rollback()
            _show_problem(form, problem)
        else:
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for(".show_course", slug=slug))
    return _course_page(course, form)


def _save(course: Course, form: EditForm) -> None:
    if form.file.data:
        _import(form, form.file.data, course.slug, origin="upload")
        return
    importing.update_details(course, _details(form, course.slug), now=utcnow())


@bp.post("/admin/packages/<slug>/retire")
@allowed_if(auth_rules.can_edit_people)
def retire(slug):
    course = _package_course(slug) or abort(404)
    if ButtonForm().validate_on_submit():
        try:
            importing.retire_course(course, now=utcnow())
        except DomainError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash(f"“{course.title}” is retired.", "success")
    return redirect(url_for(".show_course", slug=slug))


@bp.post("/admin/packages/<slug>/waive")
@allowed_if(auth_rules.can_edit_people)
def waive(slug):
    course = _package_course(slug) or abort(404)
    form = _waive_form(course)
    if form.validate_on_submit():
        try:
            waived = _waive(course, form)
        except DomainError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash("Waived." if waived else "That unit was already satisfied.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for(".show_course", slug=slug))


def _waive(course: Course, form: WaiveForm) -> bool:
    person = get_user_by_email(form.email.data)
    if person is None:
        raise DomainError(f"email: nobody has the e-mail {form.email.data}.")
    enrollment = progress.get_enrollment(person, course)
    if enrollment is None:
        raise DomainError(f"email: {person.name} is not enrolled on this course.")
    unit = db.session.get(PackageUnit, form.unit_id.data)
    return launching.waive_unit(enrollment, unit, form.reason.data, now=utcnow())


def _course_page(course: Course, form: EditForm):
    package = course.package
    return render_template(
        "packages/admin_course.html",
        course=course,
        package=package,
        standard=STANDARD_LABELS[package.standard],
        units=package.units,
        form=form,
        can_edit=package.origin == "upload",
        can_retire=package.origin == "upload" and course.retired_at is None,
        waive_form=_waive_form(course, formdata=None) if package.standard == "cmi5" else None,
        button=ButtonForm(formdata=None),
        **_form_words(form),
    )


def _package_course(slug: str) -> Course | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    return course if course is not None and course.package is not None else None


# The forms' choices and values --------------------------------------------------------------


def _edit_form(course: Course, **kwargs) -> EditForm:
    form = EditForm(**kwargs)
    if kwargs.get("formdata", True) is None:
        form.kind.data, form.minutes.data = course.kind, course.minutes
        form.title.data, form.summary.data = course.title, course.summary
        form.all_roles.data = course.for_all_roles
        form.job_roles.data = [role.id for role in course.job_roles]
        form.skills.data = [skill.id for skill in course.skills]
        form.remedial.data = course.remedial_course_id or 0
    current = _required_for([course.id]).get(course.id, [])
    return _with_choices(form, {item.job_role_id: item.due_days for item in current})


def _with_choices(form: CourseDetailsForm, required: dict[int, int]):
    """The form's job roles and skills to choose from; a blank form gets one "required for"
    row per job role (a posted one has its rows from the post), ticked where required."""
    roles = _all_roles()
    form.job_roles.choices = [(role.id, role.title) for role in roles]
    form.skills.choices = [
        (skill.id, skill.title) for skill in db.session.scalars(select(Skill).order_by(Skill.title))
    ]
    form.remedial.choices = [(0, "None")] + [
        (course.id, course.title)
        for course in db.session.scalars(
            select(Course)
            .where(Course.kind == "remedial", Course.retired_at.is_(None))
            .order_by(Course.title)
        )
    ]
    if not form.required.entries:
        for role in roles:
            due = required.get(role.id)
            form.required.append_entry(
                {"role_id": str(role.id), "required": due is not None, "due_days": due}
            )
    return form


def _all_roles() -> list[JobRole]:
    return list(db.session.scalars(select(JobRole).order_by(JobRole.title)))


def _form_words(form: CourseDetailsForm) -> dict:
    """What the template prints beside the form: each row's role title."""
    titles = {str(role.id): role.title for role in _all_roles()}
    return {"role_titles": titles, "kind_labels": KIND_LABELS}


def _waive_form(course: Course, **kwargs) -> WaiveForm:
    form = WaiveForm(**kwargs)
    form.unit_id.choices = [
        (unit.id, unit.title) for unit in course.package.units if unit.retired_at is None
    ]
    return form


def _details(form: CourseDetailsForm, slug: str) -> importing.CourseDetails:
    roles = {role.id: role for role in _all_roles()}
    skills = {skill.id: skill for skill in db.session.scalars(select(Skill))}
    return importing.CourseDetails(
        slug=slug,
        kind=form.kind.data,
        minutes=form.minutes.data,
        title=(form.title.data or "").strip() or None,
        summary=(form.summary.data or "").strip() or None,
        job_roles=tuple(roles[role_id] for role_id in form.job_roles.data or ()),
        for_all_roles=bool(form.all_roles.data),
        skills=tuple(skills[skill_id] for skill_id in form.skills.data or ()),
        required_for=tuple(_required_rows(form, roles)),
        remedial=db.session.get(Course, form.remedial.data) if form.remedial.data else None,
    )


def _required_rows(form: CourseDetailsForm, roles: dict[int, JobRole]):
    for entry in form.required.entries:
        row = entry.form
        if not row.required.data:
            continue
        role = roles.get(int(row.role_id.data)) if (row.role_id.data or "").isdigit() else None
        if role is None:
            raise DomainError("required: a job role that is not in Uptake.")
        yield role, row.due_days.data


def _import(form: CourseDetailsForm, upload, slug: str, *, origin: str) -> Course:
    """Read the uploaded file and import it; DomainError names the field or the file."""
    filename = PurePosixPath((upload.filename or "package").replace("\\", "/")).name
    opened = importing.read_upload(upload.read(), filename)
    details = _details(form, slug)
    return importing.import_package(
        opened, details, origin=origin, actor=current_user, now=utcnow()
    )


def _show_problem(form: CourseDetailsForm, problem: DomainError) -> None:
    """A problem that starts with a field's name ("slug: …") shows under that field; any
    other (the package's own, naming its file and element) under the file."""
    message = str(problem)
    name, _, rest = message.partition(":")
    field = form._fields.get(name.strip()) if rest else None
    target = field if field is not None else form.file
    target.errors = [*target.errors, rest.strip() if field is not None else message]
