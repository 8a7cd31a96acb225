from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class TargetForm(FlaskForm):
    target_percent = IntegerField(
        "Adoption target (%)",
        validators=[
            InputRequired("Give the target as a whole percentage."),
            NumberRange(1, 100, "Give a whole percentage from 1 to 100."),
        ],
    )
