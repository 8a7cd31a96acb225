from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.gamification.points.ledger import MAX_MANUAL


class AdjustPointsForm(FlaskForm):
    """HR's bonus or penalty. The service checks the same rules, so a forged post meets
    them too."""

    points = IntegerField(
        "Points (negative for a penalty)",
        validators=[
            InputRequired("Give the points: a bonus, or a negative number for a penalty."),
            NumberRange(-MAX_MANUAL, MAX_MANUAL, "Points must be between -10,000 and 10,000."),
        ],
    )
    reason = TextAreaField(
        "Reason (the person sees it)",
        validators=[DataRequired("Say why: the person sees the reason."), Length(max=2000)],
    )


class DismissForm(FlaskForm):
    """Only the CSRF token: dismissing the level-up notice."""
