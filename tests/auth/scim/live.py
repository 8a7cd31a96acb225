"""Uptake served over real HTTP on 127.0.0.1, in a thread, on a database of its own, with a
SCIM token: for scim2-tester, which speaks to a server as an identity provider would."""

import socket
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from lms.auth.scim.tokens import create_token
from tests.conftest import T0, app_of_its_own, load_reference_data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def scim_server(directory):
    """(base URL of /scim/v2, a bearer token) while the server runs."""
    port, made = free_port(), {}

    def seed():
        load_reference_data()
        made["token"] = create_token("scim2-tester", now=T0, actor=None)[1]

    base_url = f"http://127.0.0.1:{port}"
    with app_of_its_own(directory, seed, BASE_URL=base_url) as app:
        server = make_server("127.0.0.1", port, app, threaded=False)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"{base_url}/scim/v2", made["token"]
        finally:
            server.shutdown()
            thread.join(timeout=10)
