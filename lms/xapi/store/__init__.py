"""What the LRS keeps and how: storing a validated batch with a handful of bulk statements,
reading statements back through indexed lookups, the agents and activities each mentions, the
Uptake person behind an actor, canonical Activity definitions, State and profile documents,
a person's activity history, and NDJSON export. Services: they flush, never commit."""
