"""Badges: definitions and criteria (pure), whether a person meets one (asked of the store),
awarding and revoking, drawn and baked images, the hosted Open Badges 2.0 documents, and the
badge pages."""
