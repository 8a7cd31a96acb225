"""HR's incentive pages: boards and contests for any period, winners, reward grants,
exports, the audit."""

from lms.gamification.views import bp  # noqa: F401
