"""OpenID Connect sign-in's pages: the redirect to the provider, and its callback."""

from flask import (
    Blueprint,
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
from lms.auth.sso.oidc import protocol
from lms.auth.sso.oidc.rules import PROVIDER, OidcRefused
from lms.auth.sso.people import person_for_sign_in, record_refused
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError

bp = Blueprint("oidc", __name__, url_prefix="/auth/oidc")
PENDING_KEY = "oidc_pending"
ID_TOKEN_KEY = "oidc_id_token"
# Kept for the provider's logout only while it leaves the session cookie room to spare.
MAX_KEPT_ID_TOKEN = 2500


@bp.app_context_processor
def sign_in_button() -> dict:
    """The log-in page's button, when OpenID Connect is configured."""
    settings = protocol.oidc_settings(current_app.config)
    if settings is None or not has_request_context():  # e-mails rendered by a command
        return {"oidc_sign_in": None}
    url = url_for("oidc.sign_in", next=safe_next(request.args.get("next")))
    return {"oidc_sign_in": {"url": url, "label": settings.provider_name}}


@bp.get("/sign-in")
def sign_in():
    settings = _settings_or_404()
    try:
        metadata = protocol.provider_metadata(settings)
    except OidcRefused as exc:
        return _refused(str(exc), now=utcnow(), status=503)
    url, pending = protocol.begin_sign_in(
        settings,
        metadata,
        redirect_uri=_redirect_uri(),
        next_url=safe_next(request.args.get("next")),
    )
    session[PENDING_KEY] = pending.as_dict()
    return redirect(url)


@bp.get("/callback")
def callback():
    settings, now = _settings_or_404(), utcnow()
    saved = session.pop(PENDING_KEY, None)
    pending = protocol.PendingSignIn(**saved) if saved else None
    claims = None
    try:
        metadata = protocol.provider_metadata(settings)
        claims, id_token = protocol.finish_sign_in(
            settings, metadata, pending, request.args, redirect_uri=_redirect_uri(), now=now
        )
        person = person_for_sign_in(claims, now=now)
    except (OidcRefused, DomainError) as exc:  # DomainError: SignInRefused and the like
        return _refused(str(exc), now=now, who=claims)
    login_user(person)
    if len(id_token) <= MAX_KEPT_ID_TOKEN:
        session[ID_TOKEN_KEY] = id_token
    db.session.commit()
    return redirect(pending.next_url or url_for("courses.my_plan"))


def single_logout_url() -> str | None:
    """Where to send a person who logs out after signing in here: the provider's own
    logout (RP-initiated), which comes back to the log-in page, when it offers one."""
    settings = protocol.oidc_settings(current_app.config)
    if settings is None or ID_TOKEN_KEY not in session:
        return None
    id_token = session.pop(ID_TOKEN_KEY)
    try:
        metadata = protocol.provider_metadata(settings)
    except OidcRefused:
        return None
    after = current_app.config["BASE_URL"] + url_for("auth.login")
    return protocol.logout_url(settings, metadata, id_token=id_token, after_logout=after)


def _refused(reason: str, *, now, who=None, status: int = 403):
    """Nothing of the attempt is kept but the audit entry and the log line."""
    db.session.rollback()
    name = (who.email or who.subject) if who is not None else None
    current_app.logger.warning("OpenID Connect sign-in refused (%s): %s", name, reason)
    record_refused(PROVIDER, reason, now=now, who=name)
    db.session.commit()
    return render_template("auth/sign_in_refused.html", reason=reason), status


def _redirect_uri() -> str:
    """The callback on the public BASE_URL: the one registered with the provider."""
    return current_app.config["BASE_URL"] + url_for("oidc.callback")


def _settings_or_404() -> protocol.OidcSettings:
    settings = protocol.oidc_settings(current_app.config)
    if settings is None:
        abort(404)
    return settings
