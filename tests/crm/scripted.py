"""A connector whose CRM is a list in memory: for the tests of what every connector shares
(the sync loop, matching people, statements, cursors). The connectors themselves are tested
against BottleCRM running here and recorded vendor responses (tests/crm/<crm>/)."""

from datetime import datetime, timedelta

from lms.crm.connectors.base import ConnectorError, CrmEvent, CrmUser, Page
from tests.conftest import T0


class ScriptedConnector:
    kind = "scripted"
    title = "Scripted CRM"

    def __init__(self, streams: dict[str, list[CrmEvent]], users=(), *, page_size: int = 2):
        self.events = streams
        self.known_users = list(users)
        self.page_size = page_size
        self.failures: dict[str, ConnectorError] = {}
        self.pulls: list[tuple[str, str | None, datetime | None]] = []

    def streams(self) -> tuple[str, ...]:
        return tuple(self.events)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        self.pulls.append((stream, cursor, since))
        if stream in self.failures:
            raise self.failures[stream]
        events = self.events[stream]
        start = int(cursor) if cursor else 0
        if cursor is None and since is not None:
            start = next((i for i, e in enumerate(events) if e.at >= since), len(events))
        page = events[start : start + self.page_size]
        end = start + len(page)
        return Page(page, cursor=str(end), more=end < len(events))

    def users(self) -> list[CrmUser]:
        return self.known_users

    def check(self) -> str:
        return f"{len(self.known_users)} users"


FIVE_UPDATES = [
    CrmEvent(f"e{n}", "updated", T0 + timedelta(hours=n), "U1", "contact", f"C{n}", fields={})
    for n in range(5)
]


class FromSettings(ScriptedConnector):
    """The scripted CRM, built as the registry builds a connector (from its settings): Ann
    (ann@acme.test) updates five contacts."""

    def __init__(self, settings):
        assert settings.secret == "token-from-env"
        super().__init__({"contact": FIVE_UPDATES}, [CrmUser("U1", "Ann", email="ann@acme.test")])
