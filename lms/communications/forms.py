from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from lms.communications.services import MAIL_FILTERS
from lms.request_values import CalendarDateField


class MuteForm(FlaskForm):
    mute_non_essential = BooleanField(
        "Mute non-essential messages (recognition, check-ins): no e-mail, not counted as unread"
    )


class SentFilterForm(FlaskForm):
    """The filters of the sent-messages record: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField("Person", validators=[Optional(), Length(max=200)])
    kind = SelectField("Kind", choices=[SelectChoice("", "All")], validators=[Optional()])
    mail = SelectField(
        "E-mail",
        choices=[SelectChoice("", "All"), *(SelectChoice(k, v) for k, v in MAIL_FILTERS.items())],
        validators=[Optional()],
    )
    since = CalendarDateField(
        "From",
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    until = CalendarDateField("To", validators=[Optional()], render_kw={"type": "date"})

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.since.data and self.until.data and self.since.data > self.until.data:
            self.until.errors = ["The last day comes after the first."]
            return False
        return valid
