"""The app served on 127.0.0.1 (a free port) in a background thread, for a real browser to open."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from surveyapp.extensions import db


@contextmanager
def serving(app: Flask, name: str = "live-app") -> Iterator[str]:
    """The app's base URL while it is served; afterwards the server is stopped and the database released."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
