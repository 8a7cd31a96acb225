"""ServiceProviderConfig, Schemas and ResourceTypes."""

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def test_service_provider_config(scim):
    config = scim("GET", "/ServiceProviderConfig").get_json()
    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert not config["bulk"]["supported"]
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_schemas_name_the_job_roles_as_the_title_s_values(scim):
    schemas = scim("GET", "/Schemas").get_json()["Resources"]
    assert [s["id"] for s in schemas][:2] == [USER, ENTERPRISE]
    title = next(a for a in schemas[0]["attributes"] if a["name"] == "title")
    assert "sales_rep" in title["canonicalValues"] and title["required"]
    assert scim("GET", f"/Schemas/{ENTERPRISE}").get_json()["id"] == ENTERPRISE


def test_a_custom_job_role_attribute_gets_its_own_schema(app, scim):
    custom = "urn:ietf:params:scim:schemas:extension:uptake:2.0:User"
    app.config["SCIM_JOB_ROLE_ATTRIBUTE"] = f"{custom}:jobRole"
    try:
        user_type = scim("GET", "/ResourceTypes/User").get_json()
        assert [e["schema"] for e in user_type["schemaExtensions"]] == [ENTERPRISE, custom]
        assert custom in [s["id"] for s in scim("GET", "/Schemas").get_json()["Resources"]]
        created = scim(
            "POST",
            "/Users",
            {"userName": "c@example.com", custom: {"jobRole": "marketing"}},
        ).get_json()
        assert created[custom] == {"jobRole": "marketing"}
    finally:
        app.config["SCIM_JOB_ROLE_ATTRIBUTE"] = "title"


def test_hire_date_from_a_configured_attribute(app, scim):
    app.config["SCIM_HIRE_DATE_ATTRIBUTE"] = f"{ENTERPRISE}:hireDate"
    try:
        body = {
            "userName": "h@example.com",
            "title": "sales_rep",
            ENTERPRISE: {"hireDate": "2026-11-02"},
        }
        created = scim("POST", "/Users", body).get_json()
        assert created[ENTERPRISE]["hireDate"] == "2026-11-02"
        body[ENTERPRISE]["hireDate"] = "02/11/2026"
        body["userName"] = "i@example.com"
        refused = scim("POST", "/Users", body).get_json()
        assert f"{ENTERPRISE}:hireDate" in refused["detail"]
    finally:
        app.config["SCIM_HIRE_DATE_ATTRIBUTE"] = None


def test_resource_types(scim):
    listed = scim("GET", "/ResourceTypes").get_json()
    assert [r["endpoint"] for r in listed["Resources"]] == ["/Users", "/Groups"]
