"""Course packages: cmi5 course structures and SCORM content packages, their units,
each learner's progress on a unit and their launch sessions.

Revision ID: 5efb0f2c30df
Revises: 1559d701ec1d
Create Date: 2026-12-06 08:03:09.441777

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5efb0f2c30df"
down_revision = "1559d701ec1d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "course_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(length=10), nullable=False),
        sa.Column("publisher_id", sa.String(length=2048), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("structure", sa.JSON(), nullable=False),
        sa.Column("files_key", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "origin IN ('upload', 'content')", name=op.f("ck_course_packages_known_origin")
        ),
        sa.CheckConstraint(
            "standard IN ('cmi5', 'scorm12', 'scorm2004')",
            name=op.f("ck_course_packages_known_standard"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_packages_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_course_packages_imported_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_packages")),
        sa.UniqueConstraint("course_id", name=op.f("uq_course_packages_course_id")),
    )
    op.create_table(
        "package_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("publisher_id", sa.String(length=2048), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("launch_method", sa.String(length=10), nullable=False),
        sa.Column("move_on", sa.String(length=20), nullable=False),
        sa.Column("mastery_score", sa.Float(), nullable=True),
        sa.Column("launch_parameters", sa.Text(), nullable=True),
        sa.Column("entitlement_key", sa.Text(), nullable=True),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "launch_method IN ('AnyWindow', 'OwnWindow')",
            name=op.f("ck_package_units_known_method"),
        ),
        sa.CheckConstraint(
            "move_on IN ('Passed', 'Completed', 'CompletedAndPassed', 'CompletedOrPassed', 'NotApplicable')",
            name=op.f("ck_package_units_known_move_on"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["course_packages.id"],
            name=op.f("fk_package_units_package_id_course_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_units")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_package_units_activity_id")),
        sa.UniqueConstraint(
            "package_id", "publisher_id", name=op.f("uq_package_units_package_id_publisher_id")
        ),
    )
    with op.batch_alter_table("package_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_units_package_id"), ["package_id"], unique=False
        )

    op.create_table(
        "package_unit_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("passed_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("score_scaled", sa.Float(), nullable=True),
        sa.Column("waived_at", sa.DateTime(), nullable=True),
        sa.Column("waive_reason", sa.String(length=40), nullable=True),
        sa.Column("satisfied_at", sa.DateTime(), nullable=True),
        sa.Column("runtime_data", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_package_unit_progress_enrollment_id_enrollments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["package_units.id"],
            name=op.f("fk_package_unit_progress_unit_id_package_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_unit_progress")),
        sa.UniqueConstraint(
            "enrollment_id", "unit_id", name=op.f("uq_package_unit_progress_enrollment_id_unit_id")
        ),
    )
    with op.batch_alter_table("package_unit_progress", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_unit_progress_enrollment_id"), ["enrollment_id"], unique=False
        )

    op.create_table(
        "package_launch_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("launch_mode", sa.String(length=10), nullable=False),
        sa.Column("launched_at", sa.DateTime(), nullable=False),
        sa.Column("fetch_token_hash", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("auth_key", sa.String(length=40), nullable=True),
        sa.Column("auth_secret_hash", sa.String(length=64), nullable=True),
        sa.Column("initialized_at", sa.DateTime(), nullable=True),
        sa.Column("terminated_at", sa.DateTime(), nullable=True),
        sa.Column("abandoned_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "launch_mode IN ('Normal', 'Browse', 'Review')",
            name=op.f("ck_package_launch_sessions_known_mode"),
        ),
        sa.ForeignKeyConstraint(
            ["progress_id"],
            ["package_unit_progress.id"],
            name=op.f("fk_package_launch_sessions_progress_id_package_unit_progress"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_launch_sessions")),
        sa.UniqueConstraint("auth_key", name=op.f("uq_package_launch_sessions_auth_key")),
        sa.UniqueConstraint(
            "fetch_token_hash", name=op.f("uq_package_launch_sessions_fetch_token_hash")
        ),
        sa.UniqueConstraint("session_id", name=op.f("uq_package_launch_sessions_session_id")),
    )
    with op.batch_alter_table("package_launch_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_package_launch_sessions_progress_id"), ["progress_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("package_launch_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_launch_sessions_progress_id"))

    op.drop_table("package_launch_sessions")
    with op.batch_alter_table("package_unit_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_unit_progress_enrollment_id"))

    op.drop_table("package_unit_progress")
    with op.batch_alter_table("package_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_units_package_id"))

    op.drop_table("package_units")
    op.drop_table("course_packages")
