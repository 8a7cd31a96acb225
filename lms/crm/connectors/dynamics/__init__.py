"""Microsoft Dynamics 365 (Dataverse) through its Web API v9.2: records by `modifiedon`, each
change with its user from the audit log where the environment audits the table, log-ins from
user-access auditing.

Sign-in is Microsoft Entra ID's client-credentials flow (msal) for an app registration that is
an application user of the environment. A token the Web API refuses (HTTP 401) is acquired
again once; refused again, the connection is NotAuthorised. Dataverse's service protection
limits (HTTP 429, with Retry-After) and HTTP 503 are RateLimited.

Who did what: where the environment audits a table (organization auditing on, the table's
auditing on, and the application user may read the audit log), every create and update comes
from the `audits` stream, one event per audit row, and that table's own stream only keeps its
cursor at the newest record. Elsewhere the table's stream reads the records themselves and
says who created each one (`createdby`) and who modified it last (`modifiedby`), so several
edits between two reads are one update.

Every stream reads in the order of a stamp and the row's id, after a cursor "<stamp>,<id>":
rows of the cursor's second up to the cursor's row are skipped, so a cursor resumes exactly
even where many rows share one second (Dataverse keeps seconds).

The package owns: `connector` (the Dynamics class: streams, users, connection test),
`tokens` (Entra ID sign-in), `web_api` (requests, paging, errors), `environment` (what is
audited), `tables` (the tables read and their field mapping), `records` (record streams),
`audits` (the audit log and log-ins) and `positions` (cursors, times)."""

from lms.crm.connectors.dynamics.audits import (
    AUDIT_COLUMNS,
    AUDIT_LOOKUPS,
    CREATE_OPERATION,
    QUALIFY_ACTION,
    UPDATE_OPERATION,
    WEB_ACCESS_ACTION,
)
from lms.crm.connectors.dynamics.connector import LOGINS, MAX_USER_HOPS, USER_COLUMNS, Dynamics
from lms.crm.connectors.dynamics.environment import Environment
from lms.crm.connectors.dynamics.positions import Position, iso, parse_time
from lms.crm.connectors.dynamics.tables import (
    AUDITS,
    FORMATTED,
    LEAD_QUALIFIED,
    TABLES,
    TABLES_BY_LOGICAL_NAME,
    Column,
    Table,
)
from lms.crm.connectors.dynamics.tokens import AUTHORITY_HOST, EntraTokens
from lms.crm.connectors.dynamics.web_api import (
    API_PATH,
    CLEAR,
    IDS_PER_LOOKUP,
    MAX_HOPS,
    PAGE_SIZE,
    ROWS_PER_PULL,
    TIMEOUT,
    USER_NOT_IN_ORG,
    DataverseRefused,
    TokenSource,
)

__all__ = [
    "API_PATH",
    "AUDITS",
    "AUDIT_COLUMNS",
    "AUDIT_LOOKUPS",
    "AUTHORITY_HOST",
    "CLEAR",
    "CREATE_OPERATION",
    "FORMATTED",
    "IDS_PER_LOOKUP",
    "LEAD_QUALIFIED",
    "LOGINS",
    "MAX_HOPS",
    "MAX_USER_HOPS",
    "PAGE_SIZE",
    "QUALIFY_ACTION",
    "ROWS_PER_PULL",
    "TABLES",
    "TABLES_BY_LOGICAL_NAME",
    "TIMEOUT",
    "UPDATE_OPERATION",
    "USER_COLUMNS",
    "USER_NOT_IN_ORG",
    "WEB_ACCESS_ACTION",
    "Column",
    "DataverseRefused",
    "Dynamics",
    "EntraTokens",
    "Environment",
    "Position",
    "Table",
    "TokenSource",
    "iso",
    "parse_time",
]
