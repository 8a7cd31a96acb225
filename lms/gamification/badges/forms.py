"""The form HR and admins revoke a badge with: a reason (required, shown to the person),
then a confirmation."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from lms.gamification.badges.rules import MAX_REASON


class RevokeBadgeForm(FlaskForm):
    reason = TextAreaField(
        "Why is the badge revoked? The person sees this.",
        validators=[DataRequired("Say why the badge is revoked."), Length(max=MAX_REASON)],
    )
    confirmed = HiddenField(validators=[Optional(), AnyOf(["", "yes"])])
