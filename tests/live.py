"""Uptake served for real, on 127.0.0.1 in a thread, on a fresh database of its own: for the
browser walks and for clients that talk HTTP (tincan's RemoteLRS, the forwarder)."""

import threading
from contextlib import contextmanager
from types import SimpleNamespace

from werkzeug.serving import make_server

from lms import create_app
from lms.database import db
from tests.conftest import test_settings
from tests.databases import fresh_database


@contextmanager
def live_uptake(directory, seed, **settings):
    """Yield (url, app, seeded): `seed()` runs in the app's context on the new database
    before serving, and what it returns is `seeded`. Everything is stopped and dropped after."""
    with fresh_database(directory) as database_url:
        app = create_app(test_settings(database_url) | settings)
        with app.app_context():
            db.create_all()
            seeded = seed()
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield SimpleNamespace(
                url=f"http://127.0.0.1:{server.server_port}", app=app, seeded=seeded
            )
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()
