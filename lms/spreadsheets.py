"""CSV files people open in a spreadsheet: every export goes through `write_rows`, every
import through `read_table`.

A cell that starts with = + - @ (or a tab or carriage return before one) is a formula to
Excel, LibreOffice and Google Sheets: a person named `=HYPERLINK("http://evil","Click")`
would become a live link in HR's incentive export. Such text is written with a leading
apostrophe, which spreadsheets show as text and do not display (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 1000  # longer than any field Uptake keeps: a cell this long is a broken export


@dataclass(frozen=True)
class RowError:
    """A problem in an imported file, where a spreadsheet shows it: the header is row 1."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def read_table(
    data: bytes | str, *, required: Sequence[str], keep: Callable[[str], bool]
) -> list[dict[str, str]] | RowError:
    """The rows as {column: stripped cell} for the columns `keep` accepts (names in lower
    case), or the first thing that stops the file being read at all: not UTF-8, not CSV, a
    `required` column missing, a cell past MAX_CELL or holding a NUL."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as bad:
            row = data[: bad.start].count(b"\n") + 1
            byte = data[bad.start : bad.start + 1].hex().upper()
            return RowError(row, "file", f"byte 0x{byte} is not UTF-8; save the file as CSV UTF-8")
    else:
        text = data.lstrip("\ufeff")
    # csv.reader, not DictReader: DictReader drops blank lines, which would shift the row
    # numbers of every later error away from what the spreadsheet shows.
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [name for name in required if name not in header]
        if missing:
            message = "missing column(s); expected " + ",".join(required)
            return RowError(1, ", ".join(missing), message)
        rows = []
        for cells in reader:
            if problem := _cell_problem(header, cells, reader.line_num):
                return problem
            rows.append({k: v.strip() for k, v in zip(header, cells, strict=False) if keep(k)})
        return rows
    except csv.Error as problem:  # a cell past csv's own size limit, a stray quote, ...
        return RowError(reader.line_num, "file", f"cannot be read as CSV: {problem}")


def _cell_problem(header: list[str], cells: list[str], row: int) -> RowError | None:
    """A cell no export should have: past MAX_CELL, or holding a NUL character (which no
    database text column can store)."""
    for index, cell in enumerate(cells):
        column = header[index] if index < len(header) else "file"
        if len(cell) > MAX_CELL:
            return RowError(row, column, f"a cell is longer than {MAX_CELL} characters")
        if "\0" in cell:
            return RowError(row, column, "holds a NUL character")
    return None


def safe_cell(cell):
    """Text a spreadsheet would run as a formula, made inert; anything else as it is."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write_rows(out: IO[str], rows: Iterable[Iterable]) -> None:
    """Write rows as CSV, every cell made safe."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


def csv_download(rows: Iterable[Iterable], filename: str) -> Response:
    """A CSV file to download, its rows made safe."""
    out = io.StringIO()
    write_rows(out, rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
