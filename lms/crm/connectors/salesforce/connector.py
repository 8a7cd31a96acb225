"""The Salesforce connector: its streams, users and connection test (see the package's
docstring)."""

from datetime import datetime
from typing import ClassVar

import requests

from lms.crm.connectors.base import ConnectionSettings, ConnectorError, CrmUser, Page
from lms.crm.connectors.salesforce.activity import ReportViews, pull_logins
from lms.crm.connectors.salesforce.api import SalesforceApi, SalesforceRefused
from lms.crm.connectors.salesforce.objects import RECORD_OBJECTS
from lms.crm.connectors.salesforce.records import RecordStreams
from lms.crm.connectors.salesforce.sign_in import SignIn, my_domain_of

PAGE_SIZE = 2000  # rows per pull (SOQL LIMIT); Salesforce sends them in batches of up to 2000
LOG_FILES_PER_PAGE = 5  # Event Monitoring log files per pull; each is one CSV download
LOGINS, REPORTS = "logins", "reports"
_ACTIVE_USERS = "SELECT COUNT() FROM User WHERE IsActive = true AND UserType = 'Standard'"


class Salesforce:
    """The Salesforce connector (see the package's docstring)."""

    kind: ClassVar[str] = "salesforce"
    title: ClassVar[str] = "Salesforce"

    def __init__(self, settings: ConnectionSettings, *, session: requests.Session | None = None):
        self.my_domain = my_domain_of(settings.base_url)
        self.sign_in = SignIn.from_settings(settings, self.my_domain)
        self.http = session or requests.Session()
        self.page_size = PAGE_SIZE
        self.log_files_per_page = LOG_FILES_PER_PAGE
        self.api = SalesforceApi(self.my_domain, self.sign_in, self.http)
        self._records = RecordStreams(self.api)
        self._reports = ReportViews(self.api)

    def streams(self) -> tuple[str, ...]:
        return (*RECORD_OBJECTS, LOGINS, REPORTS)

    def pull(self, stream: str, cursor: str | None, *, since: datetime | None = None) -> Page:
        if stream in RECORD_OBJECTS:
            spec = RECORD_OBJECTS[stream]
            return self._records.pull(spec, cursor, since, limit=self.page_size)
        if stream == LOGINS:
            return pull_logins(self.api, cursor, since, limit=self.page_size)
        if stream == REPORTS:
            return self._reports.pull(
                cursor, since, limit=self.page_size, log_files=self.log_files_per_page
            )
        raise ConnectorError(f"Salesforce has no stream {stream!r}")

    def users(self) -> list[CrmUser]:
        """Every internal user, active or not: Salesforce never deletes a user, it deactivates
        them (IsActive false)."""
        soql = (
            "SELECT Id, Name, Email, EmployeeNumber, IsActive FROM User "
            "WHERE UserType = 'Standard' ORDER BY Id"
        )
        records, _ = self.api.query("User", soql, everything=True)
        return [
            CrmUser(
                crm_id=user["Id"],
                name=user.get("Name") or user["Id"],
                email=user.get("Email") or None,
                hr_id=user.get("EmployeeNumber") or None,
                active=bool(user.get("IsActive")),
            )
            for user in records
        ]

    def check(self) -> str:
        """Sign in, count the active users and read what is left of today's API requests."""
        options = self.api.request_options
        active = self.api.call("User", lambda sf: sf.query(_ACTIVE_USERS, **options))
        words = f"Signed in to {self.host} as {self.api.api_user_name()}; "
        words += f"{active['totalSize']} active users"
        try:
            limits = self.api.call("limits", lambda sf: sf.limits(**options))
        except SalesforceRefused as refused:  # /limits needs View Setup and Configuration
            return f"{words}; the org's API limits are not readable ({refused.code})"
        daily = limits.get("DailyApiRequests") or {}
        if "Max" in daily and "Remaining" in daily:
            words += f"; API requests left today: {daily['Remaining']:,} of {daily['Max']:,}"
        return words

    @property
    def host(self) -> str:
        return self.api.host
