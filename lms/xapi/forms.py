"""Forms of the LRS pages for people (CSRF-protected, as every form in Uptake)."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from lms.form_fields import CheckboxesField
from lms.xapi.clients import SCOPES


def at_least_one(_form, field) -> None:
    """A client may do at least one thing."""
    # Not DataRequired: that would mark every checkbox `required` for the browser.
    if not field.data:
        raise ValidationError("Choose at least one scope.")


class LrsClientForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Give the client a name."), Length(max=200)]
    )
    scopes = CheckboxesField(
        "May",
        choices=[SelectChoice(scope, f"{scope}: {meaning}") for scope, meaning in SCOPES.items()],
        validators=[at_least_one],
    )


class RevokeClientForm(FlaskForm):
    """The confirming button: just the CSRF token."""
