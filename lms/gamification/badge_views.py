"""Badges: each badge's page, a person's badges, the hosted Open Badges 2.0 Issuer,
BadgeClass and Assertion, baked images, revocation."""

from lms.gamification.views import bp  # noqa: F401
