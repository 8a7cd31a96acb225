"""What people do in Salesforce besides changing records: log-ins from LoginHistory, and report
views from ReportEventLog or Event Monitoring's daily log files."""

import csv
import io
import re
from collections.abc import Mapping
from datetime import datetime

from lms.crm.connectors.base import (
    LOGGED_IN,
    REPORT,
    VIEWED,
    ConnectorError,
    CrmEvent,
    Page,
)
from lms.crm.connectors.salesforce.api import API_VERSION, SalesforceApi, SalesforceRefused
from lms.crm.connectors.salesforce.positions import (
    Position,
    next_cursor,
    page,
    parse_time,
    position_of,
    within,
)

# Error codes meaning "this org or this API user cannot read that object" (not a fault).
NOT_AVAILABLE = {
    "INVALID_TYPE",
    "NOT_FOUND",
    "INSUFFICIENT_ACCESS",
    "INSUFFICIENT_ACCESS_OR_READONLY",
    "INVALID_FIELD",
}
REPORT_ID_IN_URI = re.compile(r"\b(00O[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?)\b")
REPORT_SOURCES = (  # (object, what the API user needs to read it), best first
    ("ReportEventLog", "the View Event Log Object Data permission (Event Monitoring)"),
    ("EventLogFile", "the View Event Log Files permission and the Event Monitoring licence"),
)


def pull_logins(api: SalesforceApi, cursor: str | None, since: datetime | None, *, limit: int):
    """Successful log-ins, each LoginHistory row once; the connector's own sign-ins (the
    API user's) are left out."""
    position = position_of(cursor, since)
    records, more = api.read_after(
        "LoginHistory",
        ("Id", "UserId", "LoginTime", "LoginType"),
        "LoginTime",
        position,
        where="Status = 'Success'",
        limit=limit,
    )
    events = [
        CrmEvent(
            event_id=f"LoginHistory/{row['Id']}",
            action=LOGGED_IN,
            at=parse_time(row["LoginTime"]),
            user_id=row["UserId"],
            native_type="LoginHistory",
        )
        for row in records
        if row["UserId"] != api.api_user_id
    ]
    return page(events, next_cursor(records, "LoginTime", position), more)


class ReportViews:
    """The report-views stream of one connection; which source the org offers is asked once.
    Its cursor is "<source>@<position>"."""

    def __init__(self, api: SalesforceApi):
        self.api = api
        self._source: str | None = None
        self._unavailable: ConnectorError | None = None

    def pull(self, cursor: str | None, since: datetime | None, *, limit: int, log_files: int):
        """Report runs and exports: from ReportEventLog where the org has Event Monitoring's
        event log objects, else from the daily Report and ReportExport log files (`log_files`
        of them per pull). An org with neither raises one ConnectorError saying which
        permission or licence is missing."""
        source, _, rest = (cursor or "").partition("@")
        position = position_of(rest or None, since)
        if not source:
            source = self._source or self._find_source()
        if source == "ReportEventLog":
            found = self._from_event_log(position, limit)
        elif source == "EventLogFile":
            found = self._from_log_files(position, since, log_files)
        else:
            raise ConnectorError(f"the stored cursor names an unknown report source {source!r}")
        cursor = f"{source}@{found.cursor}" if found.cursor else None
        return Page(found.events, cursor, found.more)

    def _find_source(self) -> str:
        """The first report source the API user can read; an org with neither is told once
        per connector (later pulls repeat the error without asking Salesforce again)."""
        if self._unavailable is not None:
            raise self._unavailable
        missing = []
        for source, needs in REPORT_SOURCES:
            try:
                self.api.call(
                    source,
                    lambda sf, s=source: sf.query(
                        f"SELECT Id FROM {s} LIMIT 1", **self.api.request_options
                    ),
                )
            except SalesforceRefused as refused:
                if refused.code not in NOT_AVAILABLE:
                    raise
                missing.append(f"{source} needs {needs} ({refused.code})")
            else:
                self._source = source
                return source
        self._unavailable = ConnectorError(
            "report views cannot be read: the API user can read neither ReportEventLog nor "
            f"EventLogFile; {'; '.join(missing)}. Grant one to read report views."
        )
        raise self._unavailable

    def _from_event_log(self, position: Position | None, limit: int) -> Page:
        select = ("Id", "Timestamp", "UserIdentifier", "ReportIdentifier", "RequestIdentifier")
        records, more = self.api.read_after(
            "ReportEventLog", select, "Timestamp", position, limit=limit
        )
        events = [
            self._report_view(
                at=parse_time(row["Timestamp"]),
                user_id=row.get("UserIdentifier"),
                report_id=row.get("ReportIdentifier"),
                request_id=row.get("RequestIdentifier") or row["Id"],
                native_type="ReportEventLog",
            )
            for row in records
        ]
        return page([e for e in events if e], next_cursor(records, "Timestamp", position), more)

    def _from_log_files(self, position: Position | None, since: datetime | None, limit: int):
        """One CSV download per log file; the cursor walks the files by CreatedDate (a day's
        file appears the next day)."""
        files, more = self.api.read_after(
            "EventLogFile",
            ("Id", "EventType", "LogDate", "CreatedDate"),
            "CreatedDate",
            position,
            where="EventType IN ('Report', 'ReportExport') AND Interval = 'Daily'",
            limit=limit,
        )
        events = []
        for log_file in files:
            path = f"/services/data/v{API_VERSION}/sobjects/EventLogFile/{log_file['Id']}/LogFile"
            text = self.api.download(f"EventLogFile {log_file['Id']}", path)
            for row in csv.DictReader(io.StringIO(text)):
                event = self._report_view(
                    at=_log_time(row),
                    user_id=row.get("USER_ID_DERIVED") or row.get("USER_ID"),
                    report_id=_report_id(row),
                    request_id=row.get("REQUEST_ID"),
                    native_type=f"EventLogFile/{log_file['EventType']}",
                )
                if event and within(event.at, since):
                    events.append(event)
        return page(events, next_cursor(files, "CreatedDate", position), more)

    def _report_view(self, *, at, user_id, report_id, request_id, native_type) -> CrmEvent | None:
        """A report view; the same request's row read from either source has the same id."""
        if not (user_id and report_id and request_id):
            return None
        report_id = id18(report_id)
        return CrmEvent(
            event_id=f"Report/{request_id}/{report_id}",
            action=VIEWED,
            at=at,
            user_id=id18(user_id),
            object=REPORT,
            record_id=report_id,
            native_type=native_type,
            url=f"{self.api.instance_url()}/lightning/r/Report/{report_id}/view",
        )


def id18(salesforce_id: str) -> str:
    """The 18-character, case-safe form of a Salesforce id (log files give 15)."""
    if len(salesforce_id) != 15:
        return salesforce_id
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for start in (0, 5, 10):
        chunk = salesforce_id[start : start + 5]
        suffix += alphabet[sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")]
    return salesforce_id + suffix


def _log_time(row: Mapping[str, str]) -> datetime:
    if row.get("TIMESTAMP_DERIVED"):
        return parse_time(row["TIMESTAMP_DERIVED"])
    return datetime.strptime(row["TIMESTAMP"], "%Y%m%d%H%M%S.%f")


def _report_id(row: Mapping[str, str]) -> str | None:
    for name in ("REPORT_ID_DERIVED", "REPORT_ID", "URI_ID_DERIVED"):
        if row.get(name):
            return row[name]
    found = REPORT_ID_IN_URI.search(row.get("URI") or "")
    return found.group(1) if found else None
