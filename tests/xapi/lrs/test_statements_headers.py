"""Headers of the Statement resource: versions, Consistent-Through, Last-Modified, HEAD,
CORS, content types (xAPI 1.0.3, Communication 1.1, 2.1.3, 3.3)."""

import pytest

from lms.xapi.validation.formats import parse_timestamp
from tests.xapi.statement_data import get, post, statement


@pytest.mark.parametrize("version", ["1.0.3", "1.0.0", "1.0", "1.0.9"])
def test_1_0_x_versions_are_accepted(client, lrs_headers, version):
    headers = {**lrs_headers, "X-Experience-API-Version": version}
    assert post(client, headers, statement()).status_code == 200


@pytest.mark.parametrize("version", ["0.95", "0.9", "1.1.0", "2.0.0", "1.0.3-beta", "bogus"])
def test_other_versions_are_refused(client, lrs_headers, version):
    headers = {**lrs_headers, "X-Experience-API-Version": version}
    response = post(client, headers, statement())
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json["error"]["message"]


def test_a_missing_version_header_is_refused(client, lrs_headers):
    headers = {k: v for k, v in lrs_headers.items() if k != "X-Experience-API-Version"}
    assert get(client, headers).status_code == 400


@pytest.mark.parametrize("path", ["/xapi/statements", "/xapi/about", "/xapi/nowhere"])
def test_every_response_names_the_latest_version_and_allows_cors(client, lrs_headers, path):
    response = client.get(path, headers=lrs_headers)
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_errors_carry_the_version_header_too(client):
    response = client.get("/xapi/statements")
    assert response.status_code == 401
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_a_cors_preflight_is_answered(client):
    response = client.options(
        "/xapi/statements",
        headers={"Origin": "http://content.example.com", "Access-Control-Request-Method": "PUT"},
    )
    assert response.status_code == 204
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]
    assert (
        "X-Experience-API-Consistent-Through" in response.headers["Access-Control-Expose-Headers"]
    )


def test_consistent_through_is_on_every_statement_response(client, lrs_headers):
    s = statement()
    responses = [
        post(client, lrs_headers, s),
        get(client, lrs_headers),
        get(client, lrs_headers, verb="not an iri"),
        client.get("/xapi/statements"),
    ]
    for response in responses:
        assert parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])


def test_consistent_through_is_not_before_any_stored_statement(client, lrs_headers):
    post(client, lrs_headers, [statement() for _ in range(3)])
    response = get(client, lrs_headers)
    through = parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])
    assert all(parse_timestamp(s["stored"]) <= through for s in response.json["statements"])


def test_last_modified_is_when_the_statement_was_stored(client, lrs_headers):
    s = statement()
    post(client, lrs_headers, s)
    response = get(client, lrs_headers, statementId=s["id"])
    stored = parse_timestamp(response.json["stored"])
    assert response.headers["Last-Modified"] == stored.strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_head_answers_like_get_without_a_body(client, lrs_headers):
    s = statement()
    post(client, lrs_headers, s)
    response = client.head(f"/xapi/statements?statementId={s['id']}", headers=lrs_headers)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Last-Modified"]
    missing = client.head(
        "/xapi/statements?statementId=" + "0" * 8 + "-0000-4000-8000-" + "0" * 12,
        headers=lrs_headers,
    )
    assert missing.status_code == 404


def test_json_responses_are_plain_application_json(client, lrs_headers):
    assert get(client, lrs_headers).headers["Content-Type"] == "application/json"


def test_unsupported_methods_are_refused(client, lrs_headers):
    assert client.delete("/xapi/statements", headers=lrs_headers).status_code == 405
