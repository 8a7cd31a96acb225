"""scim2-tester (python-scim), a checker nobody here wrote, run against Uptake served over
real HTTP: discovery, then create, read, list, search, replace, delete and every PATCH
operation on each attribute of each resource type Uptake publishes. Every check passes."""

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.auth.scim.live import scim_server


def test_every_scim2_tester_check_passes(tmp_path):
    with scim_server(tmp_path) as (url, token):
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=url, headers=headers, timeout=30) as http:
            results = check_server(SyncSCIMClient(http))
    failed = [
        (result.resource_type, result.title, result.reason)
        for result in results
        if result.status != Status.SUCCESS
    ]
    assert failed == []
    assert {result.resource_type for result in results} >= {"User", "Group"}
    assert len(results) >= 76
