"""Groups an identity provider pushes; membership of "Uptake HR" and "Uptake admins" (the
SCIM_HR_GROUPS and SCIM_ADMIN_GROUPS settings) grants those access roles."""

from sqlalchemy import select

from lms.auth.models import AuditEntry, User
from lms.database import db


def make_group(scim, name="Uptake HR", *members):
    body = {"displayName": name, "members": [{"value": str(person.id)} for person in members]}
    response = scim("POST", "/Groups", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def roles(person) -> set[str]:
    return set(db.session.get(User, person.id).roles)


def test_entra_id_pushes_the_hr_group_and_its_members_become_hr(scim, make_user):
    ann = make_user()
    group = make_group(scim, "Uptake HR", ann)
    assert group["meta"]["resourceType"] == "Group"
    assert group["meta"]["location"].endswith(f"/Groups/{group['id']}")
    assert [m["value"] for m in group["members"]] == [str(ann.id)]
    assert "hr" in roles(ann)


def test_a_group_is_found_by_its_name_in_any_case(scim):
    group = make_group(scim)
    found = scim("GET", '/Groups?filter=displayName eq "uptake hr"').get_json()
    assert [g["id"] for g in found["Resources"]] == [group["id"]]


def test_entra_id_adds_and_removes_members(scim, make_user):
    ann = make_user()
    group = make_group(scim, "Uptake admins")
    add = {"op": "Add", "path": "members", "value": [{"value": str(ann.id)}]}
    assert scim.patch(f"/Groups/{group['id']}", add).status_code == 200
    assert "admin" in roles(ann)
    remove = {"op": "Remove", "path": "members", "value": [{"value": str(ann.id)}]}
    assert scim.patch(f"/Groups/{group['id']}", remove).status_code == 200
    assert "admin" not in roles(ann)


def test_okta_removes_a_member_by_a_value_path(scim, make_user):
    ann = make_user()
    group = make_group(scim, "Uptake HR", ann)
    remove = {"op": "remove", "path": f'members[value eq "{ann.id}"]'}
    assert scim.patch(f"/Groups/{group['id']}", remove).status_code == 200
    assert "hr" not in roles(ann)


def test_a_role_granted_by_a_group_is_audited(scim, make_user):
    ann = make_user()
    make_group(scim, "Uptake HR", ann)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.roles"))
    assert entry.details == {"granted": ["hr"], "removed": [], "via": "SCIM (Entra ID)"}


def test_other_groups_are_kept_and_grant_nothing(scim, make_user):
    ann = make_user()
    make_group(scim, "Sales North", ann)
    assert roles(ann) == {"learner"}
    shown = scim("GET", f"/Users/{ann.id}").get_json()
    assert [g["display"] for g in shown["groups"]] == ["Sales North"]


def test_renaming_or_deleting_the_group_removes_the_role_it_gave(scim, make_user):
    ann, bob = make_user(), make_user()
    hr = make_group(scim, "Uptake HR", ann)
    rename = {"op": "replace", "path": "displayName", "value": "Former HR"}
    assert scim.patch(f"/Groups/{hr['id']}", rename).status_code == 200
    assert "hr" not in roles(ann)
    admins = make_group(scim, "Uptake admins", bob)
    assert scim("DELETE", f"/Groups/{admins['id']}").status_code == 204
    assert "admin" not in roles(bob)
    assert scim("GET", f"/Groups/{admins['id']}").status_code == 404


def test_a_role_from_two_groups_stays_while_one_is_left(app, scim, make_user):
    app.config["SCIM_HR_GROUPS"] = frozenset({"Uptake HR", "People team"})
    try:
        ann = make_user()
        make_group(scim, "Uptake HR", ann)
        team = make_group(scim, "People team", ann)
        scim.patch(f"/Groups/{team['id']}", {"op": "remove", "path": "members"})
        assert "hr" in roles(ann)
    finally:
        app.config["SCIM_HR_GROUPS"] = frozenset({"Uptake HR"})


def test_put_sets_the_members(scim, make_user):
    ann, bob = make_user(), make_user()
    group = make_group(scim, "Uptake HR", ann)
    body = {"displayName": "Uptake HR", "members": [{"value": str(bob.id)}]}
    assert scim("PUT", f"/Groups/{group['id']}", body).status_code == 200
    assert "hr" not in roles(ann) and "hr" in roles(bob)


def test_refusals_name_what_is_wrong(scim):
    make_group(scim, "Uptake HR")
    taken = scim("POST", "/Groups", {"displayName": "UPTAKE HR"})
    assert taken.status_code == 409 and taken.get_json()["scimType"] == "uniqueness"
    unnamed = scim("POST", "/Groups", {"members": []})
    assert unnamed.status_code == 400 and "displayName" in unnamed.get_json()["detail"]
    unknown = scim("POST", "/Groups", {"displayName": "X", "members": [{"value": "999999"}]})
    assert unknown.status_code == 400 and "999999" in unknown.get_json()["detail"]
    assert scim("GET", "/Groups/999999").status_code == 404
