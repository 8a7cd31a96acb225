"""What the service provider tells a client about itself (RFC 7643 §5–7): its configuration,
the schemas of what it serves (only the attributes Uptake keeps), and its resource types.
Pure: settings and the job roles' slugs in, JSON out."""

from lms.auth.scim import filters
from lms.auth.scim.mapping import ScimSettings
from lms.auth.scim.rules import (
    ENTERPRISE_SCHEMA,
    GROUP_SCHEMA,
    MAX_PAGE_SIZE,
    USER_SCHEMA,
)

CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
MAX_REQUEST_BYTES = 1024 * 1024


def attribute(name: str, kind: str = "string", **given) -> dict:
    """One attribute's definition, with RFC 7643 §7's defaults."""
    definition = {
        "name": name,
        "type": kind,
        "multiValued": given.pop("multi", False),
        "description": given.pop("description", ""),
        "required": given.pop("required", False),
        "caseExact": given.pop("case_exact", False),
        "mutability": given.pop("mutability", "readWrite"),
        "returned": "default",
        "uniqueness": given.pop("uniqueness", "none"),
    }
    if "sub" in given:
        definition["subAttributes"] = given.pop("sub")
    if "canonical" in given:
        definition["canonicalValues"] = given.pop("canonical")
    if kind == "reference":
        definition["referenceTypes"] = given.pop("references", ["User"])
    return definition


def service_provider_config(settings: ScimSettings) -> dict:
    return {
        "schemas": [CONFIG_SCHEMA],
        "documentationUri": "https://github.com/uptake/uptake#provisioning-with-scim-20",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": MAX_REQUEST_BYTES},
        "filter": {"supported": True, "maxResults": MAX_PAGE_SIZE},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": True},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A token an Uptake admin creates on the SCIM tokens page.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{settings.base_url}/ServiceProviderConfig",
        },
    }


def schemas(settings: ScimSettings, job_roles: list[str]) -> list[dict]:
    """The User (core, enterprise, and any extension the settings name) and Group schemas."""
    extra = _configured_attributes(settings, job_roles)
    core_user = _user_attributes() + extra.pop(USER_SCHEMA, [])
    enterprise = _enterprise_attributes() + extra.pop(ENTERPRISE_SCHEMA, [])
    found = [
        (USER_SCHEMA, "User", "A person in Uptake", core_user),
        (ENTERPRISE_SCHEMA, "EnterpriseUser", "Their place in the company", enterprise),
        (GROUP_SCHEMA, "Group", "A group; some grant HR or admin", _group_attributes()),
    ] + [(urn, "UptakeUser", "Uptake's own attributes", defs) for urn, defs in extra.items()]
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": urn,
            "name": name,
            "description": description,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{settings.base_url}/Schemas/{urn}"},
        }
        for urn, name, description, attributes in found
    ]


def extension_schemas(settings: ScimSettings) -> list[str]:
    """The User's schema extensions: the enterprise one, and any the settings name."""
    urns = [ENTERPRISE_SCHEMA]
    for path in (settings.job_role_attribute, settings.hire_date_attribute or ""):
        urn = filters.split_path(path)[0] if path.lower().startswith("urn:") else None
        if urn and urn not in urns and urn != USER_SCHEMA:
            urns.append(urn)
    return urns


def resource_types(settings: ScimSettings) -> list[dict]:
    user_extensions = [{"schema": urn, "required": False} for urn in extension_schemas(settings)]
    return [
        _resource_type("User", "/Users", USER_SCHEMA, user_extensions, settings),
        _resource_type("Group", "/Groups", GROUP_SCHEMA, [], settings),
    ]


def _resource_type(name, endpoint, schema, extensions, settings) -> dict:
    return {
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": name,
        "name": name,
        "endpoint": endpoint,
        "description": f"Uptake's {name}s",
        "schema": schema,
        "schemaExtensions": extensions,
        "meta": {
            "resourceType": "ResourceType",
            "location": f"{settings.base_url}/ResourceTypes/{name}",
        },
    }


def _configured_attributes(settings: ScimSettings, job_roles: list[str]) -> dict:
    """The job role's attribute (required: a new person needs one; its canonical values the
    job roles' slugs) and the hire date's, in the schema their paths name."""
    found: dict[str, list[dict]] = {}
    wanted = [(settings.job_role_attribute, {"canonical": job_roles, "required": True})]
    if settings.hire_date_attribute:
        wanted.append((settings.hire_date_attribute, {"description": "YYYY-MM-DD"}))
    for path, given in wanted:
        names = filters.split_path(path)
        urn = names[0] if path.lower().startswith("urn:") else USER_SCHEMA
        found.setdefault(urn, []).append(attribute(names[-1], **given))
    return found


def _user_attributes() -> list[dict]:
    read_only = {"mutability": "readOnly"}
    return [
        attribute("userName", required=True, uniqueness="server"),
        attribute(
            "name",
            "complex",
            sub=[
                attribute("givenName"),
                attribute("familyName"),
            ],
        ),
        attribute("displayName", description="The name, as Uptake shows it", **read_only),
        attribute(
            "emails",
            "complex",
            multi=True,
            required=True,
            description="Uptake keeps one: the primary, else the work, else the first",
            sub=[
                attribute("value", required=True),
                attribute("type", canonical=["work", "home", "other"]),
                attribute("primary", "boolean"),
            ],
        ),
        attribute("active", "boolean", required=True, description="Absent: true"),
        attribute(
            "groups",
            "complex",
            multi=True,
            mutability="readOnly",
            sub=[
                attribute("value", **read_only),
                attribute("$ref", "reference", references=["Group"], **read_only),
                attribute("display", **read_only),
                attribute("type", canonical=["direct"], **read_only),
            ],
        ),
    ]


def _enterprise_attributes() -> list[dict]:
    return [
        attribute("employeeNumber", case_exact=True, description="Uptake's HR id"),
        attribute("department", description="Uptake's division"),
        attribute(
            "manager",
            "complex",
            sub=[
                attribute("value", description="The manager's id in Uptake"),
                attribute("$ref", "reference"),
            ],
        ),
    ]


def _group_attributes() -> list[dict]:
    return [
        attribute("displayName", required=True, uniqueness="server"),
        attribute(
            "members",
            "complex",
            multi=True,
            sub=[
                attribute("value", mutability="immutable", description="The person's id"),
                attribute("$ref", "reference", mutability="immutable"),
                attribute("type", canonical=["User"], mutability="immutable"),
            ],
        ),
    ]
