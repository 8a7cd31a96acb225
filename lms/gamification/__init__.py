"""Gamification, a projection of the statement stream: points (the engine, an append-only
ledger and its tallies, levels), badges (Open Badges 2.0), leaderboards and contests, and HR's
incentives. At the root, what every part shares: the pure rules (rules.py), what the rules see
of a stored statement (facts.py), the rules in force, read from content/gamification
(ruleset.py, content/), the models and the one blueprint (views.py)."""
