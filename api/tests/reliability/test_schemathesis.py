"""Property-based GraphQL fuzzing of the whole schema (schemathesis): no input, valid or not,
makes the API answer with a server error or break its own schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from parley.graphql.export import DEFAULT_PATH
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import REGISTER
from tests.support.threaded_server import ThreadedServer

schema = schemathesis.graphql.from_path(DEFAULT_PATH)


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
