from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.feedback.rules import AREAS, CATEGORIES, MAX_ANSWER, MAX_DESCRIPTION, STATUSES


class FeedbackForm(FlaskForm):
    """The report. The service checks the same rules again, so a forged post meets them."""

    category = RadioField(
        "What is it?",
        choices=[SelectChoice(key, label) for key, label in CATEGORIES.items()],
        validators=[DataRequired("Choose a problem or a suggestion.")],
    )
    area = SelectField(
        "Which part of the CRM?",
        choices=[SelectChoice("", "Choose…"), *(SelectChoice(k, v) for k, v in AREAS.items())],
        validators=[DataRequired("Choose the part of the CRM it is about.")],
    )
    description = TextAreaField(
        "Describe it",
        validators=[
            DataRequired("Describe the problem or the suggestion."),
            Length(max=MAX_DESCRIPTION, message=f"Keep it under {MAX_DESCRIPTION} characters."),
        ],
    )


class TriageForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(key, label) for key, label in STATUSES.items()]
    )
    answer = TextAreaField(
        "Answer to the reporter",
        validators=[Length(max=MAX_ANSWER, message=f"Keep it under {MAX_ANSWER} characters.")],
    )
