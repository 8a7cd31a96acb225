"""Which connector serves which kind of CRM. Modules are imported when first used, so a
company that connects only HubSpot never imports the Salesforce client."""

from importlib import import_module

from lms.crm.connectors.base import ConnectionSettings, Connector

KINDS = {  # kind -> (module, class, title)
    "bottlecrm": ("lms.crm.connectors.bottlecrm", "BottleCrm", "BottleCRM"),
    "salesforce": ("lms.crm.connectors.salesforce", "Salesforce", "Salesforce"),
    "dynamics": ("lms.crm.connectors.dynamics", "Dynamics", "Microsoft Dynamics 365"),
    "hubspot": ("lms.crm.connectors.hubspot", "HubSpot", "HubSpot"),
}


def build(kind: str, settings: ConnectionSettings, **options) -> Connector:
    """The connector for `kind` (a key of KINDS), built from the connection's settings."""
    module, name, _ = KINDS[kind]
    return getattr(import_module(module), name)(settings, **options)
