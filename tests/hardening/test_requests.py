"""No request a browser can send gets a 500: ids past any integer column in every route,
unbounded query parameters, dates at the calendar's edges, NUL characters. Each is a clear
4xx; under /xapi/ every error is JSON."""

import io
import re

import pytest

from lms.auth.models import User
from lms.database import db
from lms.request_values import MAX_ID

HUGE = "9999999999999999999999999"


def int_routes(app) -> list[tuple[str, str]]:
    """(method, path) for every route with an <int:…> part, each id replaced by `{}`."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", "{}", rule.rule)
        path = re.sub(r"<(?:string:)?\w+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


@pytest.fixture
def admin(client, login, make_user):
    login(make_user(roles={"admin", "hr"}))
    return client


def test_there_are_many_routes_with_ids(app):
    assert len(int_routes(app)) >= 24


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "٣"])
def test_ids_past_any_integer_column_are_not_found_on_every_route(app, admin, value):
    for method, path in int_routes(app):
        response = admin.open(path.replace("{}", value), method=method)
        assert response.status_code in (404, 405), (method, path, response.status_code)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"/people?page={HUGE}", "?page="),
        ("/people?page=abc", "?page="),
        (f"/people?division={HUGE}", "?division="),
        (f"/people?job_role={HUGE}", "?job_role="),
        ("/people?job_role=²", "?job_role="),
        ("/leaderboards?start=9999-12-31", "?start="),
        ("/leaderboards?start=0001-01-01", "?start="),
        ("/leaderboards?start=20260131", "?start="),
        (f"/adoption?weeks={HUGE}", "?weeks="),
        (f"/me/points?page={HUGE}", "?page="),
        (f"/feedback/inbox?page={HUGE}", "?page="),
        (f"/lrs/outbox?page={HUGE}", "?page="),
        (f"/notifications/sent?page={HUGE}", "?page="),
        (f"/incentives/boards/points-week?division={HUGE}", "?division="),
    ],
)
def test_unbounded_query_parameters_are_400s_naming_the_parameter(admin, url, parameter):
    response = admin.get(url)
    assert response.status_code == 400, url
    assert parameter in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "quarter", ["0000-Q1", "1899-Q4", "2201-Q1", "2026-Q5", "2026Q1", "٢٠٢٦-Q1", "9" * 5000]
)
def test_a_quarter_outside_1900_to_2200_is_a_400_naming_the_parameter(admin, quarter):
    for page in ("/adoption/governance", "/adoption/governance/download"):
        response = admin.get(page, query_string={"quarter": quarter})
        assert response.status_code == 400, (page, quarter)
        assert "?quarter= must be a quarter written YYYY-Qn" in response.get_data(as_text=True)


@pytest.mark.parametrize("quarter", ["1900-Q1", "2200-Q4"])
def test_the_first_and_last_quarters_are_shown(admin, quarter):
    assert admin.get("/adoption/governance", query_string={"quarter": quarter}).status_code == 200


def test_a_nul_character_in_a_form_or_parameter_is_a_400(admin):
    assert admin.get("/people?q=a%00b").status_code == 400
    for path in ("/courses/a%00b/quiz", "/badges/a%00b", "/xapi/statements/more/a%00b"):
        assert admin.get(path).status_code == 400, path
    assert admin.post("/courses/a%00b/quiz").status_code == 400
    response = admin.post("/people/new", data={"name": "Nul\0Person", "email": "n@example.com"})
    assert response.status_code == 400
    assert "holds a NUL character" in response.get_data(as_text=True)


@pytest.mark.parametrize("hire_date", ["9999-12-31", "0001-01-01", "20260131"])
def test_a_hire_date_outside_the_calendar_is_a_field_error_and_writes_nothing(admin, hire_date):
    people = db.session.scalar(db.select(db.func.count()).select_from(User))
    response = admin.post(
        "/people/new",
        data={
            "email": "far@example.com",
            "name": "Far Future",
            "job_role": "sales_rep",
            "hire_date": hire_date,
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "outside 1900–2200" in page or "is not a date written YYYY-MM-DD" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == people


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/xapi/nowhere", 404),
        ("DELETE", "/xapi/statements", 405),
        ("PATCH", "/xapi/about", 405),
    ],
)
def test_every_error_under_xapi_is_json_with_a_message(client, method, path, code):
    response = client.open(path, method=method)
    assert response.status_code == code
    assert response.is_json and response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_a_body_past_the_size_limit_is_a_json_413_under_xapi(client, app, monkeypatch, lrs_headers):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    body = b"[" + b" " * 2000 + b"]"
    response = client.post(
        "/xapi/statements", data=body, content_type="application/json", headers=lrs_headers
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == 413


@pytest.fixture(scope="module")
def failing_app():
    """An app, serving as in production (exceptions are not re-raised for a debugger), with a
    page and an LRS path that fail with an unexpected exception."""
    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail():
        raise RuntimeError("secret internals: /srv/uptake/lms/views.py line 42")

    app.add_url_rule("/failing", "failing", fail)
    app.add_url_rule("/xapi/failing", "xapi_failing", fail)
    return app


def test_an_unexpected_failure_is_a_plain_500_page_without_a_traceback(failing_app):
    response = failing_app.test_client().get("/failing")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_an_unexpected_failure_under_xapi_is_a_json_500_without_a_traceback(failing_app):
    response = failing_app.test_client().get("/xapi/failing")
    assert response.status_code == 500
    assert response.json["error"]["code"] == 500
    assert "Something went wrong" in response.json["error"]["message"]
    assert "secret internals" not in response.get_data(as_text=True)


def test_a_file_past_the_size_limit_is_a_413_page_elsewhere(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    upload = {"file": (io.BytesIO(b"x" * 2000), "people.csv")}
    response = admin.post("/people/import", data=upload)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "That file is too large." in response.get_data(as_text=True)


def test_a_wrong_method_is_a_405_page_elsewhere(admin):
    response = admin.delete("/people")
    assert response.status_code == 405
    assert "That page cannot be used that way." in response.get_data(as_text=True)
