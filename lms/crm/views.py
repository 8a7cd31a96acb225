"""The CRM pages: admins connect CRMs, see how each sync went, test a connection, match CRM
users to people and upload CSV exports; everyone sees the data quality of their own CRM
records. And the webhook a CRM pushes its events to (signed; no session, no CSRF)."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from lms.auth import rules as auth_rules
from lms.auth.access import allowed_if
from lms.auth.models import User
from lms.clock import utcnow
from lms.crm import connections, csv_import, generic, quality_report
from lms.crm import rules as crm_rules
from lms.crm.connectors.base import ConnectorError
from lms.crm.forms import ActivityUploadForm, ButtonForm, ConnectionForm, MatchForm
from lms.crm.ingest import ingest, match_account
from lms.crm.models import CrmAccount, CrmConnection, WebhookDelivery
from lms.database import db
from lms.errors import DomainError
from lms.xapi.validation.json_text import loads

bp = Blueprint("crm", __name__)
MAX_WEBHOOK_EVENTS = 1000


@bp.context_processor
def _words():
    return {
        "kinds": connections.KINDS,
        "purposes": connections.PURPOSES,
        "lag": lambda connection, now: crm_rules.lag_words(connection.last_success_at, now),
    }


@bp.get("/crm")
@allowed_if(auth_rules.can_edit_people)
def list_connections():
    rows = connections.list_connections()
    unmatched = dict(
        db.session.execute(
            select(CrmAccount.connection_id, func.count())
            .where(CrmAccount.person_id.is_(None))
            .group_by(CrmAccount.connection_id)
        ).all()
    )
    return render_template(
        "crm/connections.html",
        connections=rows,
        unmatched=unmatched,
        now=utcnow(),
        form=ConnectionForm(),
        button=ButtonForm(),
    )


@bp.post("/crm")
@allowed_if(auth_rules.can_edit_people)
def add_connection():
    form = ConnectionForm()
    if form.validate_on_submit():
        options, problems = _options(form.options.data or "")
        try:
            if problems:
                raise DomainError(" ".join(problems))
            connection = connections.create_connection(
                name=form.name.data,
                kind=form.kind.data,
                base_url=form.base_url.data.strip(),
                purpose=form.purpose.data,
                options=options,
                secret_env=(form.secret_env.data or "").strip() or None,
                now=utcnow(),
                actor=current_user,
            )
        except DomainError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash(f"Connected {connection.name}. Test it, then start `lms crm sync`.", "success")
            return redirect(url_for("crm.show_connection", connection_id=connection.id))
    rows = connections.list_connections()
    return render_template(
        "crm/connections.html",
        connections=rows,
        unmatched={},
        now=utcnow(),
        form=form,
        button=ButtonForm(),
    ), 400


@bp.get("/crm/<int:connection_id>")
@allowed_if(auth_rules.can_edit_people)
def show_connection(connection_id):
    connection = db.get_or_404(CrmConnection, connection_id)
    return render_template(
        "crm/connection.html",
        connection=connection,
        unmatched=connections.unmatched_accounts(connection),
        now=utcnow(),
        webhook_url=url_for("crm.webhook", connection_id=connection.id, _external=True),
        match_form=MatchForm(),
        upload_form=ActivityUploadForm(),
        button=ButtonForm(),
    )


@bp.post("/crm/<int:connection_id>/test")
@allowed_if(auth_rules.can_edit_people)
def test_connection(connection_id):
    connection = db.get_or_404(CrmConnection, connection_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        flash(connections.connector_for(connection).check(), "success")
    except ConnectorError as problem:
        flash(f"Test failed: {problem.message}", "error")
    return redirect(url_for("crm.show_connection", connection_id=connection.id))


@bp.post("/crm/<int:connection_id>/accounts/<int:account_id>/match")
@allowed_if(auth_rules.can_edit_people)
def match(connection_id, account_id):
    account = db.get_or_404(CrmAccount, account_id)
    if account.connection_id != connection_id:
        abort(404)
    form = MatchForm()
    if form.validate_on_submit():
        email = form.person_email.data.strip().lower()
        person = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if person is None:
            flash(f"person_email: nobody in Uptake has the e-mail {email}.", "error")
        else:
            stored = match_account(account, person, actor=current_user, now=utcnow())
            db.session.commit()
            flash(
                f"{account.name} is {person.name}; {stored} earlier events now count as theirs.",
                "success",
            )
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("crm.show_connection", connection_id=connection_id))


@bp.post("/crm/<int:connection_id>/import")
@allowed_if(auth_rules.can_edit_people)
def upload_activity(connection_id):
    connection = db.get_or_404(CrmConnection, connection_id)
    form = ActivityUploadForm()
    if not form.validate_on_submit():
        flash("Choose a CSV file to upload.", "error")
        return redirect(url_for("crm.show_connection", connection_id=connection.id))
    result = csv_import.import_activity(connection, form.file.data.read(), now=utcnow())
    if result.problems:
        db.session.rollback()
        return render_template(
            "crm/import_problems.html", connection=connection, problems=result.problems
        ), 400
    db.session.commit()
    flash(
        f"{result.read} events read, {result.stored} stored "
        f"({result.read - result.stored} were already there); "
        f"{result.unmatched} by CRM users not yet matched to a person.",
        "success",
    )
    return redirect(url_for("crm.show_connection", connection_id=connection.id))


@bp.post("/crm/hooks/<int:connection_id>")
def webhook(connection_id):
    """Events a CRM pushes: {"events": [...]} in the generic format (lms.crm.generic),
    signed as lms.crm.rules says. All or nothing: a bad event refuses the delivery."""
    connection = db.session.get(CrmConnection, connection_id)
    if connection is None or not connection.active:
        return _refuse(404, "no such connection")
    if not connections.stores_activity(connection):
        return _refuse(409, connections.TRAINING_NOT_STORED.format(name=connection.name))
    try:
        secret = connections.read_secret(connection)
    except ConnectorError:
        secret = None
    if not secret:
        return _refuse(403, "this connection has no webhook secret set up")
    body, now = request.get_data(cache=False), utcnow()
    headers = request.headers
    problem = crm_rules.delivery_problem(
        secret,
        timestamp=headers.get("X-Uptake-Timestamp"),
        delivery=headers.get("X-Uptake-Delivery"),
        signed=headers.get("X-Uptake-Signature"),
        body=body,
        now=now,
    )
    if problem:
        return _refuse(401, problem)
    delivery = headers["X-Uptake-Delivery"]
    if db.session.scalar(
        select(WebhookDelivery.id).where(
            WebhookDelivery.connection_id == connection.id,
            WebhookDelivery.delivery_id == delivery,
        )
    ):
        return _refuse(409, f"delivery {delivery} was already received")
    try:
        document = loads(body)
    except (ValueError, UnicodeDecodeError) as bad:
        return _refuse(400, f"the body is not JSON: {bad}")
    items = document.get("events") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        return _refuse(400, 'events: the body must be {"events": [...]} with at least one')
    if len(items) > MAX_WEBHOOK_EVENTS:
        return _refuse(400, f"events: at most {MAX_WEBHOOK_EVENTS} in one delivery")
    events, users, problems = [], {}, []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"events[{index}]: must be an object")
            continue
        read = generic.read_event(item, f"events[{index}]")
        if isinstance(read, list):
            problems.extend(str(p) for p in read)
        else:
            events.append(read[0])
            users[read[1].crm_id] = read[1]
    if problems:
        return _refuse(400, "; ".join(problems[:50]), problems=problems[:200])
    events.sort(key=lambda e: e.at)
    db.session.execute(  # deliveries older than the window can no longer be replayed
        delete(WebhookDelivery).where(
            WebhookDelivery.connection_id == connection.id,
            WebhookDelivery.received_at < now - 2 * crm_rules.FRESHNESS,
        )
    )
    db.session.add(
        WebhookDelivery(connection_id=connection.id, delivery_id=delivery, received_at=now)
    )
    try:
        db.session.flush()
    except IntegrityError:  # the same delivery, arriving twice at once
        db.session.rollback()
        return _refuse(409, f"delivery {delivery} was already received")
    result = ingest(connection, events, users.values(), now=now)
    db.session.commit()
    return jsonify(read=result.read, stored=result.stored, unmatched=result.unmatched)


@bp.get("/my/crm-quality")
@login_required
def my_quality():
    report = quality_report.for_person(current_user)
    return render_template("crm/my_quality.html", report=report, person=current_user)


def _refuse(status: int, message: str, **more):
    return jsonify(error=message, **more), status


def _options(text: str) -> tuple[dict[str, str], list[str]]:
    options, problems = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            problems.append(f"options, line {number}: write KEY=VALUE.")
        else:
            options[key.strip()] = value.strip()
    return options, problems
