"""The package admin pages: who may see them, uploading a cmi5 and a SCORM 1.2 package,
what a bad package says (and that it writes nothing), a new version, retiring, waiving."""

import io
from datetime import datetime

import pytest
from sqlalchemy import func, select

from lms.auth.services import get_job_role
from lms.courses.models import Course, CurriculumItem, Enrollment
from lms.courses.packages import importing, tracking
from lms.courses.packages.models import CoursePackage, PackageUnit, UnitProgress
from lms.database import db
from tests.packages.admin.packages import AU_IDS, cmi5_xml, cmi5_zip, scorm12_zip, zipped

T0 = datetime(2026, 10, 5, 9, 0)


def course_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Course))


def upload_form(data: bytes, filename: str, **fields) -> dict:
    form = {"file": (io.BytesIO(data), filename), "slug": "fire-safety", "kind": "new_hire"}
    return form | {"minutes": "20"} | fields


def package_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


@pytest.mark.parametrize("roles", [(), ("hr",)])
def test_only_admins_see_the_package_pages(client, login, make_user, roles):
    login(make_user(roles=roles))
    assert client.get("/admin/packages").status_code == 403
    post = client.post("/admin/packages", data=upload_form(cmi5_zip(), "fire.zip"))
    assert post.status_code == 403
    assert package_course("fire-safety") is None


def test_someone_not_logged_in_is_sent_to_log_in(client):
    assert client.get("/admin/packages").status_code == 302


def test_the_admin_menu_links_the_package_courses(client, admin):
    page = client.get("/admin/packages").get_data(as_text=True)
    assert 'href="/admin/packages"' in page
    assert "Upload a package" in page


def test_an_admin_uploads_a_cmi5_zip_required_for_a_role(client, admin):
    role = get_job_role("sales_rep")
    fields = {
        "job_roles": [str(role.id)],
        "required-0-role_id": str(role.id),
        "required-0-required": "y",
        "required-0-due_days": "14",
    }
    response = client.post("/admin/packages", data=upload_form(cmi5_zip(), "fire.zip", **fields))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/packages/fire-safety"
    course = package_course("fire-safety")
    assert (course.title, course.kind, course.minutes) == ("Fire safety", "new_hire", 20)
    assert [r.slug for r in course.job_roles] == ["sales_rep"]
    assert course.package.standard == "cmi5"
    assert course.package.origin == "upload"
    assert course.package.imported_by == admin
    assert [u.publisher_id for u in course.package.units] == list(AU_IDS)
    item = db.session.scalar(select(CurriculumItem).where(CurriculumItem.course_id == course.id))
    assert (item.job_role_id, item.due_days) == (role.id, 14)
    listing = client.get("/admin/packages").get_data(as_text=True)
    assert "Fire safety" in listing
    assert f"{role.title} (14 days)" in listing


def test_an_admin_uploads_a_scorm_12_zip(client, admin, package_dir):
    fields = {"slug": "typing", "kind": "computer_literacy", "all_roles": "y"}
    response = client.post(
        "/admin/packages", data=upload_form(scorm12_zip(), "typing.zip", **fields)
    )
    assert response.status_code == 302
    course = package_course("typing")
    assert (course.title, course.for_all_roles) == ("Typing basics", True)
    assert course.package.standard == "scorm12"
    assert [u.title for u in course.package.units] == ["Home row"]
    assert (package_dir / course.package.files_key / "sco.html").is_file()
    page = client.get("/admin/packages/typing").get_data(as_text=True)
    assert "SCORM 1.2" in page
    assert "Home row" in page
    assert "Waive a unit" not in page  # SCORM has no waiving


def test_a_broken_zip_is_named_and_nothing_is_written(client, admin, package_dir):
    before = course_count()
    without_url = cmi5_xml().replace(b"<url>unit1.html</url>", b"")
    broken = zipped({"cmi5.xml": without_url, "unit2.html": b""})
    response = client.post("/admin/packages", data=upload_form(broken, "broken.zip"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="file-error">cmi5.xml: courseStructure/au[1] (id=' in page
    assert "Tag &#39;url&#39; expected." in page
    assert course_count() == before
    assert package_course("fire-safety") is None
    assert db.session.scalar(select(func.count()).select_from(CoursePackage)) == 0
    assert not package_dir.exists()


def test_a_file_that_is_no_zip_is_named(client, admin):
    response = client.post("/admin/packages", data=upload_form(b"not a zip", "notes.zip"))
    assert "notes.zip: is not a zip file" in response.get_data(as_text=True)
    assert package_course("fire-safety") is None


def test_a_bad_slug_shows_under_the_slug(client, admin):
    response = client.post("/admin/packages", data=upload_form(cmi5_zip(), "f.zip", slug="Fire!"))
    page = response.get_data(as_text=True)
    assert 'id="slug-error">use lower-case letters, digits and hyphens' in page
    assert package_course("Fire!") is None


def test_a_slug_of_a_content_course_is_refused(client, admin):
    response = client.post(
        "/admin/packages", data=upload_form(cmi5_zip(), "f.zip", slug="lead-to-order")
    )
    assert "is a course written in content/" in response.get_data(as_text=True)
    assert package_course("lead-to-order").package is None


def test_an_upload_larger_than_a_package_may_be_is_a_clear_413(client, admin, app):
    saved = app.config["PACKAGE_MAX_MB"]
    app.config["PACKAGE_MAX_MB"] = 1
    try:
        big = b"x" * (3 * 1024 * 1024)
        response = client.post("/admin/packages", data=upload_form(big, "big.zip"))
    finally:
        app.config["PACKAGE_MAX_MB"] = saved
    assert response.status_code == 413
    assert "1 MB at most (PACKAGE_MAX_MB)" in response.get_data(as_text=True)


def test_an_upload_larger_than_the_apps_limit_is_taken(client, admin, app):
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # smaller than the package, for the test
    try:
        data = zipped({**_files_of_cmi5(), "padding.bin": bytes(range(256)) * 1024})
        response = client.post("/admin/packages", data=upload_form(data, "fire.zip"))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 302
    assert package_course("fire-safety") is not None


def _files_of_cmi5() -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(cmi5_zip())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def import_fire_safety(actor=None, data=None) -> Course:
    opened = importing.read_upload(data or cmi5_zip(), "fire.zip")
    details = importing.CourseDetails(
        slug="fire-safety", kind="new_hire", minutes=20, for_all_roles=True
    )
    return importing.import_package(opened, details, origin="upload", actor=actor, now=T0)


def test_a_new_version_keeps_progress_on_the_units_that_stay(client, admin, make_user):
    course = import_fire_safety()
    learner = make_user()
    enrollment = Enrollment(user=learner, course=course, source="self", assigned_at=T0)
    db.session.add(enrollment)
    kept = course.package.units[0]
    tracking.progress_of(enrollment, kept, now=T0).completed_at = T0
    db.session.flush()
    new_au = "https://example.com/courses/fire-safety/au/3"
    data = {"file": (io.BytesIO(cmi5_zip(AU_IDS[0], new_au, title="Fire safety 2")), "v2.zip")}
    data |= {"kind": "new_hire", "minutes": "25", "all_roles": "y"}
    response = client.post("/admin/packages/fire-safety", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    units = {u.publisher_id: u for u in db.session.scalars(select(PackageUnit))}
    assert units[AU_IDS[0]].id == kept.id and units[AU_IDS[0]].retired_at is None
    assert units[AU_IDS[1]].retired_at is not None
    assert units[new_au].retired_at is None
    row = db.session.scalar(select(UnitProgress).where(UnitProgress.unit_id == kept.id))
    assert row.completed_at == T0
    assert course.minutes == 25


def test_details_are_saved_without_a_new_file(client, admin, package_dir):
    course = import_fire_safety()
    files_key = course.package.files_key
    data = {"kind": "business_process", "minutes": "30", "title": "Fire drill", "all_roles": "y"}
    response = client.post("/admin/packages/fire-safety", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert (course.title, course.kind, course.minutes) == ("Fire drill", "business_process", 30)
    assert course.package.files_key == files_key
    assert len(course.package.units) == 2


def test_a_refresher_is_chosen_among_the_remedial_courses(client, admin, course):
    package_course = import_fire_safety()
    refresher = course("remedial-complete-profiles")
    page = client.get("/admin/packages/fire-safety").get_data(as_text=True)
    assert refresher.title in page and course("lead-to-order").title not in page
    data = {"kind": "business_process", "minutes": "30", "all_roles": "y"}
    response = client.post(
        "/admin/packages/fire-safety", data={**data, "remedial": str(refresher.id)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert package_course.remedial_course == refresher
    lead_to_order = str(course("lead-to-order").id)
    refused = client.post("/admin/packages/fire-safety", data={**data, "remedial": lead_to_order})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    assert package_course.remedial_course == refresher


def test_the_course_page_shows_the_units(client, admin):
    import_fire_safety()
    page = client.get("/admin/packages/fire-safety").get_data(as_text=True)
    assert AU_IDS[0] in page and "CompletedOrPassed" in page and "0.8" in page
    assert client.get("/admin/packages/lead-to-order").status_code == 404


def test_retire(client, admin):
    course = import_fire_safety()
    response = client.post("/admin/packages/fire-safety/retire")
    assert response.status_code == 302
    assert course.retired_at is not None


def test_waive_a_unit_for_an_enrolled_learner(client, admin, make_user):
    course = import_fire_safety()
    learner = make_user(email="lee@example.com")
    unit = course.package.units[0]
    data = {"email": "lee@example.com", "unit_id": str(unit.id), "reason": "Tested Out"}
    client.post("/admin/packages/fire-safety/waive", data=data)
    assert db.session.scalar(select(func.count()).select_from(UnitProgress)) == 0  # not enrolled
    db.session.add(Enrollment(user=learner, course=course, source="self", assigned_at=T0))
    db.session.flush()
    response = client.post("/admin/packages/fire-safety/waive", data=data)
    assert response.status_code == 302
    row = db.session.scalar(select(UnitProgress).where(UnitProgress.unit_id == unit.id))
    assert (row.waive_reason, row.waived_at is not None) == ("Tested Out", True)
