"""Forms of HR's incentive pages: granting a reward, and creating or editing a contest. Each
field names itself in its errors; rules that span fields are checked by the services
(contests.save_contest)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from lms.gamification.rules import (
    CONTEST_METRICS,
    CONTEST_PERIODS,
    CONTEST_SCOPES,
    CONTEST_STATUSES,
)
from lms.request_values import MAX_ID, CalendarDateField


def _iri(_form, field):
    if field.data and not field.data.startswith(("http://", "https://")):
        raise ValidationError(f"{field.label.text}: must be an IRI starting http:// or https://")


class RewardForm(FlaskForm):
    user_id = IntegerField(
        "Winner",
        validators=[
            DataRequired("Winner: choose who gets it."),
            NumberRange(1, MAX_ID, "Winner: choose who gets it."),
        ],
    )
    prize = StringField(
        "Prize",
        validators=[
            DataRequired("Prize: say what is granted."),
            Length(max=300, message="Prize: at most 300 characters."),
        ],
    )
    note = TextAreaField(
        "Note", validators=[Length(max=2000, message="Note: at most 2,000 characters.")]
    )
    # Asked on the confirmation page, when the period has not ended (boards.rules).
    grant_early = BooleanField("Grant early: the period has not ended, grant the reward now")
    confirmed = HiddenField(
        validators=[Optional(), AnyOf(["", "yes"], "Confirmation: confirm on the page that asks.")]
    )


class ContestForm(FlaskForm):
    title = StringField(
        "Title", validators=[DataRequired("Title: give the contest a title."), Length(max=200)]
    )
    description = TextAreaField("Description", validators=[Length(max=1000)])
    metric = SelectField(
        "Metric", choices=[SelectChoice(m, m.replace("_", " ")) for m in CONTEST_METRICS]
    )
    verb_id = StringField("Verb IRI", validators=[Length(max=2048), _iri])
    activity_type = StringField("Activity type IRI", validators=[Length(max=2048), _iri])
    activity_prefix = StringField("Activity id prefix", validators=[Length(max=2048), _iri])
    period = SelectField("Period", choices=[SelectChoice(p, p) for p in CONTEST_PERIODS])
    scope = SelectField("Scope", choices=[SelectChoice(s, s) for s in CONTEST_SCOPES])
    division_id = SelectField("Division", coerce=int, validators=[Optional()])
    team_manager_id = SelectField("Team manager", coerce=int, validators=[Optional()])
    eligible_roles = StringField(
        "Eligible job roles (slugs, space-separated; empty = everyone)",
        validators=[Length(max=500)],
    )
    min_samples = IntegerField(
        "Minimum samples",
        default=1,
        validators=[NumberRange(1, 1000, "Minimum samples: a whole number from 1 to 1000.")],
    )
    prize = StringField("Prize", validators=[Length(max=300)])
    status = SelectField("Status", choices=[SelectChoice(s, s) for s in CONTEST_STATUSES])
    starts_on = CalendarDateField("Starts on", validators=[Optional()])

    def values(self) -> dict:
        names = [name for name in self._fields if name not in ("csrf_token",)]
        values = {name: self[name].data for name in names}
        for name in ("division_id", "team_manager_id"):
            values[name] = values[name] or None
        for name in ("verb_id", "activity_type", "activity_prefix", "eligible_roles", "prize"):
            values[name] = (values[name] or "").strip()
        return values
