from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from lms.locales import LANGUAGE_NAMES, SHIPPED_LOCALES, time_zone_names
from lms.request_values import CalendarDateField


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class PreferencesForm(FlaskForm):
    """Language and time zone; the empty choice follows the company's default. The service
    (lms.auth.preferences) checks the values again, so a hand-made post is refused too."""

    locale = SelectField(_l("Language"), validate_choice=False)
    time_zone = SelectField(_l("Time zone"), validate_choice=False)

    def __init__(self, *args, company_language: str | None, company_time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        default_language = (
            _l("Company default (%(name)s)", name=LANGUAGE_NAMES[company_language])
            if company_language
            else _l("Your browser's language")
        )
        self.locale.choices = [("", default_language)] + [
            (code, LANGUAGE_NAMES[code]) for code in SHIPPED_LOCALES
        ]
        self.time_zone.choices = [
            ("", _l("Company default (%(name)s)", name=company_time_zone))
        ] + [(name, name.replace("_", " ")) for name in time_zone_names()]


class PersonForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    job_role = SelectField("Job role", validators=[DataRequired()])
    division = StringField("Division", validators=[Optional(), Length(max=120)])
    manager_email = EmailField("Manager's e-mail", validators=[Optional(), Email()])
    employee_id = StringField("HR id", validators=[Optional(), Length(max=64)])
    # InputRequired, not DataRequired: DataRequired would replace the date's own error.
    hire_date = CalendarDateField("Hire date", validators=[InputRequired()])
    is_hr = BooleanField("HR")
    is_admin = BooleanField("Administrator")


class ImportForm(FlaskForm):
    file = FileField("HR export (CSV)", validators=[FileRequired("Choose a CSV file.")])


class ChampionForm(FlaskForm):
    email = EmailField("Name a champion (e-mail)", validators=[DataRequired(), Email()])


class ConfirmForm(FlaskForm):
    """A button that changes something: just the CSRF token."""
