"""Who may read `/metrics`: loopback by default, METRICS_ALLOW networks (the client address as
TRUSTED_PROXIES lets us judge it), or a METRICS_TOKEN bearer; anyone else gets a bare 404."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from parley.main import create_app
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.metrics import scrape
from tests.support.servers import LiveServer, make_settings

TOKEN = "metrics-token-0123456789abcdef"
Serve = Callable[..., AbstractAsyncContextManager[LiveServer]]


@pytest.fixture
def serve(database: str, fake_provider: FakeProviderServer) -> Serve:
    @asynccontextmanager
    async def run(**overrides: object) -> AsyncIterator[LiveServer]:
        live = LiveServer(create_app(make_settings(fake_provider, **overrides)))
        await live.start()
        try:
            yield live
        finally:
            await live.stop()

    return run


async def _get(live: LiveServer, headers: dict[str, str] | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
        response = await http.get("/metrics", headers=headers or {})
        # What a path that does not exist answers: a refusal must look the same.
        missing = await http.get("/no-such-path", headers=headers or {})
    assert missing.status_code == 404
    if response.status_code == 404:
        assert response.content == missing.content
        assert response.headers.get("content-type") == missing.headers.get("content-type")
    return response


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 404 and b"parley_" not in response.content


async def test_loopback_is_allowed_by_default_but_not_a_proxied_public_client(
    serve: Serve,
) -> None:
    async with serve(trusted_proxies="127.0.0.1") as live:
        assert (await _get(live)).status_code == 200
        # Through our proxy (trusted), from a public address: not loopback any more.
        assert _refused(await _get(live, {"x-forwarded-for": "203.0.113.9"}))


async def test_a_token_opens_it_and_nothing_else_does(serve: Serve) -> None:
    async with serve(metrics_token=TOKEN, metrics_allow="") as live:
        assert _refused(await _get(live))
        assert _refused(await _get(live, {"authorization": "Bearer wrong-token-0123456789"}))
        assert _refused(await _get(live, {"authorization": f"Basic {TOKEN}"}))
        # A client cannot pose as loopback with a forged header.
        assert _refused(await _get(live, {"x-forwarded-for": "127.0.0.1"}))
        async with httpx.AsyncClient(base_url=live.url, timeout=10) as http:
            posted = await http.post("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
            assert posted.status_code == 404
        response = await _get(live, {"authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert "# TYPE parley_replies_total counter" in response.text


async def test_allowed_networks_are_judged_through_trusted_proxies(serve: Serve) -> None:
    async with serve(metrics_allow="10.0.0.0/8", trusted_proxies="127.0.0.1") as live:
        assert (await _get(live, {"x-forwarded-for": "10.1.2.3"})).status_code == 200
        assert _refused(await _get(live, {"x-forwarded-for": "192.0.2.1"}))
        # The test client itself (loopback) is not in 10.0.0.0/8.
        assert _refused(await _get(live))


async def test_rate_limit_refusals_are_counted_by_limit(serve: Serve) -> None:
    async with serve(rate_limit_auth="1/minute") as live, GraphQLClient(live.url) as client:
        await live.state.redis.flushdb()
        before = await scrape(live.url)
        # This app's tables are not emptied between tests: an address of its own.
        email = f"{uuid.uuid4().hex}@example.com"
        await client.register(email=email)
        refused = await client(
            "mutation Login($email: String!) {"
            ' login(input: {email: $email, password: "x"}) { tokenType } }',
            {"email": email},
        )
        assert refused.codes == ["RATE_LIMITED"]
        after = await scrape(live.url)
        moved = after.value("parley_rate_limit_refusals_total", limit="auth") - before.value(
            "parley_rate_limit_refusals_total", limit="auth"
        )
        assert moved == 1
