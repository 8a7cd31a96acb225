"""Groups: the HR and admin access roles, whose membership an identity provider pushes."""

from lms.auth.models import User
from lms.database import db


def test_groups_are_the_access_roles(scim, make_user):
    hr = make_user(roles={"hr"})
    listed = scim("GET", "/Groups").get_json()
    assert [g["displayName"] for g in listed["Resources"]] == ["Uptake HR", "Uptake admins"]
    group = scim("GET", "/Groups/hr").get_json()
    assert [m["value"] for m in group["members"]] == [str(hr.id)]
    assert group["meta"]["resourceType"] == "Group"
    assert scim("GET", "/Groups/sales").status_code == 404


def test_a_group_is_found_by_its_name(scim):
    found = scim("GET", '/Groups?filter=displayName eq "Uptake HR"').get_json()
    assert [g["id"] for g in found["Resources"]] == ["hr"]


def test_entra_id_adds_and_removes_members(scim, make_user):
    ann = make_user()
    add = {"op": "Add", "path": "members", "value": [{"value": str(ann.id)}]}
    assert scim.patch("/Groups/hr", add).status_code == 200
    assert db.session.get(User, ann.id).has_role("hr")
    remove = {"op": "Remove", "path": "members", "value": [{"value": str(ann.id)}]}
    assert scim.patch("/Groups/hr", remove).status_code == 200
    assert not db.session.get(User, ann.id).has_role("hr")


def test_okta_removes_a_member_by_a_value_path(scim, make_user):
    ann = make_user(roles={"admin"})
    remove = {"op": "remove", "path": f'members[value eq "{ann.id}"]'}
    assert scim.patch("/Groups/admin", remove).status_code == 200
    assert not db.session.get(User, ann.id).has_role("admin")


def test_a_role_granted_by_scim_is_audited(scim, make_user):
    from sqlalchemy import select

    from lms.auth.models import AuditEntry

    ann = make_user()
    scim.patch("/Groups/hr", {"op": "add", "path": "members", "value": [{"value": str(ann.id)}]})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.roles"))
    assert entry.details == {"granted": ["hr"], "removed": [], "via": "SCIM (Entra ID)"}


def test_put_sets_the_members(scim, make_user):
    ann, bob = make_user(roles={"hr"}), make_user()
    body = {"displayName": "Uptake HR", "members": [{"value": str(bob.id)}]}
    assert scim("PUT", "/Groups/hr", body).status_code == 200
    assert not ann.has_role("hr") and bob.has_role("hr")


def test_unknown_members_and_renames_are_refused(scim):
    unknown = {"op": "add", "path": "members", "value": [{"value": "999999"}]}
    response = scim.patch("/Groups/hr", unknown)
    assert response.status_code == 400 and "999999" in response.get_json()["detail"]
    rename = {"op": "replace", "path": "displayName", "value": "Human Resources"}
    assert scim.patch("/Groups/hr", rename).get_json()["scimType"] == "mutability"


def test_groups_are_neither_created_nor_deleted(scim):
    taken = scim("POST", "/Groups", {"displayName": "Uptake HR"})
    assert taken.status_code == 409 and taken.get_json()["scimType"] == "uniqueness"
    assert scim("POST", "/Groups", {"displayName": "Sales"}).status_code == 501
    assert scim("DELETE", "/Groups/hr").status_code == 501


def test_a_user_shows_the_groups_they_are_in(scim, make_user):
    ann = make_user(roles={"admin"})
    shown = scim("GET", f"/Users/{ann.id}").get_json()
    assert [g["value"] for g in shown["groups"]] == ["admin"]
