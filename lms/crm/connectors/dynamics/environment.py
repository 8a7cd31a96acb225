"""What a Dataverse environment has and audits, hence what the connector can see of who did
what: organization auditing, user-access auditing, the tables present with their columns and
audit flags, and whether the application user may read the audit log."""

from collections.abc import Mapping
from dataclasses import dataclass

from lms.crm.connectors.dynamics.tables import AUDITS, TABLES, Table
from lms.crm.connectors.dynamics.web_api import DataverseRefused, WebApi


@dataclass(frozen=True)
class Environment:
    """What the environment has and audits, read once per connector."""

    auditing: bool  # organization auditing on
    user_access_auditing: bool
    audit_log_readable: bool  # the application user may read the audit log
    tables: Mapping[str, frozenset[str]]  # logical name -> its columns (absent: no table)
    audited_tables: frozenset[str]
    audit_log_refusal: str | None = None

    def audits(self, table: Table) -> bool:
        return self.audit_log_readable and table.logical in self.audited_tables

    @property
    def reads_logins(self) -> bool:
        return self.audit_log_readable and self.user_access_auditing


def read_environment(api: WebApi) -> Environment:
    """Organization auditing, the tables present with their columns and audit flags, and
    whether the audit log may be read (a one-row probe; refused, auditing counts as off)."""
    organizations = api.get(
        "organizations",
        api.url("organizations", {"$select": "isauditenabled,isuseraccessauditenabled"}),
    ).get("value") or [{}]
    organization = organizations[0]
    auditing = bool(organization.get("isauditenabled"))
    user_access = auditing and bool(organization.get("isuseraccessauditenabled"))
    tables, audited = _table_definitions(api)
    audited = audited if auditing else frozenset()
    readable, refusal = False, None
    if audited or user_access:
        readable, refusal = _audit_log_readable(api)
    return Environment(auditing, user_access, readable, tables, audited, refusal)


def _table_definitions(api: WebApi) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    names = " or ".join(f"LogicalName eq '{t.logical}'" for t in TABLES.values())
    query = {
        "$select": "LogicalName,IsAuditEnabled",
        "$filter": names,
        "$expand": "Attributes($select=LogicalName)",
    }
    body = api.get("EntityDefinitions", api.url("EntityDefinitions", query))
    tables, audited = {}, set()
    for definition in body.get("value", []):
        logical = definition.get("LogicalName")
        columns = definition.get("Attributes") or []
        tables[logical] = frozenset(c.get("LogicalName") for c in columns)
        if (definition.get("IsAuditEnabled") or {}).get("Value"):
            audited.add(logical)
    return tables, frozenset(audited)


def _audit_log_readable(api: WebApi) -> tuple[bool, str | None]:
    try:
        api.get(AUDITS, api.url(AUDITS, {"$select": "auditid", "$top": "1"}))
    except DataverseRefused as refused:
        if refused.status != 403:
            raise
        return False, f"HTTP {refused.status} {refused.code}"
    return True, None


def auditing_words(environment: Environment) -> str:
    """What the connector sees of who did what, said for the admin who tests the connection."""
    present = [t for t in TABLES.values() if t.logical in environment.tables]
    audited = [t.object for t in present if environment.audits(t)]
    unaudited = [t.object for t in present if not environment.audits(t)]
    words = []
    if not environment.auditing:
        words.append("auditing is off")
    elif environment.audit_log_refusal:
        words.append(
            f"the audit log is not readable ({environment.audit_log_refusal}): give the "
            "application user's security role View Audit Summary"
        )
    if audited:
        words.append(f"each change with its user from the audit log for {', '.join(audited)}")
    if unaudited:
        words.append(f"only who created and last modified each {', '.join(unaudited)}")
    if environment.reads_logins:
        words.append("log-ins from user-access auditing")
    elif environment.user_access_auditing:
        words.append("no log-ins (the audit log is not readable)")
    else:
        words.append("no log-ins (user-access auditing is off)")
    absent = [t.object for t in TABLES.values() if t.logical not in environment.tables]
    if absent:
        words.append(f"not in this environment: {', '.join(absent)}")
    return "; ".join(words)
