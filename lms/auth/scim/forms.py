"""Forms of the SCIM token pages (CSRF-protected, as every form in Uptake)."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class ScimTokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the token a name, such as the identity provider's."),
            Length(max=200),
        ],
    )


class RevokeTokenForm(FlaskForm):
    """The confirming button: just the CSRF token."""
