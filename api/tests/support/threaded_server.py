"""The app in a thread with its own event loop, for tests that call it synchronously
(schemathesis and Hypothesis drive their cases from plain functions)."""

from __future__ import annotations

import threading
import time

import uvicorn

from parley.main import create_app
from tests.fakes.provider_server import FakeProviderServer
from tests.support.servers import free_port, make_settings


class ThreadedServer:
    """Serves the app on a free port until the `with` block ends."""

    def __init__(self, fake_provider: FakeProviderServer) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(make_settings(fake_provider))
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            assert time.monotonic() < deadline, "the API did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
