import pytest

from tests.xapi.forwarding.stub_lrs import PASSWORD, USERNAME, StubLRS


@pytest.fixture
def stub(app, monkeypatch):
    """A stub LRS, configured as the forwarding endpoint."""
    with StubLRS() as stub:
        monkeypatch.setitem(app.config, "LRS_FORWARD_ENDPOINT", stub.endpoint)
        monkeypatch.setitem(app.config, "LRS_FORWARD_USERNAME", USERNAME)
        monkeypatch.setitem(app.config, "LRS_FORWARD_PASSWORD", PASSWORD)
        yield stub
