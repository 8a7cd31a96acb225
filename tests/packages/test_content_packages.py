"""A course in content/ may be a cmi5 or SCORM package (`package: file.zip` in its
course.yaml): checked when content is read, with the file named; synced like any course, its
curriculum from the curricula files; resynced unchanged, it changes nothing."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.courses.content.reading import read_content
from lms.courses.content.sync import sync_content
from lms.courses.models import Course, CurriculumItem
from lms.database import db
from tests.packages.fixtures.builders import sample_zip

SAMPLE = Path(__file__).parents[1] / "courses" / "samples" / "content"
NOW = datetime(2026, 12, 6, 9, 0)
COURSE_YAML = """slug: safety-basics
title: Safety basics
kind: computer_literacy
summary: A bought course on working safely.
minutes: 20
job_roles: all
skills: []
package: safety.zip
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    folder = target / "courses" / "safety-basics"
    folder.mkdir()
    (folder / "course.yaml").write_text(COURSE_YAML)
    (folder / "safety.zip").write_bytes(sample_zip("scorm12-sample"))
    curriculum = target / "curricula" / "sales_rep.yaml"
    curriculum.write_text(
        curriculum.read_text().replace(
            "courses:\n", "courses:\n  - course: safety-basics\n    due_days: 7\n", 1
        )
    )
    return target


def test_a_package_course_reads_without_lessons_or_quiz(tree):
    content, problems = read_content(tree)
    assert problems == []
    spec = next(course for course in content.courses if course.slug == "safety-basics")
    assert spec.lessons == () and spec.questions == ()
    assert [unit.title for unit in spec.package.spec.units] == ["Welcome", "Check"]


def test_a_broken_package_is_a_problem_naming_the_course_file_and_the_package(tree):
    folder = tree / "courses" / "safety-basics"
    (folder / "safety.zip").write_bytes(b"not a zip at all")
    problems = read_content(tree)[1]
    assert len(problems) == 1, problems
    problem = problems[0]
    assert problem.path == "content/courses/safety-basics/course.yaml"
    assert problem.field == "package" and problem.line == 8
    assert "safety.zip" in problem.message


def test_a_package_outside_the_course_folder_is_refused(tree):
    course_yaml = tree / "courses" / "safety-basics" / "course.yaml"
    course_yaml.write_text(COURSE_YAML.replace("safety.zip", "../handle-leads/course.yaml"))
    (problem,) = read_content(tree)[1]
    assert problem.field == "package"
    assert "must be a file in the course folder" in problem.message


def test_a_quiz_beside_a_package_is_a_problem(tree):
    (tree / "courses" / "safety-basics" / "quiz.yaml").write_text("questions: []\n")
    (problem,) = read_content(tree)[1]
    assert problem.path == "content/courses/safety-basics/quiz.yaml"


def test_sync_makes_it_a_course_with_its_package_in_the_roles_curriculum(app, tree, package_dir):
    sync_content(tree, now=NOW)
    course = db.session.scalar(select(Course).where(Course.slug == "safety-basics"))
    package = course.package
    assert (package.standard, package.origin) == ("scorm12", "content")
    assert [unit.title for unit in package.units] == ["Welcome", "Check"]
    assert (package_dir / package.files_key / "welcome.html").is_file()
    item = db.session.scalar(select(CurriculumItem).where(CurriculumItem.course_id == course.id))
    assert item.due_days == 7
    imported_at = package.imported_at
    report = sync_content(tree, now=datetime(2026, 12, 7))
    assert report.total == 0
    assert course.package.imported_at == imported_at


def test_content_may_not_take_the_slug_of_an_uploaded_course(app, tree):
    from lms.courses.packages import importing
    from lms.errors import DomainError

    opened = importing.read_upload(sample_zip("scorm12-sample"), "safety.zip")
    details = importing.CourseDetails(slug="safety-basics", kind="computer_literacy", minutes=5)
    importing.import_package(opened, details, origin="upload", actor=None, now=NOW)
    with pytest.raises(DomainError, match="slug of a package course an admin uploaded"):
        sync_content(tree, now=NOW)
