"""Points and levels: the rules engine that decides what newly stored statements earn, the
append-only ledger and its per-period tallies, levels, the rules in force, the rebuild that
checks the ledger against the statements, and a person's points as they and HR see them."""
