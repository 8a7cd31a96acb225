"""What a statement query asks for (xAPI 1.0.3, Communication 2.1.3): one statement by id,
or a filtered, ordered page. lms.xapi.lrs.query_params parses it from a request; query.py
answers it. Pure."""

from dataclasses import dataclass
from datetime import datetime

MAX_LIMIT = 500  # the most statements one page returns, whatever `limit` asks for


@dataclass(frozen=True)
class StatementQuery:
    """What a GET asks for: one statement by id, or a filtered, ordered page."""

    statement_id: str | None = None
    voided_statement_id: str | None = None
    agent: str | None = None  # an agent key, see identifiers.agent_key
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = MAX_LIMIT
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False

    @property
    def single(self) -> str | None:
        return self.statement_id or self.voided_statement_id

    @property
    def filtered(self) -> bool:
        """Whether any filter other than time and sequence applies (so StatementRefs count)."""
        return any((self.agent, self.verb, self.activity, self.registration))
