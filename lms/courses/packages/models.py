"""A course that is a package: its structure (blocks and units), each learner's progress
through its units, and the launch sessions in which they work on them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.courses.models import Course, Enrollment
from lms.database import db

IRI = String(2048)
STANDARDS = ("cmi5", "scorm12", "scorm2004")
STANDARD_LABELS = {"cmi5": "cmi5", "scorm12": "SCORM 1.2", "scorm2004": "SCORM 2004"}
SCORM_VERSIONS = {"scorm12": "1.2", "scorm2004": "2004"}  # as scorm_rules names them
LAUNCH_MODES = ("Normal", "Browse", "Review")


class CoursePackage(db.Model):
    """The package a course is made of, as last imported. `structure` is the course's tree
    of blocks and units (`structure.as_json`); the files are under PACKAGE_DIR/`files_key`
    (the SHA-256 of the archive), so an upload never overwrites what a learner has open."""

    __tablename__ = "course_packages"
    __table_args__ = (
        CheckConstraint(f"standard IN {STANDARDS!r}", name="known_standard"),
        CheckConstraint("origin IN ('upload', 'content')", name="known_origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    standard: Mapped[str] = mapped_column(String(10))
    publisher_id: Mapped[str] = mapped_column(IRI)  # cmi5 course id; SCORM manifest identifier
    activity_id: Mapped[str] = mapped_column(IRI)  # the LMS's own id for the course object
    structure: Mapped[dict] = mapped_column(JSON)
    files_key: Mapped[str | None] = mapped_column(String(64))  # None: a bare cmi5.xml
    origin: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship(backref=db.backref("package", uselist=False))
    imported_by: Mapped[User | None] = relationship()
    units: Mapped[list["PackageUnit"]] = relationship(
        back_populates="package", order_by="PackageUnit.position", cascade="all, delete-orphan"
    )


class PackageUnit(db.Model):
    """One launchable unit: a cmi5 AU or a SCORM SCO. A unit a new version of the package
    drops is retired, not deleted, with the progress made on it."""

    __tablename__ = "package_units"
    __table_args__ = (
        UniqueConstraint("package_id", "publisher_id"),
        CheckConstraint(
            "move_on IN ('Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed',"
            " 'NotApplicable')",
            name="known_move_on",
        ),
        CheckConstraint("launch_method IN ('AnyWindow', 'OwnWindow')", name="known_method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("course_packages.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    publisher_id: Mapped[str] = mapped_column(IRI)  # the AU id or SCORM item identifier
    activity_id: Mapped[str] = mapped_column(IRI, unique=True)  # the LMS's id (cmi5 8.1.5)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(IRI)  # relative to the package's files, or absolute
    launch_method: Mapped[str] = mapped_column(String(10), default="AnyWindow")
    move_on: Mapped[str] = mapped_column(String(20))
    mastery_score: Mapped[float | None] = mapped_column(Float)
    launch_parameters: Mapped[str | None] = mapped_column(Text)
    entitlement_key: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    package: Mapped[CoursePackage] = relationship(back_populates="units")


class UnitProgress(db.Model):
    """A learner's standing on one unit within their enrolment (the cmi5 registration):
    what the unit reported and when, and for SCORM the runtime's data model, so that the
    next launch resumes where they left off."""

    __tablename__ = "package_unit_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("package_units.id", ondelete="CASCADE"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    passed_at: Mapped[datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[datetime | None] = mapped_column(DateTime)  # the latest failure
    failures: Mapped[int] = mapped_column(default=0, server_default="0")  # sessions failed
    score_scaled: Mapped[float | None] = mapped_column(Float)
    waived_at: Mapped[datetime | None] = mapped_column(DateTime)
    waive_reason: Mapped[str | None] = mapped_column(String(40))
    satisfied_at: Mapped[datetime | None] = mapped_column(DateTime)
    runtime_data: Mapped[dict | None] = mapped_column(JSON)  # SCORM's cmi data model
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    enrollment: Mapped[Enrollment] = relationship()
    unit: Mapped[PackageUnit] = relationship()


class LaunchSession(db.Model):
    """One launch of a unit. For cmi5 it holds the single-use fetch token and the AU's LRS
    credentials (both stored hashed) and what the AU has said in the session; a new launch
    of the same unit abandons a session left open."""

    __tablename__ = "package_launch_sessions"
    __table_args__ = (CheckConstraint(f"launch_mode IN {LAUNCH_MODES!r}", name="known_mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(36), unique=True)  # UUID, cmi5 9.6.3.1
    progress_id: Mapped[int] = mapped_column(
        ForeignKey("package_unit_progress.id", ondelete="CASCADE"), index=True
    )
    launch_mode: Mapped[str] = mapped_column(String(10))
    launched_at: Mapped[datetime] = mapped_column(DateTime)
    fetch_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime)
    preferences_read_at: Mapped[datetime | None] = mapped_column(DateTime)  # cmi5 11.0
    auth_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    auth_secret_hash: Mapped[str | None] = mapped_column(String(64))
    initialized_at: Mapped[datetime | None] = mapped_column(DateTime)
    terminated_at: Mapped[datetime | None] = mapped_column(DateTime)
    abandoned_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)

    progress: Mapped[UnitProgress] = relationship()
