"""The gamification blueprint. Its routes live in the modules for their area, which add
them to `bp`: badge_views (Open Badges and badge pages), board_views (leaderboards and
contests as people see them), incentive_views (HR's incentive pages), points_views
(a person's points, levels and preferences)."""

from flask import Blueprint

bp = Blueprint("gamification", __name__)
