"""`lms xapi export`: one stored statement per line, in stored order, `--since` exclusive and
`--until` inclusive, streamed in chunks."""

import json
from datetime import datetime, timedelta

import pytest

from lms.database import db
from lms.xapi.store.export import iter_ndjson_chunks
from tests.xapi.statement_rows import add_statements, statement_document

START = datetime(2001, 3, 1, 12, 0, 0)  # before anything else in the test database
HOUR = timedelta(hours=1)


@pytest.fixture
def three(app):
    """Statements stored at START, START + 1 h and START + 2 h."""
    return add_statements(3, stored=START, step=HOUR, queue=False)


def export(runner, *args) -> tuple[list[str], str]:
    result = runner.invoke(args=["xapi", "export", *args])
    assert result.exit_code == 0, result.output
    # split on "\n" only: NDJSON lines end there (str.splitlines also splits on U+2028)
    return result.stdout_bytes.decode().split("\n")[:-1], result.stderr


def test_everything_is_exported_in_stored_order_exactly_as_stored(runner, three):
    lines, messages = export(runner)
    assert lines[-3:] == [s.document for s in three]
    assert f"{len(lines)} statements exported." in messages


def test_since_is_exclusive_and_until_inclusive(runner, three):
    assert export(runner, "--since", "2001-03-01T12:00:00Z")[0] == [s.document for s in three[1:]]
    window = ("--since", "2001-03-01T12:30:00Z", "--until", "2001-03-01T13:00:00Z")
    assert export(runner, *window)[0] == [three[1].document]


def test_times_with_an_offset_are_converted_to_utc(runner, three):
    window = ("--since", "2001-03-01T14:30:00+02:00", "--until", "2001-03-01T15:00:00+02:00")
    assert export(runner, *window)[0] == [three[1].document]  # (12:30Z, 13:00Z]


def test_nothing_in_the_window_is_an_empty_file(runner, three):
    lines, messages = export(runner, "--until", "2001-03-01T11:59:59Z")
    assert lines == [] and "0 statements exported." in messages


def test_the_export_comes_in_chunks_that_add_up(app):
    statements = add_statements(5, stored=START, step=HOUR, queue=False)
    chunks = list(iter_ndjson_chunks(since=START - HOUR, until=START + 4 * HOUR, chunk_size=2))
    assert [chunk.count("\n") for chunk in chunks] == [2, 2, 1]
    assert "".join(chunks).split("\n")[:-1] == [s.document for s in statements]


def test_each_statement_stays_on_one_line(runner, app):
    document = statement_document(stored=START)
    document["object"]["definition"] = {"name": {"de-DE": "Übung\nzwei\u2028drei"}}
    [statement] = add_statements(documents=[document], stored=START, queue=False)
    statement.document = json.dumps(document, indent=2, ensure_ascii=False)  # pretty, raw U+2028
    db.session.flush()
    lines, _ = export(runner, "--since", "2001-03-01T11:00Z", "--until", "2001-03-01T13:00Z")
    assert len(lines) == 1 and json.loads(lines[0]) == document


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "'yesterday' is not an ISO 8601 date-time"),
        (
            ["--since", "2001-03-02", "--until", "2001-03-01"],
            "--since must be earlier than --until",
        ),
    ],
)
def test_bad_times_are_refused_naming_the_option(runner, app, args, message):
    result = runner.invoke(args=["xapi", "export", *args])
    assert result.exit_code == 2 and message in result.output
