"""Property-based GraphQL fuzzing of the whole schema (schemathesis): no input, valid or not,
makes the API answer with a server error or break its own schema."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings

from parley.graphql.export import DEFAULT_PATH
from parley.main import create_app
from tests.client import REGISTER
from tests.conftest import free_port, make_settings
from tests.fakes.provider_server import FakeProviderServer

schema = schemathesis.graphql.from_path(DEFAULT_PATH)


class ThreadedServer:
    """The app in a thread with its own event loop: schemathesis calls it synchronously."""

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


@pytest.fixture(scope="module")
def api(database: str, fake_provider: FakeProviderServer) -> Iterator[dict[str, Any]]:
    with ThreadedServer(fake_provider) as server:
        response = httpx.post(
            f"{server.url}/graphql",
            json={
                "query": REGISTER,
                "variables": {"input": {"email": "fuzz@example.com", "password": "fuzzing pass"}},
            },
        )
        token = response.json()["data"]["register"]["accessToken"]
        yield {"url": f"{server.url}/graphql", "headers": {"authorization": f"Bearer {token}"}}


# logout would revoke the session every other case signs in with (it has tests of its own).
@schema.exclude(name="Mutation.logout").parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_server_errors_anywhere(case: Any, api: dict[str, Any]) -> None:
    response = case.call(url=api["url"], headers=api["headers"])
    assert response.status_code < 500, response.text[:500]
    body = response.json()
    for error in body.get("errors") or []:
        code = error.get("extensions", {}).get("code")
        assert code is not None, error
        assert code != "INTERNAL_SERVER_ERROR", (case.body, error)
