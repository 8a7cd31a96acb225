"""A package course's parts counted for the plan, in one query each however many courses:
how many current units each package course has, and how many each enrolment has satisfied."""

from sqlalchemy import func, select

from lms.courses.packages.models import CoursePackage, PackageUnit, UnitProgress
from lms.database import db


def part_totals(course_ids: list[int]) -> dict[int, int]:
    """Current units by course id, for the package courses among these (and only them)."""
    if not course_ids:
        return {}
    current = (PackageUnit.package_id == CoursePackage.id) & PackageUnit.retired_at.is_(None)
    rows = db.session.execute(
        select(CoursePackage.course_id, func.count(PackageUnit.id))
        .outerjoin(PackageUnit, current)
        .where(CoursePackage.course_id.in_(course_ids))
        .group_by(CoursePackage.course_id)
    )
    return dict(rows.all())


def parts_done(enrollment_ids: list[int]) -> dict[int, int]:
    """Satisfied current units by enrolment id."""
    if not enrollment_ids:
        return {}
    rows = db.session.execute(
        select(UnitProgress.enrollment_id, func.count(UnitProgress.id))
        .join(PackageUnit, PackageUnit.id == UnitProgress.unit_id)
        .where(
            UnitProgress.enrollment_id.in_(enrollment_ids),
            UnitProgress.satisfied_at.is_not(None),
            PackageUnit.retired_at.is_(None),
        )
        .group_by(UnitProgress.enrollment_id)
    )
    return dict(rows.all())
