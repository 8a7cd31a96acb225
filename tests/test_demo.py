"""`lms demo` builds a demo organisation from nothing, and running it again adds nothing."""

from sqlalchemy import func, select

from lms import create_app
from lms.auth.models import Division, User
from lms.courses.models import Course, Enrollment
from lms.courses.packages.models import CoursePackage
from lms.database import db
from lms.xapi.models import LrsClient, Statement
from tests.conftest import test_settings
from tests.databases import fresh_database

COUNTED = (User, Division, Course, Enrollment, Statement, LrsClient)


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in COUNTED
    }


def test_demo_twice_duplicates_nothing(tmp_path):
    with fresh_database(tmp_path) as url:
        app = create_app(test_settings(url))
        runner = app.test_cli_runner()
        # Flask's CLI only pushes its app's context when no app is current, and the suite's
        # own app may be: push this one explicitly.
        with app.app_context():
            first = runner.invoke(args=["demo", "--no-serve"])
            assert first.exit_code == 0, first.output
            assert "admin@northwind.example" in first.output and "uptake-demo-2026" in first.output
            after_first = counts()
            managers = db.session.scalar(select(func.count(func.distinct(User.manager_id))))
            packages = db.session.execute(
                select(Course.slug, CoursePackage.standard)
                .join(CoursePackage, CoursePackage.course_id == Course.id)
                .order_by(Course.slug)
            ).all()
            db.session.remove()  # end this read: outside a request, SQLite transactions write
            second = runner.invoke(args=["demo", "--no-serve"])
            assert second.exit_code == 0, second.output
            assert "0 people created, 16 already there" in second.output
            assert counts() == after_first
            db.session.remove()
            db.engine.dispose()
    assert after_first["User"] == 16 and after_first["Division"] == 3
    assert managers == 3
    assert after_first["Statement"] > 1000  # course progress and three weeks of CRM activity
    assert packages == [("fire-safety-cmi5", "cmi5"), ("office-safety-scorm", "scorm12")]


def test_the_demo_names_the_port_it_serves_on(tmp_path):
    """Without BASE_URL, links, the LRS endpoint and IRIs follow --port; a database seeded
    under one address is refused under another, with the way out named."""
    with fresh_database(tmp_path) as url:
        app = create_app(test_settings(url) | {"BASE_URL_GIVEN": False})
        runner = app.test_cli_runner()
        with app.app_context():
            first = runner.invoke(args=["demo", "--no-serve", "--port", "5102"])
            assert first.exit_code == 0, first.output
            assert "http://127.0.0.1:5102/crm" in first.output
            assert app.config["BASE_URL"] == "http://127.0.0.1:5102"
            course = db.session.scalar(
                select(Statement.activity_id).where(Statement.activity_id.like("%/courses/%"))
            )
            assert course.startswith("http://127.0.0.1:5102/xapi/activities/courses/")
            db.session.remove()
            other = runner.invoke(args=["demo", "--no-serve", "--port", "5103"])
            assert other.exit_code != 0
            assert "seeded for http://127.0.0.1:5102" in other.output
            assert "--port 5102" in other.output
            assert counts()["Statement"] > 1000
            db.session.remove()
            again = runner.invoke(args=["demo", "--no-serve", "--port", "5102"])
            assert again.exit_code == 0, again.output
            db.session.remove()
            db.engine.dispose()


def test_the_demo_serves_with_the_database_free_to_write(tmp_path, monkeypatch):
    """Serving, the command holds no transaction: on SQLite it would hold the write lock, and
    every log-in (a write) would be refused with "database is locked"."""
    import sqlite3

    from lms.demo import command

    writes = []

    def serve(host, port, app, **options):
        database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        other = sqlite3.connect(database, timeout=0.5, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # what a request that writes does first
        other.execute("ROLLBACK")
        other.close()
        writes.append((host, port))

    monkeypatch.setattr(command, "run_simple", serve)
    with fresh_database(tmp_path) as url:
        if not url.startswith("sqlite"):
            return  # PostgreSQL has no database-wide write lock
        app = create_app(test_settings(url))
        with app.app_context():
            served = app.test_cli_runner().invoke(args=["demo", "--port", "5104"])
            assert served.exit_code == 0, served.output
            assert writes == [("127.0.0.1", 5104)]
            db.session.remove()
            db.engine.dispose()
