from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField
from wtforms.validators import Email, Optional


class AssignForm(FlaskForm):
    email = EmailField("A person (e-mail)", validators=[Optional(), Email()])
    division = SelectField("Or everyone in a division", coerce=str, validators=[Optional()])
    due_on = DateField("Due on", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if bool(self.email.data) == bool(self.division.data):
            self.email.errors.append("Give either a person's e-mail or a division, not both.")
            return False
        return True
