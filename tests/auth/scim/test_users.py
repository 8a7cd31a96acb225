"""Users over HTTP: create, read, list with filters and paging, replace, patch, delete."""

from sqlalchemy import select

from lms.auth.models import AuditEntry, User
from lms.courses.models import Enrollment
from lms.database import db
from tests.auth.scim.conftest import ENTERPRISE, new_user

SCIM_JSON = "application/scim+json"


def person(resource) -> User:
    return db.session.get(User, int(resource["id"]))


def test_create_makes_the_person_with_their_details(scim, make_user):
    manager = make_user(name="Mia Manager")
    created = scim.create(
        externalId="aad-17",
        **{
            ENTERPRISE: {
                "employeeNumber": "E17",
                "department": "North",
                "manager": {"value": str(manager.id)},
            }
        },
    )
    ann = person(created)
    assert (ann.email, ann.name, ann.job_role.slug) == (
        "ann.lee@example.com",
        "Ann Lee",
        "sales_rep",
    )
    assert (ann.employee_id, ann.division.name, ann.manager) == ("E17", "North", manager)
    assert created["externalId"] == "aad-17"
    assert created[ENTERPRISE]["manager"]["value"] == str(manager.id)
    assert ann.hire_date == ann.created_at.date()  # no hire-date attribute: the day of creation


def test_answers_are_scim_json_with_meta_and_etag(scim):
    response = scim("POST", "/Users", new_user())
    body = response.get_json()
    assert response.status_code == 201
    assert response.mimetype == SCIM_JSON
    meta = body["meta"]
    assert meta["resourceType"] == "User"
    assert meta["location"] == f"http://lms.test/scim/v2/Users/{body['id']}"
    assert response.headers["Location"] == meta["location"]
    assert response.headers["ETag"] == meta["version"] and meta["version"].startswith('W/"')
    assert meta["created"].endswith("Z") and meta["lastModified"].endswith("Z")


def test_a_scim_new_hire_gets_the_same_curriculum_and_coaching_as_an_imported_one(scim, make_user):
    from lms.auth.people_import import import_people, validate_file
    from lms.coaching.queries import list_coachees, required_courses_not_done
    from tests.conftest import T0

    boss = make_user(email="boss@example.com", job_role="sales_manager")
    rows = validate_file(
        "email,name,job_role,division,manager_email,hire_date,roles\n"
        "imported@example.com,Imp Orted,sales_rep,North,boss@example.com,2026-10-01,\n"
    )
    import_people(rows, now=T0)
    manager = {"manager": {"value": str(boss.id)}, "department": "North"}
    created = person(scim.create("scim@example.com", **{ENTERPRISE: manager}))
    imported = db.session.scalar(select(User).where(User.email == "imported@example.com"))

    def courses(someone):
        query = select(Enrollment.course_id).where(Enrollment.user_id == someone.id)
        return sorted(db.session.scalars(query))

    assert courses(created) and courses(created) == courses(imported)
    to_do = required_courses_not_done([created.id, imported.id])
    assert to_do[created.id] == to_do[imported.id]
    assert {created, imported} <= set(list_coachees(boss))  # their manager coaches both


def test_create_is_audited_as_scim(scim):
    created = person(scim.create())
    about = (AuditEntry.subject_type == "person", AuditEntry.subject_id == created.id)
    entry = db.session.scalar(select(AuditEntry).where(*about))
    assert entry.action == "person.added" and entry.details["via"] == "SCIM (Entra ID)"


def test_unknown_job_role_names_the_attribute_and_the_valid_slugs(scim):
    response = scim("POST", "/Users", new_user(title="astronaut"))
    body = response.get_json()
    assert response.status_code == 400 and body["scimType"] == "invalidValue"
    assert "title 'astronaut' is not a job role" in body["detail"]
    assert "sales_rep" in body["detail"] and "crm_administrator" in body["detail"]
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "400"


def test_job_role_by_its_title_too(scim):
    assert person(scim.create(title="Sales Manager")).job_role.slug == "sales_manager"


def test_a_taken_user_name_is_a_uniqueness_error(scim, make_user):
    make_user(email="taken@example.com")
    response = scim("POST", "/Users", new_user("taken@example.com"))
    assert response.status_code == 409
    assert response.get_json()["scimType"] == "uniqueness"
    assert "userName" in response.get_json()["detail"]


def test_a_taken_employee_number_is_a_uniqueness_error(scim, make_user):
    other = make_user()
    other.employee_id = "E1"
    response = scim("POST", "/Users", new_user(**{ENTERPRISE: {"employeeNumber": "E1"}}))
    assert response.status_code == 409
    assert response.get_json()["scimType"] == "uniqueness"
    assert "employeeNumber" in response.get_json()["detail"]


def test_an_unknown_manager_is_refused_naming_the_attribute(scim):
    response = scim("POST", "/Users", new_user(**{ENTERPRISE: {"manager": {"value": "999999"}}}))
    assert response.status_code == 400
    assert "manager.value '999999' is no person" in response.get_json()["detail"]


def test_a_user_without_any_e_mail_is_refused(scim):
    body = new_user("ann") | {"emails": []}
    response = scim("POST", "/Users", body)
    assert response.status_code == 400 and "emails" in response.get_json()["detail"]


def test_a_bad_e_mail_is_refused_as_the_import_refuses_it(scim):
    body = new_user("ann") | {"emails": [{"value": "not an address"}]}
    response = scim("POST", "/Users", body)
    assert response.status_code == 400
    assert "emails 'not an address' is not an e-mail address" in response.get_json()["detail"]


def test_get_one_and_an_unknown_one(scim):
    created = scim.create()
    assert scim("GET", f"/Users/{created['id']}").get_json()["userName"] == "ann.lee@example.com"
    missing = scim("GET", "/Users/999999")
    assert missing.status_code == 404 and missing.get_json()["status"] == "404"


def test_people_imported_before_are_shown_with_their_e_mail_as_user_name(scim, make_user):
    someone = make_user(email="old@example.com", name="Old Hand")
    found = scim("GET", '/Users?filter=userName eq "OLD@example.com"').get_json()
    assert found["totalResults"] == 1
    assert found["Resources"][0]["id"] == str(someone.id)
    assert found["Resources"][0]["name"] == {"givenName": "Old", "familyName": "Hand"}


def test_filters(scim):
    ann = scim.create("ann@example.com", externalId="x-1")
    scim.create("bob@example.com", externalId="x-2", active=False)

    def ids(query):
        response = scim("GET", "/Users?filter=" + query)
        assert response.status_code == 200, response.get_json()
        return [r["id"] for r in response.get_json()["Resources"]]

    assert ids('userName eq "ann@example.com"') == [ann["id"]]
    assert ids('externalId eq "x-1"') == [ann["id"]]
    assert ids('externalId eq "X-1"') == []  # externalId is case-exact
    assert ids('emails[type eq "work"].value eq "ann@example.com"') == [ann["id"]]
    assert ids('userName eq "ann@example.com" and active eq true') == [ann["id"]]
    assert ids('userName eq "bob@example.com" and active eq true') == []
    assert ids('userName sw "ann" or userName sw "nobody"') == [ann["id"]]


def test_a_filter_that_cannot_be_read_is_invalid_filter(scim):
    response = scim("GET", '/Users?filter=userName eq "unterminated')
    assert response.status_code == 400
    assert response.get_json()["scimType"] == "invalidFilter"
    response = scim("GET", '/Users?filter=userName like "x"')
    assert "like" in response.get_json()["detail"]


def test_paging(scim):
    made = [scim.create(f"p{n}@example.com")["id"] for n in range(5)]
    page = scim("GET", '/Users?startIndex=2&count=2&filter=userName sw "p"').get_json()
    assert page["totalResults"] == 5 and page["startIndex"] == 2 and page["itemsPerPage"] == 2
    assert [r["id"] for r in page["Resources"]] == made[1:3]
    everyone = scim("GET", "/Users?startIndex=0&count=1000").get_json()
    assert everyone["startIndex"] == 1 and everyone["totalResults"] >= 5
    assert scim("GET", "/Users?count=0").get_json()["Resources"] == []
    assert scim("GET", "/Users?count=many").status_code == 400


def test_attributes_and_excluded_attributes(scim):
    created = scim.create()
    shown = scim("GET", f"/Users/{created['id']}?attributes=userName").get_json()
    assert set(shown) == {"schemas", "id", "userName"}
    hidden = scim("GET", f"/Users/{created['id']}?excludedAttributes=emails,name").get_json()
    assert "emails" not in hidden and "name" not in hidden and "userName" in hidden


def test_put_replaces(scim):
    created = scim.create()
    body = new_user(title="marketing") | {"name": {"givenName": "Ann", "familyName": "Smith"}}
    response = scim("PUT", f"/Users/{created['id']}", body)
    assert response.status_code == 200
    ann = person(created)
    assert (ann.name, ann.job_role.slug, ann.division) == ("Ann Smith", "marketing", None)


def test_put_without_a_job_role_keeps_the_one_the_person_has(scim):
    created = scim.create(title="marketing")
    body = new_user()
    del body["title"]
    assert scim("PUT", f"/Users/{created['id']}", body).status_code == 200
    assert person(created).job_role.slug == "marketing"


def test_if_match_with_an_old_version_is_refused(scim):
    created = scim.create()
    stale = {"If-Match": 'W/"not-the-version"'}
    response = scim("PUT", f"/Users/{created['id']}", new_user(), headers=stale)
    assert response.status_code == 412
    current = {"If-Match": created["meta"]["version"]}
    assert scim("PUT", f"/Users/{created['id']}", new_user(), headers=current).status_code == 200


def test_delete_deactivates_keeps_the_record_and_hides_them(scim, course):
    from lms.courses.models import Enrollment

    created = scim.create()
    ann = person(created)
    enrolled = db.session.scalar(select(Enrollment.id).where(Enrollment.user_id == ann.id))
    assert scim("DELETE", f"/Users/{created['id']}").status_code == 204
    db.session.refresh(ann)
    assert ann.active is False
    assert db.session.get(Enrollment, enrolled) is not None  # their learning record stays
    assert scim("GET", f"/Users/{created['id']}").status_code == 404
    listed = scim("GET", '/Users?filter=userName eq "ann.lee@example.com"').get_json()
    assert listed["totalResults"] == 0
    deactivated = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.subject_type == "person",
            AuditEntry.subject_id == ann.id,
            AuditEntry.action == "person.deactivated",
        )
    )
    assert deactivated.details == {"via": "SCIM (Entra ID)"}


def test_a_deleted_person_provisioned_again_comes_back(scim):
    created = scim.create()
    scim("DELETE", f"/Users/{created['id']}")
    again = scim.create()
    assert again["id"] == created["id"] and again["active"] is True
    assert person(again).active is True


def test_active_false_deactivates_and_true_reactivates(scim):
    created = scim.create(active=False)
    assert person(created).active is False
    scim("PUT", f"/Users/{created['id']}", new_user(active=True))
    assert person(created).active is True


def test_too_long_and_nul_values_are_refused_naming_them(scim):
    long_name = scim("POST", "/Users", new_user("a" * 250 + "@example.com"))
    assert long_name.status_code == 400 and "userName is longer" in long_name.get_json()["detail"]
    nul = scim("POST", "/Users", new_user(externalId="x\u0000y"))
    assert nul.status_code == 400 and "NUL" in nul.get_json()["detail"]
    nul_filter = scim("GET", '/Users?filter=userName eq "a\u0000"')
    assert nul_filter.status_code == 400 and nul_filter.get_json()["status"] == "400"
