"""Requests to the document, Activities and Agents resources, the way an xAPI client sends
them: JSON parameters encoded in the query string, the version header, HTTP Basic auth."""

import json
import uuid

AGENT = {
    "objectType": "Agent",
    "account": {"homePage": "http://www.example.com/agentId/1", "name": "Rick James"},
}
ACTIVITY = "http://www.example.com/activityId/hashset"


def state_params(**extra) -> dict:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": str(uuid.uuid4())} | extra


def activity_profile_params(**extra) -> dict:
    return {"activityId": ACTIVITY, "profileId": str(uuid.uuid4())} | extra


def agent_profile_params(**extra) -> dict:
    return {"agent": AGENT, "profileId": str(uuid.uuid4())} | extra


class Lrs:
    """A test client for the LRS with one client's credentials."""

    def __init__(self, client, headers: dict):
        self.client = client
        self.headers = headers

    def send(self, method, path, params=None, *, body=None, content_type=None, headers=None):
        """`body` a dict or list is sent as JSON; bytes or str as they are."""
        query = {
            name: json.dumps(value) if isinstance(value, dict | list | bool) else value
            for name, value in (params or {}).items()
            if value is not None
        }
        all_headers = self.headers | (headers or {})
        if isinstance(body, dict | list):
            body, content_type = json.dumps(body), content_type or "application/json"
        return self.client.open(
            f"/xapi{path}",
            method=method,
            query_string=query,
            data=body,
            content_type=content_type,
            headers=all_headers,
        )

    def get(self, path, params=None, **kwargs):
        return self.send("GET", path, params, **kwargs)

    def put(self, path, params=None, **kwargs):
        return self.send("PUT", path, params, **kwargs)

    def post(self, path, params=None, **kwargs):
        return self.send("POST", path, params, **kwargs)

    def delete(self, path, params=None, **kwargs):
        return self.send("DELETE", path, params, **kwargs)


def error_message(response) -> str:
    return response.get_json()["error"]["message"]
