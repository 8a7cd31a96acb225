"""Uptake's own learning record: the xAPI statements each domain event stands for, built
with `tincan` from the vocabulary, and stored in the transaction that made the change."""
