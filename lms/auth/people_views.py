"""The people directory and its admin pages: list, show, create, edit, deactivate, import."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth import people_import, rules, services
from lms.auth.access import allowed_if
from lms.auth.audit import rules as audit_rules
from lms.auth.audit import services as audit
from lms.auth.forms import ChampionForm, ConfirmForm, ImportForm, PersonForm
from lms.auth.links import issue_password_link, password_links
from lms.auth.sso.passwords import may_have_password, password_policy
from lms.auth.views import bp
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError, FieldError
from lms.request_values import paginate, query_int

PAGE_SIZE = 50


@bp.get("/people")
@allowed_if(rules.can_list_people)
def list_people():
    filters = {
        "query": request.args.get("q", ""),
        "division_id": query_int("division"),
        "job_role_id": query_int("job_role"),
        "status": request.args.get("status", "active"),
    }
    page = paginate(services.search_people(**filters), per_page=PAGE_SIZE)
    return render_template(
        "auth/people.html",
        page=page,
        filters=filters,
        divisions=services.list_divisions(),
        job_roles=services.list_job_roles(),
        can_edit=rules.can_edit_people(current_user.roles),
    )


@bp.get("/people/<int:person_id>")
@login_required
def show_person(person_id):
    person = services.get_person_for(current_user, person_id) or abort(404)
    can_audit = audit_rules.can_read_audit_log(current_user.roles)
    return render_template(
        "auth/person.html",
        person=person,
        reports=services.list_reports_tree(person),
        can_edit=rules.can_edit_people(current_user.roles),
        # not while password sign-in is off (but for the break-glass account)
        can_issue_password_link=may_have_password(person, password_policy(current_app.config)),
        confirm=ConfirmForm(),
        audit_entries=audit.list_recent_about(person) if can_audit else None,
        actions=audit.ACTIONS,
    )


@bp.route("/people/new", methods=["GET", "POST"])
@allowed_if(rules.can_edit_people)
def new_person():
    form = _person_form()
    if form.validate_on_submit() and (person := _save_person(form, None)):
        flash(f"{person.name} is added. Send them their password link below.", "success")
        return redirect(url_for("auth.show_person", person_id=person.id))
    return render_template("auth/person_form.html", form=form, person=None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@allowed_if(rules.can_edit_people)
def edit_person(person_id):
    person = db.get_or_404(services.User, person_id)
    form = _person_form(person)
    if form.validate_on_submit() and _save_person(form, person):
        flash(f"{person.name} is updated.", "success")
        return redirect(url_for("auth.show_person", person_id=person.id))
    return render_template("auth/person_form.html", form=form, person=person)


@bp.post("/people/<int:person_id>/deactivate")
@allowed_if(rules.can_edit_people)
def deactivate_person(person_id):
    person = db.get_or_404(services.User, person_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.deactivate_person(current_user, person, now=utcnow())
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{person.name} is deactivated and can no longer log in.", "success")
    return redirect(url_for("auth.show_person", person_id=person.id))


@bp.post("/people/<int:person_id>/reactivate")
@allowed_if(rules.can_edit_people)
def reactivate_person(person_id):
    person = db.get_or_404(services.User, person_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate_person(person, actor=current_user, now=utcnow())
        db.session.commit()
        flash(f"{person.name} is active again.", "success")
    return redirect(url_for("auth.show_person", person_id=person.id))


@bp.post("/people/<int:person_id>/password-link")
@allowed_if(rules.can_edit_people)
def password_link(person_id):
    person = db.get_or_404(services.User, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        link = issue_password_link(person, actor=current_user, now=utcnow())
    except DomainError as exc:  # password sign-in is off (PASSWORD_SIGN_IN)
        flash(str(exc), "error")
        return redirect(url_for("auth.show_person", person_id=person.id))
    db.session.commit()
    return render_template("auth/password_link.html", person=person, link=link)


@bp.route("/people/import", methods=["GET", "POST"])
@allowed_if(rules.can_edit_people)
def import_people():
    form = ImportForm()
    errors, result, links = [], None, []
    if form.validate_on_submit():
        try:
            rows = people_import.validate_file(form.file.data.read())
            result = people_import.import_people(rows, now=utcnow(), actor=current_user)
        except people_import.ImportRejected as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            links = password_links(result.created)
            db.session.commit()
    return render_template("auth/import.html", form=form, errors=errors, result=result, links=links)


@bp.get("/divisions")
@allowed_if(rules.can_list_people)
def list_divisions():
    return render_template(
        "auth/divisions.html",
        divisions=services.list_divisions(),
        sizes=services.list_division_sizes(),
        can_edit=rules.can_edit_people(current_user.roles),
        form=ChampionForm(),
        confirm=ConfirmForm(),
    )


@bp.post("/divisions/<int:division_id>/champions")
@allowed_if(rules.can_edit_people)
def add_champion(division_id):
    division = db.get_or_404(services.Division, division_id)
    form = ChampionForm()
    person = (
        services.get_user_by_email(form.email.data or "") if form.validate_on_submit() else None
    )
    if person is None or not person.active:
        flash("Nobody active in Uptake has that e-mail.", "error")
    else:
        services.name_champion(division, person, now=utcnow(), actor=current_user)
        db.session.commit()
        flash(f"{person.name} is now a CRM champion for {division.name}.", "success")
    return redirect(url_for("auth.list_divisions"))


@bp.post("/divisions/<int:division_id>/champions/<int:person_id>/remove")
@allowed_if(rules.can_edit_people)
def remove_champion(division_id, person_id):
    division = db.get_or_404(services.Division, division_id)
    person = db.get_or_404(services.User, person_id)
    if ConfirmForm().validate_on_submit():
        services.remove_champion(division, person, actor=current_user, now=utcnow())
        db.session.commit()
        flash(f"{person.name} is no longer a champion for {division.name}.", "success")
    return redirect(url_for("auth.list_divisions"))


def _person_form(person=None) -> PersonForm:
    form = PersonForm(obj=person)
    form.job_role.choices = [
        SelectChoice(role.slug, role.title) for role in services.list_job_roles()
    ]
    if person is not None and request.method == "GET":
        form.job_role.data = person.job_role.slug
        form.division.data = person.division.name if person.division else ""
        form.manager_email.data = person.manager.email if person.manager else ""
        form.is_hr.data = person.has_role(rules.ROLE_HR)
        form.is_admin.data = person.has_role(rules.ROLE_ADMIN)
    return form


def _save_person(form: PersonForm, person):
    """Create or update from the form; field problems go back onto the form."""
    manager = None
    if form.manager_email.data:
        manager = services.get_user_by_email(form.manager_email.data)
        if manager is None:
            form.manager_email.errors.append("Nobody in Uptake has this e-mail.")
            return None
    roles = {
        role
        for role, on in ((rules.ROLE_HR, form.is_hr.data), (rules.ROLE_ADMIN, form.is_admin.data))
        if on
    }
    details = services.PersonDetails(
        email=form.email.data,
        name=form.name.data,
        job_role=form.job_role.data,
        division=form.division.data,
        manager=manager,
        hire_date=form.hire_date.data,
        roles=roles,
        employee_id=form.employee_id.data,
    )
    try:
        if person is None:
            person = services.create_person(details, now=utcnow(), actor=current_user)
        else:
            services.update_person(person, details, now=utcnow(), actor=current_user)
    except FieldError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors.append(str(exc))
        return None
    db.session.commit()
    return person
