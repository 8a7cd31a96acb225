"""Property: whatever an administrator's browser sends to a page, the answer is never a 5xx, and
a 4xx writes nothing.

Every route of `app.url_map` outside the LRS protocol (/xapi/, tested by its own properties) is
driven by Hypothesis: GET routes with arbitrary path values and query parameters, POST routes
with arbitrary values in the fields of the forms their view uses. The routes, the query
parameters the views read and the forms' fields are found in the code, so a new route or form
is covered without touching this file.

A bounded number of examples per route runs in `make test` (UPTAKE_PROPERTY_EXAMPLES, default
8); set it higher to search longer.
"""

import inspect
import io
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from flask_wtf.file import FileField as FlaskFileField
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select
from werkzeug.routing import AnyConverter, IntegerConverter
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FileField,
    IntegerField,
    SelectMultipleField,
)
from wtforms.fields.core import UnboundField

import lms
from lms.database import db
from lms.request_values import CalendarDateField
from tests.property_settings import bounded

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
PROPERTY = bounded("UPTAKE_PROPERTY_EXAMPLES", 8)
# Routes left out: the LRS protocol has its own property tests; logging out would end the
# session the other examples run in; static files are not the app's.
SKIPPED_PREFIXES = ("/xapi/", "/static/")
SKIPPED_ENDPOINTS = {"auth.logout"}
WRITES = ("INSERT", "UPDATE", "DELETE")
LMS_SOURCES = Path(lms.__file__).parent


def _app_routes(method: str) -> list[str]:
    """The rules answering `method`, as strings, found in the application's URL map."""
    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "routes"})
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods
        and not rule.rule.startswith(SKIPPED_PREFIXES)
        and rule.endpoint not in SKIPPED_ENDPOINTS
    )


def _names_read_by_the_views(pattern: str) -> set[str]:
    """Every name the code reads with `pattern` (e.g. `request.args.get("name"`)."""
    names = set()
    for source in LMS_SOURCES.rglob("*.py"):
        names.update(re.findall(pattern, source.read_text()))
    return names


QUERY_READ = r"""(?:request\.args\.get|query_int|query_date)\(\s*["'](\w+)["']"""
QUERY_TEST = r"""["'](\w+)["'] (?:not )?in request\.args"""
QUERY_NAMES = sorted(_names_read_by_the_views(QUERY_READ) | _names_read_by_the_views(QUERY_TEST))
FORM_NAMES_READ_DIRECTLY = sorted(
    _names_read_by_the_views(r"""request\.form\.get(?:list)?\(\s*["']([\w-]+)["']""")
)

# Values --------------------------------------------------------------------------------------

EDGE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "²",
    "٣",
    "1e9",
    "NaN",
    "9" * 25,
    "9" * 5000,
    str(2**31 - 1),
    str(2**31),
    str(2**63),
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2201-01-01",
    "20260131",
    "2026-W05-1",
    "2026-02-30",
    "0000-Q1",
    "2026-Q5",
    "9999-Q4",
    "x" * 131_073,
    "a\0b",
    "'; DROP TABLE users; --",
    '=HYPERLINK("http://evil")',
    "<script>alert(1)</script>",
    "Łukasz Nowak 😀",
]
integers_as_text = st.integers(min_value=-(2**70), max_value=2**80).map(str)
dates_as_text = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
)
quarters = st.builds(
    "{:04d}-Q{}".format, st.integers(min_value=0, max_value=9999), st.integers(0, 9)
)


def plain_values(known: list[str]):
    """Any value a parameter or field may carry: the database's own ids and slugs (so real
    objects are reached), the calendar's and the integers' edges, and arbitrary text."""
    return st.one_of(
        st.sampled_from(known),
        st.sampled_from(EDGE_TEXT),
        integers_as_text,
        dates_as_text,
        quarters,
        st.text(max_size=40),
    )


def csv_files(known: list[str]):
    """An HR export: its columns mostly filled as they should be, sometimes with anything, in
    UTF-8 or Latin-1; or any bytes at all."""
    from lms.auth.people_import import COLUMNS

    anything = plain_values(known)
    cells = {
        "email": st.one_of(st.emails(), anything),
        "name": st.one_of(st.text(min_size=1, max_size=30), anything),
        "job_role": st.one_of(st.sampled_from(["sales_rep", "sales_manager"]), anything),
        "division": st.one_of(st.sampled_from(["", "North"]), anything),
        "manager_email": st.one_of(st.just(""), anything),
        "hire_date": st.one_of(dates_as_text, anything),
        "roles": st.one_of(st.sampled_from(["", "hr", "admin;hr"]), anything),
    }
    row = st.tuples(*(cells[column] for column in COLUMNS)).map(
        lambda row: ",".join('"' + cell.replace('"', '""') + '"' for cell in row)
    )
    text = st.lists(row, max_size=3).map(lambda rows: "\n".join([",".join(COLUMNS), *rows]))
    encoded = st.tuples(text, st.sampled_from(["utf-8", "latin-1"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    )
    return st.one_of(encoded, encoded, st.binary(max_size=300))


# What the forms ask for ----------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of the POST forms on a page, as a browser would fill them: {name: (input
    type, the values the page offers)}."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, tuple[str, list[str]]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind, offered = self.fields.get(name, (attributes.get("type", "text"), []))
            self.fields[name] = (kind, offered + [attributes.get("value") or ""])
        elif tag in ("select", "textarea") and name:
            self.fields.setdefault(name, (tag, []))
            self._select = name if tag == "select" else None
        elif tag == "option" and self._select:
            self.fields[self._select][1].append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def fields_on_page(client, path: str) -> dict[str, tuple[str, list[str]]]:
    response = client.get(path)
    reader = FormReader()
    if response.status_code == 200 and response.mimetype == "text/html":
        reader.feed(response.get_data(as_text=True))
    return reader.fields


def view_source(view) -> tuple[str, dict]:
    """The view function's source with that of the functions of its module it calls, and
    the module's names."""
    view = inspect.unwrap(view)
    source = inspect.getsource(view)
    for name in re.findall(r"\b(_?\w+)\(", source):
        helper = view.__globals__.get(name)
        if inspect.isfunction(helper) and helper.__module__ == view.__module__:
            source += inspect.getsource(helper)
    return source, view.__globals__


def form_fields(view) -> dict[str, tuple[str, list[str]]]:
    """The fields of every form class the view names: {name: (input type, [])}, in a stable
    order."""
    source, scope = view_source(view)
    fields = {}
    for name in sorted(set(re.findall(r"\b(\w+Form)\b", source))):
        form_class = scope.get(name)
        if isinstance(form_class, type) and issubclass(form_class, FlaskForm):
            for attribute in dir(form_class):
                unbound = getattr(form_class, attribute, None)
                if isinstance(unbound, UnboundField) and attribute != "csrf_token":
                    fields[attribute] = (INPUT_TYPES.get(unbound.field_class, "text"), [])
    return dict(sorted(fields.items()))


def query_names(view) -> list[str]:
    """The query parameters the view reads: itself, through a form, or by paginating."""
    source, _ = view_source(view)
    names = set(re.findall(QUERY_READ, source)) | set(re.findall(QUERY_TEST, source))
    if "paginate(" in source:
        names.add("page")
    if "request.args)" in source:
        names.update(form_fields(view))
    return sorted(names)


INPUT_TYPES = {
    DateField: "date",
    CalendarDateField: "date",
    IntegerField: "number",
    BooleanField: "checkbox",
    EmailField: "email",
    FileField: "file",
    FlaskFileField: "file",
    SelectMultipleField: "select",
}


@dataclass(frozen=True)
class Offered:
    """The n-th value the page offers for a field (modulo how many it offers), chosen when the
    page is read, else `otherwise`: drawing a number keeps the examples independent of the
    page."""

    n: int
    otherwise: object


def field_values(kind: str, known: list[str]):
    """Mostly what the page offers or the input type accepts, sometimes anything or absent."""
    if kind == "file":
        return csv_files(known).map(lambda b: (io.BytesIO(b), "people.csv"))
    typed = {
        "date": dates_as_text,
        "number": st.one_of(st.integers(-5, 200).map(str), st.sampled_from(known_ids(known))),
        "checkbox": st.sampled_from(["y", ""]),
        "email": st.emails().map(str.lower),
    }.get(kind, st.text(max_size=40))
    offered = st.builds(Offered, st.integers(0, 999), typed)
    return st.one_of(offered, typed, offered, typed, plain_values(known), st.just(None))


def post_data(fields: dict[str, tuple[str, list[str]]], known: list[str]):
    """Values for the view's form fields, for up to three more fields of its page (picked by
    number), and for fields the view reads directly."""
    entries = {name: field_values(kind, known) for name, (kind, _) in fields.items()}
    more = st.lists(st.tuples(st.integers(0, 999), field_values("text", known)), max_size=3)
    direct = st.dictionaries(
        st.sampled_from(FORM_NAMES_READ_DIRECTLY), plain_values(known), max_size=2
    )
    return st.tuples(st.fixed_dictionaries(entries), more, direct)


def filled_in(drawn, page: dict[str, tuple[str, list[str]]]) -> dict:
    """The drawn values as form data, each Offered number replaced by what the page offers
    (or left out when the page offers nothing for that field)."""
    values, more, direct = drawn
    names = sorted(page)
    form = dict(direct)
    if names:
        values = {**{names[i % len(names)]: value for i, value in more}, **values}
    for name, value in values.items():
        if isinstance(value, Offered):
            offered = [choice for choice in page.get(name, ("", []))[1] if choice]
            value = offered[value.n % len(offered)] if offered else value.otherwise
        if value is not None:
            form[name] = value
    return form


# Paths ---------------------------------------------------------------------------------------


def path_values(rule, known: list[str]):
    """A path for `rule` with a value drawn for each of its parts."""
    parts = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            numbers = st.integers(min_value=0, max_value=2**80).map(str)
            ids = st.sampled_from(known_ids(known))
            parts[name] = st.one_of(ids, ids, numbers, st.sampled_from(EDGE_TEXT))
        elif isinstance(converter, AnyConverter):
            parts[name] = st.one_of(st.sampled_from(sorted(converter.items)), st.text(max_size=8))
        else:
            parts[name] = plain_values(known)
    return st.fixed_dictionaries(parts).map(
        lambda values: re.sub(
            r"<(?:[^:>]+:)?(\w+)>", lambda m: quote(values[m.group(1)] or "x", safe=""), rule.rule
        )
    )


def known_ids(known: list[str]) -> list[str]:
    return [value for value in known if value.isdigit()] or ["1"]


def rule_for(app, text: str, method: str):
    return next(r for r in app.url_map.iter_rules() if r.rule == text and method in r.methods)


# The database's own values -------------------------------------------------------------------


_KNOWN: set[str] = set()


def known_values(*people) -> list[str]:
    """A few ids, slugs, keys, uuids and e-mails of every table (read once: the shipped
    content is the same in every test) and of `people`, so paths and fields reach real rows."""
    if not _KNOWN:
        _KNOWN.update(_read_known_values())
    mine = {str(value) for person in people for value in (person.id, person.email)}
    return sorted(_KNOWN | mine)


def _read_known_values() -> set[str]:
    values: set[str] = set()
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for column_name in ("id", "slug", "key", "uuid", "email"):
            if column_name in table.c:
                rows = db.session.scalars(select(table.c[column_name]).limit(3))
                values.update(str(value) for value in rows if value is not None)
    return values | {"1"}


@pytest.fixture
def admin(client, login, make_user):
    """An administrator with HR's access and a report, so team pages have someone on them."""
    person = make_user(roles={"admin", "hr"})
    return signed_in(client, login, person, make_user(manager=person))


@pytest.fixture
def learner(client, login, make_user):
    """A learner with no other role, whose manager is an administrator."""
    boss = make_user(roles={"admin", "hr"})
    return signed_in(client, login, make_user(manager=boss), boss)


def signed_in(client, login, person, other):
    """(the client signed in as `person`, the values examples draw from)."""
    login(person)
    return client, known_values(person, other)


@pytest.fixture
def writes():
    """The INSERT, UPDATE and DELETE statements run while it is in use, cleared on demand."""
    seen: list[str] = []
    connection = db.engines[None]

    def watch(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", watch)
    yield seen
    event.remove(connection, "before_cursor_execute", watch)


def check(response, written: list[str], what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if 400 <= response.status_code < 500:
        assert not written, f"{what}: {response.status_code} after writing {written[:3]}"


# The properties ------------------------------------------------------------------------------


def for_every_route(method: str):
    """One property test per route answering `method`, each with EXAMPLES examples."""

    def decorate(test):
        test = given(data=st.data())(test)
        return pytest.mark.parametrize("route", _app_routes(method))(PROPERTY(test))

    return decorate


@for_every_route("GET")
def test_no_get_is_answered_with_a_5xx(app, admin, writes, route, data):
    admin, known = admin
    rule = rule_for(app, route, "GET")
    path = data.draw(path_values(rule, known), label="path")
    own = st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(query_names(app.view_functions[rule.endpoint]), plain_values(known)),
    )
    others = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), plain_values(known)), max_size=2)
    query = data.draw(st.tuples(own, others).map(lambda q: [*q[0].items(), *q[1]]), label="query")
    writes.clear()
    check(admin.get(path, query_string=query), writes, f"GET {path} {query}")


@for_every_route("POST")
def test_no_form_post_is_answered_with_a_5xx_nor_writes_on_a_4xx(app, admin, writes, route, data):
    post_anything(app, *admin, writes, route, data)


@for_every_route("POST")
def test_no_form_post_of_a_learner_is_answered_with_a_5xx_nor_writes_when_refused(
    app, learner, writes, route, data
):
    post_anything(app, *learner, writes, route, data)


def post_anything(app, browser, known, writes, route, data):
    rule = rule_for(app, route, "POST")
    path = data.draw(path_values(rule, known), label="path")
    drawn = data.draw(post_data(form_fields(app.view_functions[rule.endpoint]), known))
    form = filled_in(drawn, fields_on_page(browser, path) if "GET" in rule.methods else {})
    writes.clear()
    response = browser.post(path, data=form, content_type=_content_type(form))
    check(response, writes, f"POST {path} {sorted(form)}")


def _content_type(form: dict) -> str:
    has_file = any(isinstance(value, tuple) for value in form.values())
    return "multipart/form-data" if has_file else "application/x-www-form-urlencoded"


@PROPERTY
@given(data=st.data())
def test_lms_users_import_imports_a_file_or_names_its_problems_and_writes_nothing(
    app, runner, writes, tmp_path, data
):
    export = tmp_path / "people.csv"
    export.write_bytes(data.draw(csv_files(known_values()), label="file"))
    writes.clear()
    result = runner.invoke(args=["users", "import", str(export)])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "nothing was imported" in result.output
        assert re.search(r"row \d+, column \w+", result.output), result.output
        assert not writes
