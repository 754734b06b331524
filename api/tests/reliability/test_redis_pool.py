"""One process holds a bounded number of Redis connections, however many requests arrive."""

from __future__ import annotations

import asyncio

import httpx
from redis.asyncio import Redis

from parley.main import create_app
from tests.chat.documents import LIST, create_conversation
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings

POOL = 3
REQUESTS = 40


async def _app_connections(redis: Redis) -> int:
    db = redis.connection_pool.connection_kwargs.get("db", 0)
    clients = await redis.client_list()
    return sum(1 for c in clients if c["name"] == "parley-api" and int(c["db"]) == int(db))


async def test_a_burst_of_requests_waits_for_the_pool_instead_of_opening_connections(
    server: LiveServer, fake_provider: FakeProviderServer
) -> None:
    observer = server.state.redis
    before = await _app_connections(observer)
    app = create_app(make_settings(fake_provider, redis_max_connections=POOL))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://t"
        ) as http:
            client = GraphQLClient("http://t")
            client.http = http
            token = (await client.register())["accessToken"]
            await create_conversation(client, token, title="Many at once")
            results = await asyncio.gather(
                *(client(LIST, {"first": n % 20 + 1}, token=token) for n in range(REQUESTS))
            )
        assert all(not r.errors for r in results)
        opened = await _app_connections(observer) - before
        # At least two requests overlapped on Redis, and the pool never grew past its bound.
        assert 2 <= opened <= POOL
    finally:
        await app.state.parley.redis.aclose()
