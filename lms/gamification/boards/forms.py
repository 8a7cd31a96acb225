"""The form of a person's leaderboard preferences."""

from flask_wtf import FlaskForm
from wtforms import BooleanField


class PreferencesForm(FlaskForm):
    show_name = BooleanField("Show my name on leaderboards colleagues see")
    on_public_boards = BooleanField("Include me on leaderboards colleagues see")
