"""Forms of the CRM pages (CSRF-protected, as every form in Uptake)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.crm.connections import KINDS, PURPOSES


class ConnectionForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the connection a name."), Length(max=100)]
    )
    kind = SelectField("CRM", choices=[SelectChoice(k, title) for k, title in KINDS.items()])
    purpose = SelectField("For", choices=[SelectChoice(k, words) for k, words in PURPOSES.items()])
    base_url = StringField(
        "Address",
        validators=[DataRequired("Give the CRM's address."), Length(max=500)],
        description="e.g. https://acme.my.salesforce.com, https://acme.crm4.dynamics.com",
    )
    secret_env = StringField(
        "Environment variable holding the secret",
        validators=[Optional(), Length(max=100)],
        description="The name only, e.g. UPTAKE_SALESFORCE_KEY: secrets are never stored.",
    )
    options = TextAreaField(
        "Settings",
        validators=[Optional(), Length(max=2000)],
        description=(
            "One KEY=VALUE a line, as the README says for this CRM (client ids, user names)."
        ),
    )


class MatchForm(FlaskForm):
    person_email = StringField(
        "Person's e-mail in Uptake",
        validators=[DataRequired("Give the person's e-mail."), Length(max=254)],
    )


class ActivityUploadForm(FlaskForm):
    file = FileField("CSV export of CRM activity", validators=[FileRequired("Choose a file.")])


class ButtonForm(FlaskForm):
    """A button that changes something: just the CSRF token."""
