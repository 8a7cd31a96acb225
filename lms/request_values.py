"""Values from URLs, query strings and form date fields, bounded in one place, so that no
value a browser can send reaches a query or a calculation it would break (a 500): an id past
the database's integers, `?page=` past what an OFFSET can hold, a date past year 9999.

A bad value is a 400 that names the parameter; an id that cannot exist is a 404.
"""

import re
from dataclasses import dataclass
from datetime import date

from flask import abort, request
from werkzeug.routing import IntegerConverter, ValidationError
from wtforms import DateField

from lms.database import db
from lms.dates import EARLIEST, LATEST, BadDate, check_date, parse_date

# Integer columns are 32-bit on PostgreSQL; no row addressed in a URL has a larger id.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: digits of an id that can exist, else 404."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        if not value.isascii() or len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def query_int(name: str, *, default: int | None = None, low: int = 1, high: int = MAX_ID):
    """`?name=` as a whole number from low to high; absent or empty gives `default`."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw[:12]) <= high:
        abort(400, description=f"?{name}= must be a whole number from {low} to {high}.")
    return int(raw)


def query_date(name: str, *, default: date | None = None) -> date | None:
    """`?name=` as a date, YYYY-MM-DD within 1900–2200; absent or empty gives `default`."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_date(raw)
    except BadDate as problem:
        abort(400, description=f"?{name}=: {problem}.")


def query_quarter(name: str, *, default: date) -> date:
    """`?name=` as a calendar quarter written YYYY-Qn, 1900-Q1 to 2200-Q4, given as its first
    day; absent or empty gives `default`."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    match = _QUARTER.fullmatch(raw)
    if not match or not EARLIEST.year <= int(match[1]) <= LATEST.year:
        abort(400, description=f"?{name}= must be a quarter written YYYY-Qn, 1900-Q1 to 2200-Q4.")
    return date(int(match[1]), 3 * int(match[2]) - 2, 1)


def paginate(select, *, per_page: int, counted: bool = True):
    """A page of `select`, the page number from `?page=` (1 to MAX_PAGE). Counted, it knows
    its total and number of pages; uncounted (for a list that grows without bound, whose
    total would read it all on every view), only whether a next page exists."""
    page = query_int("page", default=1, high=MAX_PAGE)
    if counted:
        return db.paginate(
            select, page=page, per_page=per_page, max_per_page=per_page, error_out=False
        )
    rows = list(db.session.scalars(select.limit(per_page + 1).offset((page - 1) * per_page)))
    return UncountedPage(rows[:per_page], page, has_next=len(rows) > per_page)


@dataclass(frozen=True)
class UncountedPage:
    """A page of a list whose length is not counted: the pager offers Previous and Next."""

    items: list
    page: int
    has_next: bool
    total: None = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class CalendarDateField(DateField):
    """A form's date: YYYY-MM-DD (the browser's date input sends that) within 1900–2200,
    with the reason in the field's error otherwise."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_date(valuelist[0])
        except BadDate as problem:
            self.data = None
            raise ValueError(f"{problem}.") from None

    def pre_validate(self, form):
        if self.data is not None:
            try:
                check_date(self.data)
            except BadDate as problem:
                raise ValueError(f"{problem}.") from None
