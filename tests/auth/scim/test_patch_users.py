"""PATCH on Users, as Microsoft Entra ID and Okta send it (RFC 7644 §3.5.2)."""

from lms.auth.models import User
from lms.database import db
from tests.auth.scim.conftest import ENTERPRISE


def person(resource) -> User:
    return db.session.get(User, int(resource["id"]))


def test_entra_id_update_with_capitalised_ops_and_text_booleans(scim):
    ann = scim.create()
    response = scim.patch(
        f"/Users/{ann['id']}",
        {"op": "Replace", "path": "displayName", "value": "Annie Lee"},
        {"op": "Replace", "path": "name.givenName", "value": "Annie"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "annie@example.com"},
        {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "South"},
        {"op": "Add", "path": f"{ENTERPRISE}:employeeNumber", "value": "E7"},
        {"op": "Replace", "path": "active", "value": "False"},
    )
    assert response.status_code == 200, response.get_json()
    someone = person(ann)
    assert (someone.name, someone.email, someone.division.name) == (
        "Annie Lee",
        "annie@example.com",
        "South",
    )
    assert someone.employee_id == "E7" and someone.active is False
    assert response.get_json()["active"] is False


def test_entra_id_replace_without_path_with_dotted_and_schema_named_keys(scim):
    ann = scim.create()
    value = {"name.familyName": "Smith", f"{ENTERPRISE}:employeeNumber": "E9", "active": "True"}
    response = scim.patch(f"/Users/{ann['id']}", {"op": "replace", "value": value})
    assert response.status_code == 200, response.get_json()
    assert (person(ann).name, person(ann).employee_id) == ("Ann Smith", "E9")


def test_entra_id_manager_as_a_bare_id_and_its_removal(scim, make_user):
    boss = make_user(name="Big Boss")
    ann = scim.create()
    path = f"{ENTERPRISE}:manager"
    assert scim.patch(f"/Users/{ann['id']}", {"op": "Add", "path": path, "value": str(boss.id)})
    assert person(ann).manager == boss
    scim.patch(f"/Users/{ann['id']}", {"op": "Remove", "path": path})
    assert person(ann).manager is None


def test_entra_id_work_e_mail_added_where_there_was_none(scim):
    ann = scim.create(emails=[{"value": "ann.lee@example.com", "type": "other"}])
    path = 'emails[type eq "work"].value'
    operation = {"op": "Replace", "path": path, "value": "work@example.com"}
    response = scim.patch(f"/Users/{ann['id']}", operation)
    assert response.status_code == 200, response.get_json()
    assert person(ann).email == "work@example.com"  # the work one wins over "other"


def test_okta_deactivation(scim):
    ann = scim.create()
    response = scim.patch(f"/Users/{ann['id']}", {"op": "replace", "value": {"active": False}})
    assert response.status_code == 200 and person(ann).active is False


def test_a_new_job_role_by_patch_brings_its_curriculum(scim):
    from sqlalchemy import func, select

    from lms.courses.models import Enrollment

    ann = scim.create(title="sales_rep")

    def courses():
        query = select(func.count()).where(Enrollment.user_id == int(ann["id"]))
        return db.session.scalar(query)

    before = courses()
    scim.patch(f"/Users/{ann['id']}", {"op": "replace", "path": "title", "value": "sales_manager"})
    assert person(ann).job_role.slug == "sales_manager" and courses() > before


def test_read_only_attributes_are_a_mutability_error(scim):
    ann = scim.create()
    response = scim.patch(f"/Users/{ann['id']}", {"op": "replace", "path": "id", "value": "7"})
    body = response.get_json()
    assert response.status_code == 400 and body["scimType"] == "mutability"
    assert "id is read-only" in body["detail"]


def test_an_unknown_op_and_a_remove_without_path_are_refused(scim):
    ann = scim.create()
    bad = scim.patch(f"/Users/{ann['id']}", {"op": "move", "path": "title"})
    assert bad.status_code == 400 and "Operations[1].op" in bad.get_json()["detail"]
    no_path = scim.patch(f"/Users/{ann['id']}", {"op": "remove"})
    assert no_path.get_json()["scimType"] == "noTarget"


def test_a_bad_value_changes_nothing(scim):
    ann = scim.create()
    response = scim.patch(
        f"/Users/{ann['id']}",
        {"op": "replace", "path": "name.givenName", "value": "Changed"},
        {"op": "replace", "path": "active", "value": "perhaps"},
    )
    assert response.status_code == 400 and "active" in response.get_json()["detail"]
    assert person(ann).name == "Ann Lee"
