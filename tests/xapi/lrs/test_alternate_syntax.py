"""The alternate request syntax (xAPI 1.0.3, Communication 1.3): a POST with ?method= and
form fields standing for headers, parameters and content."""

import json
import uuid
from urllib.parse import urlencode

from tests.xapi.statement_data import get, statement

FORM = "application/x-www-form-urlencoded"


def alternate(client, method: str, fields: dict, *, http_method="post", query=None, headers=None):
    query_string = urlencode({"method": method, **(query or {})})
    return client.open(
        f"/xapi/statements?{query_string}",
        method=http_method.upper(),
        data=urlencode(fields),
        content_type=FORM,
        headers=headers or {},
    )


def header_fields(lrs_headers) -> dict:
    return {"Authorization": lrs_headers["Authorization"], "X-Experience-API-Version": "1.0.3"}


def test_put_with_headers_and_parameters_as_form_fields(client, lrs_headers):
    s = statement()
    fields = {
        **header_fields(lrs_headers),
        "statementId": s["id"],
        "Content-Type": "application/json",
        "content": json.dumps(s),
    }
    response = alternate(client, "PUT", fields)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert get(client, lrs_headers, statementId=s["id"]).status_code == 200


def test_post_stores_statements(client, lrs_headers):
    s = statement()
    fields = {**header_fields(lrs_headers), "content": json.dumps([s])}
    response = alternate(client, "POST", fields)
    assert response.status_code == 200
    assert response.json == [s["id"]]


def test_get_with_parameters_as_form_fields(client, lrs_headers):
    s = statement()
    alternate(client, "POST", {**header_fields(lrs_headers), "content": json.dumps(s)})
    response = alternate(client, "GET", {**header_fields(lrs_headers), "statementId": s["id"]})
    assert response.status_code == 200
    assert response.json["id"] == s["id"]
    listed = alternate(client, "GET", {**header_fields(lrs_headers), "limit": "1"})
    assert set(listed.json) == {"statements", "more"}


def test_real_headers_still_count(client, lrs_headers):
    s = statement()
    response = alternate(
        client, "PUT", {"statementId": s["id"], "content": json.dumps(s)}, headers=lrs_headers
    )
    assert response.status_code == 204


def test_a_form_field_wins_over_a_real_header(client, lrs_headers):
    """Communication 1.3.s3.b7: the form is the request, so its header fields count."""
    s = statement()
    fields = {"statementId": s["id"], "X-Experience-API-Version": "0.8", "content": json.dumps(s)}
    assert alternate(client, "PUT", fields, headers=lrs_headers).status_code == 400
    fields["X-Experience-API-Version"] = "1.0.3"
    headers = {**lrs_headers, "X-Experience-API-Version": "0.8"}
    assert alternate(client, "PUT", fields, headers=headers).status_code == 204


def test_form_credentials_are_checked(client, lrs_headers):
    fields = {
        "Authorization": "Basic bm90OnJpZ2h0",
        "X-Experience-API-Version": "1.0.3",
        "content": json.dumps(statement()),
    }
    assert alternate(client, "POST", fields).status_code == 401


def test_it_must_be_a_post(client, lrs_headers):
    response = alternate(client, "POST", {"content": "{}"}, http_method="get", headers=lrs_headers)
    assert response.status_code == 400
    assert "must be sent as a POST" in response.json["error"]["message"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_only_method_may_be_in_the_query_string(client, lrs_headers):
    statement_id = str(uuid.uuid4())
    response = alternate(
        client,
        "PUT",
        {"content": json.dumps(statement(id=statement_id))},
        query={"statementId": statement_id},
        headers=lrs_headers,
    )
    assert response.status_code == 400
    assert "only method" in response.json["error"]["message"]


def test_an_unknown_method_is_refused(client, lrs_headers):
    response = alternate(client, "PATCH", header_fields(lrs_headers))
    assert response.status_code == 400


def test_a_put_without_content_is_refused(client, lrs_headers):
    response = alternate(client, "PUT", header_fields(lrs_headers))
    assert response.status_code == 400


def test_the_body_must_be_form_encoded(client, lrs_headers):
    s = statement()
    body = json.dumps({**header_fields(lrs_headers), "statementId": s["id"], "content": s})
    response = client.post(
        "/xapi/statements?method=PUT", data=body, content_type=FORM, headers=lrs_headers
    )
    assert response.status_code == 400
    as_json = client.post(
        "/xapi/statements?method=PUT",
        data=body,
        content_type="application/json",
        headers=lrs_headers,
    )
    assert as_json.status_code == 400


def test_content_is_read_as_utf8(client, lrs_headers):
    s = statement(verb={"id": "http://example.com/verbs/écrit", "display": {"fr": "écrit"}})
    alternate(client, "POST", {**header_fields(lrs_headers), "content": json.dumps(s)})
    assert get(client, lrs_headers, statementId=s["id"]).json["verb"]["display"] == {"fr": "écrit"}


def test_other_paths_are_left_alone(client):
    response = client.post("/login?method=GET", data={"email": "x", "password": "y"})
    assert response.status_code in (200, 302)


def test_a_form_past_the_size_limit_is_a_json_413_before_it_is_read(
    client, app, monkeypatch, lrs_headers
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    form = {"X-Experience-API-Version": "1.0.3", "content": " " * 2000}
    response = client.post(
        "/xapi/statements?method=GET",
        data=form,
        headers={"Authorization": lrs_headers["Authorization"]},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == 413
