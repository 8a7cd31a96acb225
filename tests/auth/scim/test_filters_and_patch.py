"""The pure parts: filters and PATCH applied to SCIM JSON, with no app at all."""

import pytest

from lms.auth.scim import filters
from lms.auth.scim.patch import apply_patch
from lms.auth.scim.rules import ScimError, page_bounds, project, read_bool

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ANN = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
    "id": "7",
    "userName": "Ann@Example.com",
    "externalId": "x-1",
    "active": True,
    "emails": [{"value": "ann@example.com", "type": "work", "primary": True}],
    "name": {"givenName": "Ann", "familyName": "Lee"},
    ENTERPRISE: {"employeeNumber": "E1", "manager": {"value": "3"}},
    "meta": {"lastModified": "2026-10-05T09:00:00Z"},
}


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ('userName eq "ann@example.com"', True),
        ('USERNAME Eq "ANN@EXAMPLE.COM"', True),
        ('externalId eq "X-1"', False),
        ('emails[type eq "work"].value eq "ann@example.com"', True),
        ('emails[type eq "home"].value eq "ann@example.com"', False),
        ('emails[type eq "work" and primary eq true]', True),
        ('emails.value co "example"', True),
        (f'{ENTERPRISE}:employeeNumber eq "E1"', True),
        (f'{ENTERPRISE}:manager.value eq "3"', True),
        ('name.familyName sw "L" and not (active eq false)', True),
        ('title pr or userName ew ".org"', False),
        ('meta.lastModified gt "2026-01-01T00:00:00Z"', True),
        ('userName ne "bob@example.com"', True),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ann@example.com"', True),
    ],
)
def test_filters_match_as_rfc_7644_says(text, matched):
    assert filters.matches(filters.parse(text), ANN) is matched


@pytest.mark.parametrize(
    "text", ['userName eq "open', "userName eq", "(userName pr", 'userName zz "x"', "eq 1", ""]
)
def test_unreadable_filters_are_invalid_filter(text):
    with pytest.raises(ScimError) as refused:
        filters.parse(text)
    assert refused.value.scim_type == "invalidFilter" and refused.value.status == 400


def test_equalities_narrow_a_query():
    tree = filters.parse('userName eq "a" and emails[type eq "work"].value eq "b" or id eq "1"')
    assert filters.equalities(tree) == {}
    tree = filters.parse('userName eq "a" and emails[type eq "work"].value eq "b"')
    assert filters.equalities(tree) == {"username": "a", "emails.value": "b"}


def test_patch_add_appends_to_a_multi_valued_attribute_once():
    new = {"value": "second@example.com", "type": "home"}
    patched = apply_patch(ANN, [{"op": "add", "path": "emails", "value": [new, new]}])
    assert [e["value"] for e in patched["emails"]] == ["ann@example.com", "second@example.com"]
    assert [e["value"] for e in ANN["emails"]] == ["ann@example.com"]  # the original stays


def test_patch_remove_by_value_path_and_sub_attribute():
    patched = apply_patch(ANN, [{"op": "remove", "path": 'emails[type eq "work"]'}])
    assert patched["emails"] == []
    patched = apply_patch(ANN, [{"op": "remove", "path": f"{ENTERPRISE}:manager"}])
    assert "manager" not in patched[ENTERPRISE]
    patched = apply_patch(ANN, [{"op": "remove", "path": ENTERPRISE}])
    assert ENTERPRISE not in patched


def test_patch_replace_with_an_extension_object_without_path():
    value = {ENTERPRISE: {"department": "North"}, "schemas": ["ignored"]}
    patched = apply_patch(ANN, [{"op": "replace", "value": value}])
    assert patched[ENTERPRISE] == {
        "employeeNumber": "E1",
        "manager": {"value": "3"},
        "department": "North",
    }


def test_patch_sending_back_a_read_only_value_unchanged_is_harmless():
    patched = apply_patch(ANN, [{"op": "replace", "value": {"id": "7", "active": False}}])
    assert patched["active"] is False


def test_read_bool_takes_entra_s_text():
    assert read_bool("False", "active") is False and read_bool("TRUE", "active") is True
    with pytest.raises(ScimError):
        read_bool("no", "active")


def test_page_bounds():
    assert page_bounds(None, None) == (0, 100)
    assert page_bounds("0", "-5") == (0, 0)
    assert page_bounds("11", "10000") == (10, 500)


def test_project_keeps_id_and_schemas_and_knows_sub_attributes():
    shown = project(ANN, ["name.familyName", f"{ENTERPRISE}:employeeNumber"], [])
    assert shown == {
        "schemas": ANN["schemas"],
        "id": "7",
        "name": {"familyName": "Lee"},
        ENTERPRISE: {"employeeNumber": "E1"},
    }
    hidden = project(ANN, [], ["name.givenName", "meta", "id"])
    assert hidden["name"] == {"familyName": "Lee"} and "meta" not in hidden and hidden["id"] == "7"


def test_patch_paths_may_name_the_core_schema_in_full():
    path = "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName"
    patched = apply_patch(ANN, [{"op": "replace", "path": path, "value": "Annie"}])
    assert patched["name"] == {"givenName": "Annie", "familyName": "Lee"}
