"""Rate limits: per user for messages, searches and forks, per client IP for auth; 429 +
Retry-After over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from parley.main import create_app
from parley.settings import Settings
from tests.chat.branches import FORK
from tests.chat.documents import GENERATE, create_conversation, send
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"
BAD_LOGIN = {"i": {"email": "nobody@example.com", "password": "wrong password"}}


@pytest.fixture
async def limited(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    """The app with tight limits, sharing the test database and Redis."""
    settings = make_settings(
        fake_provider,
        rate_limit_messages="3/minute",
        rate_limit_auth="5/minute",
        rate_limit_forks="2/minute",
        trusted_proxies="127.0.0.1",
    )
    live = LiveServer(create_app(settings))
    await live.start()
    yield live
    await live.stop()


async def test_auth_attempts_are_limited_per_client_ip_with_429(limited: LiveServer) -> None:
    async with GraphQLClient(limited.url) as client:
        for _ in range(5):
            result = await client(LOGIN, BAD_LOGIN)
            assert result.codes == ["UNAUTHENTICATED"]
        refused = await client(LOGIN, BAD_LOGIN)
    assert refused.status == 429
    assert refused.codes == ["RATE_LIMITED"]
    retry_after = refused.errors[0]["extensions"]["retryAfter"]
    assert isinstance(retry_after, int)
    assert 1 <= retry_after <= 60
    assert refused.headers["retry-after"] == str(retry_after)


async def test_forwarded_for_counts_only_from_a_trusted_proxy(
    limited: LiveServer, server: LiveServer
) -> None:
    # `limited` trusts 127.0.0.1 as a proxy: each forwarded client has its own budget.
    async with GraphQLClient(limited.url) as client:
        for i in range(6):
            headers = {"x-forwarded-for": f"203.0.113.{i}"}
            response = await client.http.post(
                "/graphql", json={"query": LOGIN, "variables": BAD_LOGIN}, headers=headers
            )
            assert response.status_code == 200
    # The default app trusts no proxy: a forged header does not buy a fresh budget.
    async with GraphQLClient(server.url) as client:
        for i in range(3):
            response = await client.http.post(
                "/graphql",
                json={"query": LOGIN, "variables": BAD_LOGIN},
                headers={"x-forwarded-for": f"198.51.100.{i}"},
            )
            assert response.status_code == 200
        keys = [key async for key in server.state.redis.scan_iter("rl*")]
    assert keys
    assert all("198.51.100" not in key for key in keys)


async def test_messages_are_limited_per_user_across_http_and_socket(limited: LiveServer) -> None:
    async with GraphQLClient(limited.url) as client:
        token = (await client.register(email="chatty@example.com"))["accessToken"]
        other = (await client.register(email="quiet@example.com"))["accessToken"]
        cid = (await create_conversation(client, token))["id"]
        for _ in range(2):
            assert not (await send(client, token, cid, "hello")).errors

        socket = await Socket.open(limited.ws_url, token=token)
        await socket.ack()
        op = await socket.subscribe(GENERATE, {"id": cid, "content": "third"})
        while (message := await socket.receive())["type"] == "next":
            pass
        assert message == {"id": op, "type": "complete"}

        refused_socket = await socket.subscribe(GENERATE, {"id": cid, "content": "fourth"})
        message = await socket.receive()
        assert message["id"] == refused_socket
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "RATE_LIMITED"
        assert errors[0]["extensions"]["retryAfter"] >= 1
        await socket.close()

        refused_http = await send(client, token, cid, "fifth")
        assert refused_http.status == 429
        assert refused_http.codes == ["RATE_LIMITED"]
        assert int(refused_http.headers["retry-after"]) >= 1

        # Another user is not affected.
        other_cid = (await create_conversation(client, other))["id"]
        assert not (await send(client, other, other_cid, "hi")).errors


SEARCH = "query Search($q: String!) { search(query: $q) { totalCount } }"


async def test_the_31st_search_in_a_minute_is_rate_limited_per_user(
    server: LiveServer, fake_provider: FakeProviderServer
) -> None:
    # The default limit, not the tests' generous one.
    default = Settings.model_fields["rate_limit_search"].default
    assert default == "30/minute"
    live = LiveServer(create_app(make_settings(fake_provider, rate_limit_search=default)))
    await live.start()
    try:
        async with GraphQLClient(live.url) as client:
            token = (await client.register(email="searcher@example.com"))["accessToken"]
            other = (await client.register(email="reader@example.com"))["accessToken"]
            for _ in range(30):
                assert not (await client(SEARCH, {"q": "deploy"}, token=token)).errors
            refused = await client(SEARCH, {"q": "deploy"}, token=token)
            assert refused.status == 429
            assert refused.codes == ["RATE_LIMITED"]
            assert int(refused.headers["retry-after"]) >= 1
            # Another user is not affected.
            assert not (await client(SEARCH, {"q": "deploy"}, token=other)).errors
    finally:
        await live.stop()


async def test_forks_are_limited_per_user(limited: LiveServer) -> None:
    async with GraphQLClient(limited.url) as client:
        token = (await client.register(email="forker@example.com"))["accessToken"]
        cid = (await create_conversation(client, token))["id"]
        sent = await send(client, token, cid, "hello")
        assert not sent.errors, sent.errors
        reply = sent.data["sendMessage"]["assistantMessage"]["id"]
        for _ in range(2):
            assert not (await client(FORK, {"id": reply}, token=token)).errors
        refused = await client(FORK, {"id": reply}, token=token)
    assert refused.status == 429
    assert refused.codes == ["RATE_LIMITED"]
    assert refused.errors[0]["extensions"]["retryAfter"] >= 1
