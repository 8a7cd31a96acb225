"""Feedback on the CRM: problems and suggestions, their triage, and the answers."""
