"""The audit log: every change to roles, people and settings — who made it, when, and what
changed. The services that make those changes write it in their own transaction; admins read
it on the Audit log page and on each person's page."""
