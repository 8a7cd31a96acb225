"""`lms packages ...`, as ADL's CATAPULT adapter calls it: import, launch-url (the five
cmi5 launch parameters, URL only on stdout), waive, abandon, retire, list."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from lms.courses.models import Course, Enrollment
from lms.courses.packages.models import LaunchSession, UnitProgress
from lms.database import db
from tests.packages.admin.packages import AU_IDS, cmi5_xml, cmi5_zip, scorm12_zip, zipped

REGISTRATION = "0b2c4f9e-5c37-4d2a-9a55-2f0b7f1e8c11"


@pytest.fixture
def package_file(tmp_path):
    def write(data: bytes, name: str = "fire.zip"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(runner, *args):
    return runner.invoke(args=["packages", *args], catch_exceptions=False)


def imported(runner, package_file, data=None, slug="fire-safety"):
    result = run(
        runner, "import", package_file(data or cmi5_zip()), "--slug", slug,
        "--kind", "new_hire", "--minutes", "20", "--all-roles",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Course).where(Course.slug == slug))


def test_import_prints_the_slug(runner, package_file):
    result = run(
        runner, "import", package_file(cmi5_zip()), "--slug", "fire-safety", "--kind",
        "new_hire", "--minutes", "20", "--role", "sales_rep", "--required", "sales_rep:7",
        "--title", "Fire!",
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (0, "fire-safety\n")
    course = db.session.scalar(select(Course).where(Course.slug == "fire-safety"))
    assert (course.title, [r.slug for r in course.job_roles]) == ("Fire!", ["sales_rep"])
    assert course.package.origin == "upload"


def test_a_bad_package_exits_2_naming_the_problem_and_writes_nothing(runner, package_file):
    before = db.session.scalar(select(func.count()).select_from(Course))
    broken = zipped({"cmi5.xml": cmi5_xml().replace(b"<url>unit1.html</url>", b"")})
    result = run(
        runner, "import", package_file(broken), "--slug", "fire-safety", "--kind",
        "new_hire", "--minutes", "20",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cmi5.xml: courseStructure/au[1] (id=")
    assert db.session.scalar(select(func.count()).select_from(Course)) == before


def test_an_unknown_role_exits_2(runner, package_file):
    result = run(
        runner, "import", package_file(cmi5_zip()), "--slug", "fire-safety", "--kind",
        "new_hire", "--minutes", "20", "--required", "astronaut:3",
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (2, "role: no job role “astronaut”.\n")


def test_list(runner, package_file):
    imported(runner, package_file)
    imported(runner, package_file, scorm12_zip(), slug="typing")
    result = run(runner, "list")
    assert result.stdout.splitlines() == [
        "fire-safety\tcmi5\t2\tlive\tFire safety",
        "typing\tscorm12\t1\tlive\tTyping basics",
    ]


def test_launch_url_enrols_and_prints_the_five_parameters(runner, package_file, make_user):
    course = imported(runner, package_file)
    learner = make_user(email="lee@example.com")
    result = run(
        runner, "launch-url", "fire-safety", "1", "--person", "lee@example.com",
        "--registration", REGISTRATION,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [url] = result.stdout.splitlines()
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert sorted(query) == ["activityId", "actor", "endpoint", "fetch", "registration"]
    assert query["registration"] == [REGISTRATION]
    assert query["endpoint"] == ["http://lms.test/xapi/"]
    unit = course.package.units[1]
    assert query["activityId"] == [unit.activity_id]
    assert parts.path.endswith("/unit2.html")
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
    assert (enrollment.course_id, enrollment.registration) == (course.id, REGISTRATION)


def test_a_launched_enrolment_keeps_its_registration(runner, package_file, make_user):
    imported(runner, package_file)
    make_user(email="lee@example.com")
    args = ("launch-url", "fire-safety", "0", "--person", "lee@example.com")
    assert run(runner, *args, "--registration", REGISTRATION).exit_code == 0
    again = run(runner, *args, "--registration", REGISTRATION, "--launch-mode", "Review")
    assert again.exit_code == 0
    other = run(runner, *args, "--registration", "1b2c4f9e-5c37-4d2a-9a55-2f0b7f1e8c11")
    assert other.exit_code == 2
    assert "cannot become" in other.stderr


def test_launch_url_refuses_an_index_out_of_range(runner, package_file, make_user):
    imported(runner, package_file)
    make_user(email="lee@example.com")
    result = run(runner, "launch-url", "fire-safety", "2", "--person", "lee@example.com")
    assert (result.exit_code, result.stderr) == (2, "au_index: “fire-safety” has units 0 to 1.\n")


def test_waive_by_registration_and_index(runner, package_file, make_user):
    course = imported(runner, package_file)
    make_user(email="lee@example.com")
    args = ("launch-url", "fire-safety", "0", "--person", "lee@example.com")
    assert run(runner, *args, "--registration", REGISTRATION).exit_code == 0
    result = run(runner, "waive", REGISTRATION, "1", "--reason", "Tested Out")
    assert (result.exit_code, result.stdout) == (0, "waived\n")
    row = db.session.scalar(
        select(UnitProgress).where(UnitProgress.unit_id == course.package.units[1].id)
    )
    assert row.waive_reason == "Tested Out"
    unknown = run(
        runner, "waive", "1b2c4f9e-5c37-4d2a-9a55-2f0b7f1e8c11", "0", "--reason", "Tested Out"
    )
    assert unknown.exit_code == 2


def test_abandon_a_session(runner, package_file, make_user):
    imported(runner, package_file)
    make_user(email="lee@example.com")
    run(runner, "launch-url", "fire-safety", "0", "--person", "lee@example.com")
    session = db.session.scalar(select(LaunchSession))
    result = run(runner, "abandon", session.session_id)
    assert (result.exit_code, result.stdout) == (0, "abandoned\n")
    assert session.abandoned_at is not None
    assert run(runner, "abandon", "no-such-session").exit_code == 2


def test_retire(runner, package_file):
    course = imported(runner, package_file)
    assert run(runner, "retire", "fire-safety").stdout == "retired\n"
    assert course.retired_at is not None
    assert run(runner, "retire", "lead-to-order").exit_code == 2


def test_au_ids_are_the_publishers(runner, package_file):
    course = imported(runner, package_file)
    assert [unit.publisher_id for unit in course.package.units] == list(AU_IDS)
