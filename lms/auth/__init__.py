"""People, access roles, organisation structure, log-in."""
