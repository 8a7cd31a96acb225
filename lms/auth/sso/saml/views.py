"""SAML 2.0 sign-in's pages: the SP metadata, the start of a sign-in, and the assertion
consumer service the IdP posts to (exempt from CSRF: the IdP's signature stands in)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_user

from lms.auth.rules import safe_next
from lms.auth.sso.people import record_refused
from lms.auth.sso.saml import logout, provider, rules, services
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError

bp = Blueprint("saml", __name__, url_prefix="/auth/saml")
LOGOUT_TICKET_KEY = "saml_logout"  # the IdP session's NameID and index, for single logout


@bp.app_context_processor
def sign_in_button() -> dict:
    """The log-in page's button, when SAML is configured."""
    if not provider.is_enabled(current_app.config) or not has_request_context():
        return {"saml_sign_in": None}  # off, or an e-mail rendered by a command
    label = current_app.config["SAML_BUTTON_LABEL"]
    return {
        "saml_sign_in": {
            "url": url_for("saml.sign_in", next=safe_next(request.args.get("next"))),
            "label": label,
        }
    }


@bp.get("/metadata")
def metadata():
    _enabled_or_404()
    xml = provider.sp_metadata(current_app.config)
    return Response(xml, mimetype="application/samlmetadata+xml")


@bp.get("/sign-in")
def sign_in():
    _enabled_or_404()
    try:
        sp = provider.service_provider(current_app.config)
    except provider.ProviderUnavailable as exc:
        current_app.logger.error("SAML sign-in unavailable: %s", exc)
        return render_template("auth/sign_in_refused.html", reason=str(exc)), 503
    location = services.start_sign_in(
        sp, next_url=safe_next(request.args.get("next")), now=utcnow()
    )
    db.session.commit()
    return redirect(location)


@bp.post("/acs")
def acs():
    _enabled_or_404()
    now = utcnow()
    try:
        sp = provider.service_provider(current_app.config)
        signed_in = services.finish_sign_in(
            sp, request.form.get("SAMLResponse", ""), names=_attribute_names(), now=now
        )
    except DomainError as exc:  # SamlRefused, ProviderUnavailable
        return _refused(str(exc), now=now, who=getattr(exc, "who", None))
    login_user(signed_in.person)
    session[LOGOUT_TICKET_KEY] = signed_in.logout_ticket()
    db.session.commit()
    return redirect(signed_in.next_url or url_for("courses.my_plan"))


@bp.get("/logged-out")
def logged_out():
    """Single logout, from the IdP: its answer to Uptake's LogoutRequest (the person is
    logged out of Uptake already), or its own LogoutRequest, which ends the person's
    sessions here before the IdP gets its answer."""
    _enabled_or_404()
    if "SAMLRequest" not in request.args:
        return redirect(url_for("auth.login"))
    try:
        sp = provider.service_provider(current_app.config)
        answer_at = logout.end_sessions_at_idp_request(sp, request.args.to_dict())
    except DomainError as exc:  # LogoutRefused, ProviderUnavailable
        current_app.logger.warning("SAML logout request refused: %s", exc)
        abort(400, description=str(exc))
    db.session.commit()
    return redirect(answer_at)


def single_logout_url() -> str | None:
    """Where to send a person who logs out after signing in here: the IdP's single logout,
    which comes back to the log-in page, when its metadata offers one."""
    ticket = session.pop(LOGOUT_TICKET_KEY, None)
    if ticket is None or not provider.is_enabled(current_app.config):
        return None
    try:
        return logout.logout_location(provider.service_provider(current_app.config), ticket)
    except provider.ProviderUnavailable:
        return None


def _refused(reason: str, *, now, who: str | None = None):
    """Nothing of the attempt is kept but the audit entry and the log line."""
    db.session.rollback()
    current_app.logger.warning("SAML sign-in refused (%s): %s", who, reason)
    record_refused(services.PROVIDER, reason, now=now, who=who)
    db.session.commit()
    return render_template("auth/sign_in_refused.html", reason=reason), 403


def _attribute_names() -> rules.AttributeNames:
    config = current_app.config
    return rules.AttributeNames(
        email=config["SAML_ATTRIBUTE_EMAIL"],
        hr_id=config["SAML_ATTRIBUTE_HR_ID"],
        name=config["SAML_ATTRIBUTE_NAME"],
        groups=config["SAML_ATTRIBUTE_GROUPS"],
    )


def _enabled_or_404() -> None:
    if not provider.is_enabled(current_app.config):
        abort(404)
