"""The About resource (xAPI 1.0.3, Communication 2.8)."""


def test_about_names_the_supported_versions_without_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json["version"] and "1.0.0" in response.json["version"]
    assert set(response.json) <= {"version", "extensions"}


def test_about_ignores_the_version_header(client):
    for version in ("0.95", "2.0.0", "nonsense"):
        response = client.get("/xapi/about", headers={"X-Experience-API-Version": version})
        assert response.status_code == 200


def test_about_answers_head_and_says_its_own_version(client):
    response = client.head("/xapi/about")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
