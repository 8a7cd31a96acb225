"""Leaderboards and contests: standings read from the tallies and the statements (never a
score kept on a person), how people appear to colleagues, and the boards as learners see
them."""
