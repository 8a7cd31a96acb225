from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import Email, Optional

from lms.request_values import CalendarDateField


class AssignForm(FlaskForm):
    email = EmailField("A person (e-mail)", validators=[Optional(), Email()])
    division = SelectField("Or everyone in a division", coerce=str, validators=[Optional()])
    due_on = CalendarDateField("Due on", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if bool(self.email.data) == bool(self.division.data):
            self.email.errors.append("Give either a person's e-mail or a division, not both.")
            return False
        return True
