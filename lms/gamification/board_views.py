"""Leaderboards and contests, as people see them."""

from lms.gamification.views import bp  # noqa: F401
