"""Points and levels: the rules engine that decides what newly stored statements earn (points,
then the badges they may complete, levels, data-quality samples), the append-only ledger and
its per-period tallies, the rebuild that checks the ledger against the statements, and a
person's points as they and HR see them."""
