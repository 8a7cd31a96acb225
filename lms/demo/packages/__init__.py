"""Two e-learning packages of Uptake's own, in the folders beside this file: a cmi5 course (a
block of two AUs, the second passed at 80%) and a SCORM 1.2 course (two SCOs, the second with
a mastery score). The demo organisation has them in its catalogue, uploaded by its admin as a
company would, and the browser tests upload them through the admin page."""

import io
import zipfile
from pathlib import Path

from lms.auth.models import User
from lms.courses.models import Course
from lms.courses.packages import importing
from lms.database import db

DEMO_PACKAGES = Path(__file__).parent
# (folder, the course's slug, its title in the catalogue)
DEMO_COURSES = (
    ("scorm12-sample", "office-safety-scorm", "Office safety (a SCORM 1.2 course)"),
    ("cmi5-sample", "fire-safety-cmi5", "Fire safety basics (a cmi5 course)"),
)


def zipped(folder: str) -> bytes:
    """A sample package's folder as the zip a publisher would hand over."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((DEMO_PACKAGES / folder).iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def seed_packages(admin: User | None, *, now) -> None:
    """Upload the samples as optional courses open to every role; ones there already stay."""
    for folder, slug, title in DEMO_COURSES:
        if db.session.scalar(db.select(Course.id).where(Course.slug == slug)) is not None:
            continue
        details = importing.CourseDetails(
            slug=slug, kind="computer_literacy", minutes=10, title=title, for_all_roles=True
        )
        opened = importing.read_upload(zipped(folder), f"{folder}.zip")
        importing.import_package(opened, details, origin="upload", actor=admin, now=now)
