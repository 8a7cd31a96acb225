"""CSV files people open in a spreadsheet: every export goes through `write_rows`.

A cell that starts with = + - @ (or a tab or carriage return before one) is a formula to
Excel, LibreOffice and Google Sheets: a person named `=HYPERLINK("http://evil","Click")`
would become a live link in HR's incentive export. Such text is written with a leading
apostrophe, which spreadsheets show as text and do not display (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterable
from typing import IO

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
