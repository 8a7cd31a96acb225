"""Log-in, log-out, passwords, and the home page."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import rules, services
from lms.auth.forms import ChangePasswordForm, LoginForm, PreferencesForm, SetPasswordForm
from lms.auth.preferences import set_preferences
from lms.auth.sso import passwords
from lms.auth.sso.oidc import views as oidc_views
from lms.auth.sso.rules import may_use_password
from lms.auth.sso.saml import views as saml_views
from lms.clock import utcnow
from lms.database import db
from lms.errors import DomainError, FieldError

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("courses.my_plan"))
    form = LoginForm()
    policy = _password_policy()
    if form.validate_on_submit():
        try:
            passwords.check_password_sign_in(form.email.data, policy)
            user = services.authenticate(
                form.email.data,
                form.password.data,
                address=request.remote_addr or "unknown",
                now=utcnow(),
            )
        except passwords.PasswordSignInOff as exc:
            flash(str(exc), "error")
        except services.LoginRefused as exc:
            db.session.commit()  # keep the failed-attempt count
            flash(str(exc), "error")
        else:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(rules.safe_next(request.args.get("next")) or url_for("courses.my_plan"))
    # With passwords off, the form is shown only at /login?break-glass (README).
    offer_password = policy.enabled or "break-glass" in request.args
    return render_template("auth/login.html", form=form, offer_password=offer_password)


@bp.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)
    db.session.commit()
    # Signed in through an identity provider: logged out there too, where it offers that.
    provider_logout = oidc_views.single_logout_url() or saml_views.single_logout_url()
    logout_user()
    if provider_logout:
        return render_template("auth/signing_out.html", provider_logout=provider_logout)
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            passwords.check_password_sign_in(current_user.email, _password_policy())
            services.change_password(current_user, form.current_password.data, form.password.data)
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        except passwords.PasswordSignInOff as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            # The session id includes the password fingerprint. The person, not the proxy:
            # Flask-Login would keep the proxy as the user, and the next read of it recurse.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(form, _preferences_form())


@bp.post("/account/preferences")
@login_required
def change_preferences():
    form = _preferences_form()
    if form.validate_on_submit():
        try:
            set_preferences(
                current_user, locale=form.locale.data, time_zone=form.time_zone.data, now=utcnow()
            )
        except FieldError as exc:
            getattr(form, exc.field).errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your language and time zone are saved."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(ChangePasswordForm(formdata=None), form), 400


def _preferences_form() -> PreferencesForm:
    return PreferencesForm(
        prefix="preferences",
        obj=current_user,
        company_language=current_app.config["DEFAULT_LOCALE"],
        company_time_zone=current_app.config["DEFAULT_TIME_ZONE"],
    )


def _account_page(password_form, preferences_form):
    return render_template(
        "auth/account.html",
        form=password_form,
        preferences_form=preferences_form,
        offer_password=may_use_password(current_user.email, _password_policy()),
    )


def _password_policy():
    return passwords.password_policy(current_app.config)


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config["PASSWORD_LINK_MAX_AGE"]
    try:
        passwords.check_password_link(token, _password_policy(), secret=secret, max_age=max_age)
    except DomainError as exc:
        return render_template("auth/sign_in_refused.html", reason=str(exc)), 403
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_from_token(
                token,
                form.password.data,
                secret=secret,
                max_age=max_age,
            )
        except FieldError as exc:
            form.password.errors.append(str(exc))
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            login_user(user)
            flash("Your password is set. Welcome to Uptake.", "success")
            return redirect(url_for("courses.my_plan"))
    return render_template("auth/set_password.html", form=form)
