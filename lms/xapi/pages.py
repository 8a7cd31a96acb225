"""The LRS's pages for people (admins' client and outbox pages, a person's activity history).
Kept apart from the /xapi/ protocol blueprint because these forms carry CSRF tokens."""

from flask import Blueprint

bp = Blueprint("lrs", __name__)
