"""Gamification, a projection of the statement stream: points (the engine, an append-only
ledger and its tallies, levels), badges (Open Badges 2.0), leaderboards and contests, and HR's
incentives. The rules in force come from content/gamification (content/, ruleset.py); the pure
rules every part shares are rules.py; the one blueprint is views.py."""
