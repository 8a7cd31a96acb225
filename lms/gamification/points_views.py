"""A person's points, level and history, and how they appear on leaderboards."""

from lms.gamification.views import bp  # noqa: F401
