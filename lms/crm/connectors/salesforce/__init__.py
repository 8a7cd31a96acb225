"""Salesforce through its REST API (simple-salesforce): records by SystemModstamp, log-ins from
LoginHistory, report views from ReportEventLog or Event Monitoring's log files.

Sign-in is the OAuth 2.0 JWT bearer flow (an assertion signed with the connected app's
certificate key, naming the API user) or the client-credentials flow (the app's run-as user),
both against the org's My Domain. A session that expires is signed in again once; refused
again, the connection is NotAuthorised. Salesforce's API request limit
(REQUEST_LIMIT_EXCEEDED) and HTTP 429/503 are RateLimited.

Every stream reads in the order of a stamp field and the record Id, after a cursor
"<stamp>,<Id>" of the last row read, so a cursor resumes exactly even where many rows share
one second (a data load).

The package owns: `connector` (the Salesforce class: streams, users, connection test),
`sign_in` (the token request of either flow), `api` (requests, SOQL queries, errors),
`objects` (the objects read and their field mapping), `records` (record events),
`activity` (log-ins and report views) and `positions` (cursors, times)."""

from lms.crm.connectors.salesforce.activity import NOT_AVAILABLE, REPORT_ID_IN_URI, id18
from lms.crm.connectors.salesforce.api import (
    API_VERSION,
    MAX_BATCHES,
    TIMEOUT,
    SalesforceRefused,
)
from lms.crm.connectors.salesforce.connector import (
    LOG_FILES_PER_PAGE,
    LOGINS,
    PAGE_SIZE,
    REPORTS,
    Salesforce,
)
from lms.crm.connectors.salesforce.objects import RECORD_OBJECTS, SYSTEM_FIELDS, RecordObject
from lms.crm.connectors.salesforce.positions import SALESFORCE_ID, Position, iso, parse_time
from lms.crm.connectors.salesforce.sign_in import (
    CLIENT_CREDENTIALS,
    DEFAULT_LOGIN_URL,
    JWT_GRANT,
    JWT_LIFETIME,
    SignIn,
)

__all__ = [
    "API_VERSION",
    "CLIENT_CREDENTIALS",
    "DEFAULT_LOGIN_URL",
    "JWT_GRANT",
    "JWT_LIFETIME",
    "LOGINS",
    "LOG_FILES_PER_PAGE",
    "MAX_BATCHES",
    "NOT_AVAILABLE",
    "PAGE_SIZE",
    "RECORD_OBJECTS",
    "REPORTS",
    "REPORT_ID_IN_URI",
    "SALESFORCE_ID",
    "SYSTEM_FIELDS",
    "TIMEOUT",
    "Position",
    "RecordObject",
    "Salesforce",
    "SalesforceRefused",
    "SignIn",
    "id18",
    "iso",
    "parse_time",
]
