"""Fixtures of the CRM tests: a connection (and its LRS client) to a scripted CRM."""

import pytest

from lms.crm.connections import create_connection
from tests.conftest import T0


@pytest.fixture
def connection(app):
    return create_connection(
        name="Scripted", kind="generic", base_url="https://crm.acme.test", now=T0
    )
