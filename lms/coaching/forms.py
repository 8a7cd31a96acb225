from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from lms.coaching.rules import HOW
from lms.form_fields import CheckboxesField


def how_field() -> SelectField:
    return SelectField(
        "How was the skill shown?",
        choices=[SelectChoice("", "—"), *(SelectChoice(key, label) for key, label in HOW.items())],
        validators=[Optional()],
    )


class SignOffForm(FlaskForm):
    """The short sign-off form. The step's own rules (how for step 1, a note for step 4)
    are checked by the service, so a forged post meets them too."""

    how = how_field()
    note = TextAreaField("Note for the learner", validators=[Length(max=4000)])
    override_reason = TextAreaField(
        "Reason for the override", validators=[Optional(), Length(max=2000)]
    )
    confirmed = HiddenField(validators=[Optional(), AnyOf(["", "yes"])])
    back = HiddenField(validators=[Optional(), AnyOf(["", "board", "person"])])


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why is it withdrawn?", validators=[DataRequired("Say why."), Length(max=2000)]
    )


class DelegateForm(FlaskForm):
    email = EmailField("Coach's e-mail", validators=[DataRequired(), Email(), Length(max=254)])


class SeveralForm(FlaskForm):
    """One step for several learners: whom (checkboxes), how (step 1) and the note each of
    them gets. The choices are the coach's own ready learners, set by the view."""

    people = CheckboxesField(
        "Who",
        coerce=int,
        validators=[DataRequired("Choose at least one person.")],
        invalid_choice_message="Choose among the people listed: the others are not ready for"
        " your sign-off of this step, or not yours to coach.",
    )
    how = how_field()
    note = TextAreaField("Note for each of them", validators=[Length(max=4000)])
    confirmed = HiddenField(validators=[Optional(), AnyOf(["", "yes"])])
