"""The HR import: rows checked first (pure), then written to a real database, through the
service functions, the `lms users import` command and the admin page."""

import html
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.models import Division, JobRole, User
from lms.auth.people_import import (
    COLUMNS,
    ImportRejected,
    import_people,
    read_csv,
    validate_file,
    validate_rows,
)
from lms.courses.models import CurriculumItem, Enrollment
from lms.database import db
from tests.conftest import T0

HEADER = ",".join(COLUMNS)
JOB_ROLES = {"sales_rep", "sales_manager", "customer_service_rep"}


def row(email="ann@example.com", **cells) -> dict[str, str]:
    """One parsed row as `read_csv` returns it; every cell valid unless overridden."""
    defaults = {
        "name": "Ann Lee",
        "job_role": "sales_rep",
        "division": "North",
        "manager_email": "",
        "hire_date": "2026-01-05",
        "roles": "",
    }
    return {"email": email} | defaults | cells


def errors_in(rows, existing_managers=None) -> list[tuple[int, str, str]]:
    _, errors = validate_rows(rows, JOB_ROLES, existing_managers or {})
    return [(error.row, error.column, error.message) for error in errors]


# Checking rows (pure) ----------------------------------------------------------------------


def test_a_clean_file_keeps_every_row_and_has_no_errors():
    rows, errors = validate_rows(
        [row("boss@example.com"), row(manager_email="boss@example.com")], JOB_ROLES, {}
    )
    assert errors == []
    assert [person.email for person in rows] == ["boss@example.com", "ann@example.com"]


def test_the_first_data_row_is_row_two_because_the_header_is_row_one():
    assert errors_in([row(job_role="wizard")])[0][0] == 2


def test_later_rows_are_numbered_as_a_spreadsheet_shows_them():
    rows = [row("a@example.com"), row("b@example.com"), row("c@example.com", job_role="wizard")]
    assert errors_in(rows)[0][0] == 4


def test_an_unknown_job_role_names_row_column_and_value():
    assert errors_in([row(job_role="wizard")]) == [(2, "job_role", "unknown job role 'wizard'")]


def test_a_date_not_in_iso_form_is_refused():
    assert errors_in([row(hire_date="05/01/2026")]) == [
        (2, "hire_date", "'05/01/2026' is not a date written YYYY-MM-DD, like 2026-01-31")
    ]


def test_an_impossible_date_is_refused():
    assert errors_in([row(hire_date="2026-02-30")])[0][:2] == (2, "hire_date")


@pytest.mark.parametrize("column", ["email", "name", "job_role", "hire_date"])
def test_an_empty_required_cell_is_reported_in_its_column(column):
    assert errors_in([row(**{column: ""})]) == [(2, column, "is empty")]


@pytest.mark.parametrize("column", ["division", "manager_email", "roles"])
def test_optional_cells_may_be_empty(column):
    assert errors_in([row(**{column: ""})]) == []


def test_a_duplicate_email_names_the_row_it_first_appeared_on():
    rows = [row("ann@example.com"), row("bob@example.com"), row("Ann@Example.com")]
    assert errors_in(rows) == [(4, "email", "ann@example.com is already on row 2")]


def test_a_manager_in_neither_file_nor_database_is_refused():
    assert errors_in([row(manager_email="ghost@example.com")]) == [
        (2, "manager_email", "ghost@example.com is neither in this file nor in Uptake")
    ]


def test_a_manager_later_in_the_file_is_found():
    assert errors_in([row(manager_email="boss@example.com"), row("boss@example.com")]) == []


def test_a_manager_already_in_the_database_is_found():
    existing = {"boss@example.com": None}
    assert errors_in([row(manager_email="boss@example.com")], existing) == []


def test_a_manager_whose_own_row_is_wrong_is_still_in_the_file():
    rows = [row("boss@example.com", hire_date="soon"), row(manager_email="boss@example.com")]
    assert errors_in(rows) == [
        (2, "hire_date", "'soon' is not a date written YYYY-MM-DD, like 2026-01-31")
    ]


def test_a_person_cannot_be_their_own_manager():
    assert errors_in([row(manager_email="ann@example.com")]) == [
        (2, "manager_email", "a person cannot be their own manager")
    ]


def test_a_reporting_loop_within_the_file_is_reported_on_each_of_its_rows():
    rows = [
        row("a@example.com", manager_email="b@example.com"),
        row("b@example.com", manager_email="a@example.com"),
    ]
    assert errors_in(rows) == [
        (2, "manager_email", "reporting loop: a@example.com → b@example.com → a@example.com"),
        (3, "manager_email", "reporting loop: b@example.com → a@example.com → b@example.com"),
    ]


def test_a_reporting_loop_through_the_database_is_refused():
    existing = {"b@example.com": "a@example.com", "a@example.com": None}
    assert errors_in([row("a@example.com", manager_email="b@example.com")], existing) == [
        (2, "manager_email", "reporting loop: a@example.com → b@example.com → a@example.com")
    ]


def test_a_manager_change_in_the_file_wins_over_the_database():
    existing = {"a@example.com": "b@example.com", "b@example.com": None}
    rows = [
        row("a@example.com", manager_email=""),
        row("b@example.com", manager_email="a@example.com"),
    ]
    assert errors_in(rows, existing) == []


def test_a_role_problem_is_reported_in_the_roles_column():
    assert errors_in([row(roles="hr; manager")])[0][:2] == (2, "roles")


def test_an_empty_roles_cell_means_keep_the_current_roles():
    rows, _ = validate_rows([row(roles="")], JOB_ROLES, {})
    assert rows[0].roles is None


def test_a_row_with_an_error_is_not_kept_for_import():
    rows, _ = validate_rows(
        [row("a@example.com"), row("b@example.com", job_role="x")], JOB_ROLES, {}
    )
    assert [person.email for person in rows] == ["a@example.com"]


def test_emails_are_kept_in_lower_case():
    rows, _ = validate_rows([row("Ann.Lee@Example.COM")], JOB_ROLES, {})
    assert rows[0].email == "ann.lee@example.com"


# Reading the file (pure) -------------------------------------------------------------------


def test_missing_header_columns_are_named_on_row_one():
    error = read_csv("email,name,job_role,manager_email,hire_date\n")
    assert (error.row, error.column) == (1, "division, roles")
    assert error.message.startswith("missing column(s)")


def test_header_names_ignore_case_and_spaces():
    header = " Email , NAME,job_role,division,manager_email,hire_date,roles"
    rows = read_csv(header + "\na@x.io,A,sales_rep,,,2026-01-01,\n")
    assert rows[0]["email"] == "a@x.io"


def test_a_byte_order_mark_before_the_header_is_ignored():
    data = ("\ufeff" + HEADER + "\nann@example.com,Ann,sales_rep,,,2026-01-05,\n").encode()
    assert read_csv(data)[0]["email"] == "ann@example.com"


def test_a_byte_order_mark_in_text_is_ignored():
    text = "\ufeff" + HEADER + "\nann@example.com,Ann,sales_rep,,,2026-01-05,\n"
    assert read_csv(text)[0]["email"] == "ann@example.com"


def test_a_blank_line_keeps_the_row_numbers_of_the_rows_after_it():
    text = HEADER + "\na@x.io,A,sales_rep,,,2026-01-01,\n\nb@x.io,B,wizard,,,2026-01-01,\n"
    assert errors_in(read_csv(text)) == [(4, "job_role", "unknown job role 'wizard'")]


def test_cells_are_trimmed():
    rows = read_csv(HEADER + "\n ann@example.com , Ann ,sales_rep,,,2026-01-05,\n")
    assert (rows[0]["email"], rows[0]["name"]) == ("ann@example.com", "Ann")


# Writing people (database) -----------------------------------------------------------------

BOSS = "boss@example.com,Bea Boss,sales_manager,East,,2025-06-02,hr"
REP = "rep@example.com,Rex Rep,sales_rep,East,boss@example.com,2026-09-01,"


def export(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def run_import(*lines: str):
    result = import_people(validate_file(export(*lines)), now=T0)
    db.session.flush()
    return result


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def curriculum(job_role: str) -> dict[int, int]:
    """course id -> due_days for a job role, as the content defines it."""
    items = db.session.scalars(
        select(CurriculumItem)
        .join(JobRole, JobRole.id == CurriculumItem.job_role_id)
        .where(JobRole.slug == job_role)
    )
    return {item.course_id: item.due_days for item in items}


def open_enrolments(user: User) -> dict[int, Enrollment]:
    enrolments = db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.withdrawn_at.is_(None))
    )
    return {enrolment.course_id: enrolment for enrolment in enrolments}


def test_import_creates_people_with_their_job_role_and_hire_date(app):
    run_import(BOSS, REP)
    rep = person("rep@example.com")
    assert (rep.name, rep.job_role.slug, rep.hire_date) == (
        "Rex Rep",
        "sales_rep",
        date(2026, 9, 1),
    )


def test_import_creates_the_divisions_it_names(app):
    run_import(BOSS, REP)
    assert person("rep@example.com").division.name == "East"
    assert db.session.scalar(select(func.count()).where(Division.name == "East")) == 1


def test_import_links_each_person_to_their_manager(app):
    run_import(REP, BOSS)  # the manager's row may come after their report's
    assert person("rep@example.com").manager == person("boss@example.com")


def test_import_gives_the_roles_the_file_names_and_learner_to_all(app):
    run_import(BOSS, REP)
    assert person("boss@example.com").roles == {"learner", "hr"}
    assert person("rep@example.com").roles == {"learner"}


def test_import_reports_the_people_it_created(app):
    result = run_import(BOSS, REP)
    assert {user.email for user in result.created} == {"boss@example.com", "rep@example.com"}
    assert (result.updated, result.unchanged) == ([], 0)


def test_a_manager_already_in_uptake_is_linked(app, make_user):
    boss = make_user(email="boss@example.com")
    run_import(REP)
    assert person("rep@example.com").manager == boss


def test_a_bad_file_is_rejected_with_every_problem(app):
    with pytest.raises(ImportRejected) as rejected:
        validate_file(
            export(BOSS.replace("2025-06-02", "June"), REP.replace("sales_rep", "wizard"))
        )
    assert [(error.row, error.column) for error in rejected.value.errors] == [
        (2, "hire_date"),
        (3, "job_role"),
    ]


def test_a_file_without_people_is_rejected(app):
    with pytest.raises(ImportRejected):
        validate_file(export())


def test_a_bad_file_writes_nothing(app):
    people, divisions = count(User), count(Division)
    with pytest.raises(ImportRejected):
        validate_file(
            export("new@example.com,New,sales_rep,Atlantis,,2026-01-01,", REP.replace("2026", "26"))
        )
    assert (count(User), count(Division)) == (people, divisions)


# Re-importing ------------------------------------------------------------------------------


def test_reimport_updates_a_person_in_place(app):
    run_import(BOSS, REP)
    rep_id = person("rep@example.com").id
    result = run_import(BOSS, REP.replace("Rex Rep", "Rex Repman"))
    assert person("rep@example.com").id == rep_id
    assert person("rep@example.com").name == "Rex Repman"
    assert [user.email for user in result.updated] == ["rep@example.com"]


def test_reimport_matches_people_by_email_whatever_its_case(app):
    run_import(BOSS, REP)
    result = run_import(BOSS, REP.replace("rep@example.com", "REP@Example.com"))
    assert (len(result.created), result.unchanged) == (0, 2)


def test_reimport_counts_rows_that_change_nothing_as_unchanged(app):
    run_import(BOSS, REP)
    result = run_import(BOSS, REP)
    assert (result.created, result.updated, result.unchanged) == ([], [], 2)


def test_reimport_moves_a_person_to_a_new_manager(app, make_user):
    new_boss = make_user(email="new.boss@example.com")
    run_import(BOSS, REP)
    run_import(REP.replace("boss@example.com", "new.boss@example.com"))
    assert person("rep@example.com").manager == new_boss


def test_reimport_moves_a_person_to_a_new_division(app):
    run_import(BOSS, REP)
    run_import(BOSS, REP.replace("East", "West"))
    assert person("rep@example.com").division.name == "West"


def test_reimport_with_an_empty_roles_cell_keeps_the_roles(app):
    run_import(BOSS, REP)
    run_import(BOSS.removesuffix("hr"), REP)
    assert person("boss@example.com").roles == {"learner", "hr"}


def test_reimport_with_roles_replaces_the_roles(app):
    run_import(BOSS, REP)
    run_import(BOSS.removesuffix("hr") + "learner", REP)
    assert person("boss@example.com").roles == {"learner"}


def test_people_missing_from_a_reimport_are_left_as_they_are(app):
    run_import(BOSS, REP)
    run_import(BOSS)
    assert person("rep@example.com").active
    assert person("rep@example.com").manager == person("boss@example.com")


# Curricula ---------------------------------------------------------------------------------


def test_new_people_are_enrolled_in_their_roles_curriculum_due_from_their_hire_date(app):
    required = curriculum("sales_rep")
    assert required, "content/curricula should give sales_rep some courses"
    run_import(BOSS, REP)
    enrolments = open_enrolments(person("rep@example.com"))
    assert {course_id: e.due_on for course_id, e in enrolments.items()} == {
        course_id: date(2026, 9, 1) + timedelta(days=due_days)
        for course_id, due_days in required.items()
    }


def test_curriculum_enrolments_are_marked_as_such(app):
    run_import(BOSS, REP)
    enrolments = open_enrolments(person("rep@example.com")).values()
    assert {(e.source, e.required, e.assigned_at) for e in enrolments} == {("curriculum", True, T0)}


def test_a_new_job_role_brings_its_curriculum(app):
    new_courses = set(curriculum("customer_service_rep")) - set(curriculum("sales_rep"))
    assert new_courses, "the two roles' curricula should differ for this test to mean anything"
    run_import(BOSS, REP)
    run_import(BOSS, REP.replace("sales_rep", "customer_service_rep"))
    assert set(open_enrolments(person("rep@example.com"))) == set(
        curriculum("customer_service_rep")
    )


def test_a_reimport_that_keeps_the_job_role_adds_no_enrolments(app):
    run_import(BOSS, REP)
    enrolments = count(Enrollment)
    run_import(BOSS, REP.replace("Rex Rep", "Rex Repman"))
    assert count(Enrollment) == enrolments


# `lms users import` ------------------------------------------------------------------------


@pytest.fixture
def export_file(tmp_path):
    def write(*lines: str):
        path = tmp_path / "people.csv"
        path.write_text(export(*lines))
        return str(path)

    return write


def test_cli_import_reports_counts_and_prints_password_links(runner, export_file):
    result = runner.invoke(args=["users", "import", export_file(BOSS, REP)])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged." in result.output
    assert result.output.count("http://lms.test/password/") == 2


def test_cli_import_of_a_bad_file_fails_and_prints_every_problem(runner, export_file):
    path = export_file(BOSS.replace("sales_manager", "boss"), REP.replace("2026-09-01", "tomorrow"))
    result = runner.invoke(args=["users", "import", path])
    assert result.exit_code != 0
    assert f"{path}: row 2, column job_role: unknown job role 'boss'" in result.output
    expected = "row 3, column hire_date: 'tomorrow' is not a date written YYYY-MM-DD"
    assert f"{path}: {expected}, like 2026-01-31" in result.output
    assert "2 problem(s); nothing was imported" in result.output


def test_cli_import_of_a_bad_file_writes_nothing(runner, export_file):
    people, divisions = count(User), count(Division)
    runner.invoke(
        args=["users", "import", export_file(BOSS.replace("East", "Atlantis"), REP + ";wizard")]
    )
    assert (count(User), count(Division)) == (people, divisions)


# The admin import page ---------------------------------------------------------------------


@pytest.fixture
def upload(client, login, make_user):
    login(make_user(roles={"admin"}))

    def post(text: str | bytes):
        content = text.encode() if isinstance(text, str) else text
        data = {"file": (io.BytesIO(content), "people.csv")}
        response = client.post("/people/import", data=data, content_type="multipart/form-data")
        return response, html.unescape(response.get_data(as_text=True))

    return post


def test_import_page_shows_the_result_and_a_password_link_per_new_person(upload):
    response, page = upload(export(BOSS, REP))
    assert response.status_code == 200
    assert "Imported: 2 created, 0 updated, 0 unchanged" in page
    assert page.count('value="http://lms.test/password/') == 2


def test_import_page_writes_a_good_file(upload):
    upload(export(BOSS, REP))
    assert person("rep@example.com").manager == person("boss@example.com")


def test_import_page_lists_every_problem_of_a_bad_file(upload):
    _, page = upload(export(BOSS, REP.replace("2026-09-01", "tomorrow")))
    assert "Nothing was imported: 1 problem" in page
    expected = "'tomorrow' is not a date written YYYY-MM-DD, like 2026-01-31"
    assert f"<td>3</td><td>hire_date</td><td>{expected}</td>" in page


def test_import_page_writes_nothing_from_a_bad_file(upload):
    people, divisions = count(User), count(Division)
    upload(export(BOSS.replace("East", "Atlantis"), REP.replace("2026-09-01", "tomorrow")))
    assert (count(User), count(Division)) == (people, divisions)


@pytest.mark.parametrize("roles", [(), ("hr",)])
def test_import_page_is_for_admins_only(client, login, make_user, roles):
    login(make_user(roles=roles))
    data = {"file": (io.BytesIO(export(BOSS).encode()), "people.csv")}
    response = client.post("/people/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 403
    assert person("boss@example.com") is None


# The HR id (optional employee_id column) ---------------------------------------------------


def test_an_hr_id_may_appear_only_once_in_a_file():
    rows = [row("ann@example.com", employee_id="E1"), row("bob@example.com", employee_id="E1")]
    _, errors = validate_rows(rows, JOB_ROLES, {})
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "employee_id", "E1 is already on row 2")
    ]


def test_an_hr_id_held_by_someone_else_is_refused():
    _, errors = validate_rows(
        [row("ann@example.com", employee_id="E7")], JOB_ROLES, {}, {"E7": "zoe@example.com"}
    )
    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, "employee_id", "E7 belongs to zoe@example.com")
    ]


def test_the_hr_id_column_is_optional_and_an_empty_cell_keeps_the_id(app):
    with_id = f"{HEADER},employee_id\nhr1@example.com,Hana Id,sales_rep,North,,2026-01-05,,E-100\n"
    import_people(validate_file(with_id), now=T0)
    assert person("hr1@example.com").employee_id == "E-100"
    run_import("hr1@example.com,Hana Renamed,sales_rep,North,,2026-01-05,")
    assert person("hr1@example.com").name == "Hana Renamed"
    assert person("hr1@example.com").employee_id == "E-100"


# Files an HR system should not produce, but do --------------------------------------------


@pytest.mark.parametrize(
    ("hire_date", "message"),
    [
        ("20260131", "'20260131' is not a date written YYYY-MM-DD"),
        ("2026-W05-1", "'2026-W05-1' is not a date written YYYY-MM-DD"),
        ("9999-12-31", "9999-12-31 is outside 1900–2200"),
        ("0001-01-01", "0001-01-01 is outside 1900–2200"),
        ("٢٠٢٦-01-31", "is not a date written YYYY-MM-DD"),
    ],
)
def test_hire_dates_are_strictly_yyyy_mm_dd_within_1900_to_2200(hire_date, message):
    [(number, column, text)] = errors_in([row(hire_date=hire_date)])
    assert (number, column) == (2, "hire_date") and message in text


def test_a_byte_that_is_not_utf8_is_named_with_its_row():
    data = (export(BOSS) + "rep@example.com,Chlo\xe9 Rep,sales_rep,East,,2026-09-01,\n").encode(
        "latin-1"
    )
    assert read_csv(data) == read_csv(data)  # a value, not an exception
    error = read_csv(data)
    assert (error.row, error.column) == (3, "file")
    assert "byte 0xE9 is not UTF-8" in error.message


def test_a_cell_longer_than_any_field_is_a_row_error_not_a_crash():
    error = read_csv(export(BOSS, REP.replace("Rex Rep", "x" * 5000)).encode())
    assert (error.row, error.column) == (3, "name")
    assert "longer than 1000 characters" in error.message
    error = read_csv(export(BOSS, REP.replace("Rex Rep", "x" * 131_073)).encode())
    assert (error.row, error.column) == (3, "file")  # past the csv module's own limit
    assert "field larger than field limit" in error.message


def test_a_nul_byte_is_a_row_error():
    error = read_csv(export(BOSS, REP.replace("Rex", "R\0x")).encode())
    assert (error.row, error.column, error.message) == (3, "name", "holds a NUL character")


@pytest.mark.parametrize(
    "bad",
    [
        REP.replace("2026-09-01", "9999-12-31"),
        REP.replace("Rex Rep", "x" * 131_073),
        "rep@example.com,Chlo\udce9,sales_rep,East,,2026-09-01,",
    ],
    ids=["far future", "giant cell", "latin-1"],
)
def test_import_page_and_command_report_hostile_files_and_write_nothing(
    upload, runner, tmp_path, bad
):
    data = export(BOSS, bad).encode("utf-8", "surrogateescape")
    people = count(User)
    response, page = upload(data)
    assert response.status_code == 200
    assert "Nothing was imported" in page
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    result = runner.invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert count(User) == people
