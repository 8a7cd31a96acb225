"""The gamification blueprint. Its routes live in the views of its sub-packages, which add
them to `bp`: badges (Open Badges and badge pages), boards (leaderboards and contests as
people see them), incentives (HR's incentive pages), points (a person's points, levels and
preferences)."""

from flask import Blueprint

bp = Blueprint("gamification", __name__)
