"""Attachments: fileUrl over JSON, raw data over multipart/mixed with its SHA-2 checked,
and attachments=true responses (xAPI 1.0.3, Data 2.4.11; Communication 1.5, 2.1.3)."""

import hashlib
import json

import pytest

from lms.xapi.lrs.multipart import parse_multipart
from tests.xapi.statement_data import get, post, statement

TEXT = b"here is a simple attachment"
BOUNDARY = "abcABC0123'()+_,-./:=?"


def attachment(content: bytes = TEXT, **overrides) -> dict:
    header = {
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }
    return {**header, **overrides}


def part(content: bytes, **headers) -> bytes:
    lines = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return lines.encode() + b"\r\n" + content


def data_part(content: bytes = TEXT, **headers) -> bytes:
    defaults = {
        "Content_Type": "text/plain",
        "Content_Transfer_Encoding": "binary",
        "X_Experience_API_Hash": hashlib.sha256(content).hexdigest(),
    }
    return part(content, **{**defaults, **headers})


def multipart(statements, *parts: bytes, first_type="application/json") -> bytes:
    first = part(json.dumps(statements).encode(), Content_Type=first_type)
    chunks = [f"--{BOUNDARY}\r\n".encode() + first]
    chunks += [f"\r\n--{BOUNDARY}\r\n".encode() + p for p in parts]
    return b"".join(chunks) + f"\r\n--{BOUNDARY}--\r\n".encode()


def send(client, headers, body: bytes, boundary: str | None = BOUNDARY):
    content_type = f'multipart/mixed; boundary="{boundary}"' if boundary else "multipart/mixed"
    return client.post("/xapi/statements", data=body, content_type=content_type, headers=headers)


def error(response) -> str:
    assert response.status_code == 400, response.get_data(as_text=True)
    return response.json["error"]["message"]


def test_json_attachments_need_a_file_url(client, lrs_headers):
    with_url = statement(attachments=[attachment(fileUrl="http://example.com/f.txt")])
    assert post(client, lrs_headers, with_url).status_code == 200
    without = statement(attachments=[attachment()])
    assert "statement.attachments[0].fileUrl: is required" in error(
        post(client, lrs_headers, without)
    )


def test_multipart_stores_the_attachment_and_returns_it_on_request(client, lrs_headers):
    s = statement(attachments=[attachment()])
    response = send(client, lrs_headers, multipart(s, data_part()))
    assert response.status_code == 200, response.get_data(as_text=True)
    plain = get(client, lrs_headers, statementId=s["id"])
    assert plain.headers["Content-Type"] == "application/json"
    full = get(client, lrs_headers, statementId=s["id"], attachments="true")
    kind, _, boundary = full.headers["Content-Type"].partition("; boundary=")
    assert kind == "multipart/mixed"
    parts = parse_multipart(full.data, boundary)
    assert json.loads(parts[0][1])["id"] == s["id"]
    assert parts[1][0]["x-experience-api-hash"] == s["attachments"][0]["sha2"]
    assert parts[1][0]["content-transfer-encoding"] == "binary"
    assert parts[1][1] == TEXT


def test_statement_results_carry_attachments_too(client, lrs_headers):
    s = statement(attachments=[attachment()])
    send(client, lrs_headers, multipart(s, data_part()))
    full = get(client, lrs_headers, attachments="true", limit=1)
    boundary = full.headers["Content-Type"].partition("; boundary=")[2]
    parts = parse_multipart(full.data, boundary)
    assert json.loads(parts[0][1])["statements"][0]["id"] == s["id"]
    assert parts[1][1] == TEXT


def test_one_part_may_serve_several_statements(client, lrs_headers):
    batch = [statement(attachments=[attachment()]), statement(attachments=[attachment()])]
    assert send(client, lrs_headers, multipart(batch, data_part())).status_code == 200


def test_a_multipart_request_without_attachments_is_fine(client, lrs_headers):
    assert send(client, lrs_headers, multipart(statement())).status_code == 200


def test_line_ends_may_be_bare_newlines(client, lrs_headers):
    s = statement(attachments=[attachment()])
    body = multipart(s, data_part()).replace(b"\r\n", b"\n")
    assert send(client, lrs_headers, body).status_code == 200


def test_binary_content_sent_as_utf8_text_is_recovered(client, lrs_headers):
    binary = bytes(range(256))
    s = statement(attachments=[attachment(binary, contentType="image/jpeg")])
    mangled = binary.decode("latin-1").encode("utf-8")
    body = multipart(s, data_part(mangled, X_Experience_API_Hash=s["attachments"][0]["sha2"]))
    assert send(client, lrs_headers, body).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (multipart(statement(attachments=[attachment()])), "no multipart/mixed part has this"),
        (
            multipart(statement(attachments=[attachment()]), data_part(), data_part(b"extra")),
            "belongs to no attachment",
        ),
        (
            multipart(statement(attachments=[attachment()]), data_part(), first_type="text/plain"),
            "the first multipart/mixed part must be application/json",
        ),
        (
            multipart(
                statement(attachments=[attachment()]),
                part(TEXT, Content_Type="text/plain", Content_Transfer_Encoding="binary"),
            ),
            "X-Experience-API-Hash is required",
        ),
        (
            multipart(
                statement(attachments=[attachment()]), data_part(Content_Transfer_Encoding="base64")
            ),
            "Content-Transfer-Encoding must be binary",
        ),
        (
            multipart(
                statement(attachments=[attachment()]),
                data_part(b"other content", X_Experience_API_Hash=hashlib.sha256(TEXT).hexdigest()),
            ),
            "does not match its X-Experience-API-Hash",
        ),
        (
            multipart(statement(attachments=[attachment()]), data_part()).replace(
                f"\r\n--{BOUNDARY}\r\nContent-Type: text/plain".encode(),
                b"\r\nContent-Type: text/plain",
            ),
            "",
        ),
        (multipart(statement()).replace(f"--{BOUNDARY}--".encode(), b""), "not delimited"),
        (b"not multipart at all", "not delimited"),
    ],
    ids=[
        "missing part",
        "excess part",
        "first part not json",
        "no hash header",
        "not binary",
        "content does not match hash",
        "middle boundary missing",
        "no closing boundary",
        "garbage",
    ],
)
def test_malformed_multipart_requests_are_refused(client, lrs_headers, body, message):
    assert message in error(send(client, lrs_headers, body))


def test_multipart_needs_a_boundary(client, lrs_headers):
    body = multipart(statement())
    assert "boundary" in error(send(client, lrs_headers, body, boundary=None))


def test_multipart_form_data_is_not_multipart_mixed(client, lrs_headers):
    body = multipart(statement(attachments=[attachment()]), data_part())
    response = client.post(
        "/xapi/statements",
        data=body,
        content_type=f'multipart/form-data; boundary="{BOUNDARY}"',
        headers=lrs_headers,
    )
    assert response.status_code == 400


def test_a_refused_multipart_request_stores_nothing(client, lrs_headers):
    s = statement(attachments=[attachment()])
    send(client, lrs_headers, multipart(s, data_part(), data_part(b"extra")))
    assert get(client, lrs_headers, statementId=s["id"]).status_code == 404
