"""The response cache: repeated reads cost no SQL, writes are seen at once, users never mix."""

from __future__ import annotations

import json

import httpx
from redis.asyncio import Redis

from parley.main import create_app
from tests.chat.documents import CONVERSATION, LIST, UPDATE, create_conversation, send
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings
from tests.support.sql import StatementCounter


async def test_repeated_list_is_served_without_sql_and_writes_are_seen_at_once(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    token = (await client.register())["accessToken"]
    first = await create_conversation(client, token, title="Alpha")
    await send(client, token, first["id"], "hello")

    miss = await client(LIST, token=token)
    before = sql_statements.count
    hit = await client(LIST, token=token)
    assert sql_statements.count == before  # no SQL at all for the repeat
    assert hit.body == miss.body

    renamed = await client(UPDATE, {"id": first["id"], "input": {"title": "Beta"}}, token=token)
    assert not renamed.errors
    after_write = await client(LIST, token=token)
    assert after_write.data["conversations"]["edges"][0]["node"]["title"] == "Beta"

    await create_conversation(client, token, title="Gamma")
    assert (await client(LIST, token=token)).data["conversations"]["totalCount"] == 2


async def test_message_pages_are_cached_per_arguments_and_invalidated_by_replies(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token))["id"]
    await send(client, token, cid, "one")

    whole = await client(CONVERSATION, {"id": cid}, token=token)
    short = await client(CONVERSATION, {"id": cid, "last": 1}, token=token)
    assert len(whole.data["conversation"]["messages"]["edges"]) == 2
    assert len(short.data["conversation"]["messages"]["edges"]) == 1
    before = sql_statements.count
    assert (await client(CONVERSATION, {"id": cid, "last": 1}, token=token)).body == short.body
    assert sql_statements.count == before

    await send(client, token, cid, "two")
    fresh = await client(CONVERSATION, {"id": cid}, token=token)
    assert fresh.data["conversation"]["messageCount"] == 4


async def test_cached_responses_are_per_user(client: GraphQLClient) -> None:
    ada = (await client.register(email="ada@example.com"))["accessToken"]
    bob = (await client.register(email="bob@example.com"))["accessToken"]
    await create_conversation(client, ada, title="Ada's")
    assert (await client(LIST, token=ada)).data["conversations"]["totalCount"] == 1
    assert (await client(LIST, token=bob)).data["conversations"]["totalCount"] == 0


async def test_errors_and_anonymous_calls_are_not_cached(
    client: GraphQLClient, server: LiveServer
) -> None:
    token = (await client.register())["accessToken"]
    missing = {"id": "00000000-0000-4000-8000-000000000000"}
    assert (await client(CONVERSATION, missing, token=token)).codes == ["NOT_FOUND"]
    assert (await client(LIST)).codes == ["UNAUTHENTICATED"]
    keys = [key async for key in server.state.redis.scan_iter("cache:resp:*")]
    assert keys == []


async def test_entries_expire_with_the_configured_ttls(
    client: GraphQLClient, server: LiveServer
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token))["id"]
    await client(LIST, token=token)
    [list_key] = [key async for key in server.state.redis.scan_iter("cache:resp:*")]
    assert 290 <= await server.state.redis.ttl(list_key) <= 300
    await client(CONVERSATION, {"id": cid}, token=token)
    ttls = [
        await server.state.redis.ttl(k) async for k in server.state.redis.scan_iter("cache:resp:*")
    ]
    assert max(ttls) > 300
    assert max(ttls) <= 600


async def test_entries_are_bounded_in_size_and_per_user(
    server: LiveServer, fake_provider: FakeProviderServer
) -> None:
    app = create_app(
        make_settings(
            fake_provider,
            response_cache_max_entry_bytes=3000,
            response_cache_max_entries_per_user=3,
        )
    )
    redis = server.state.redis
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        client = GraphQLClient("http://t")
        client.http = http
        token = (await client.register())["accessToken"]
        cid = (await create_conversation(client, token))["id"]
        await send(client, token, cid, "x" * 5000)

        big = await client(CONVERSATION, {"id": cid}, token=token)
        assert len(json.dumps(big.body)) > 3000
        assert await redis.keys("cache:resp:*") == []  # too large to keep

        for first in range(1, 7):  # six distinct small answers
            assert not (await client(LIST, {"first": first}, token=token)).errors
        kept = await redis.keys("cache:resp:*")
        assert len(kept) == 3
        [index] = await redis.keys("cache:idx:*")
        assert await redis.zcard(index) == 3
        # The newest answers are the ones kept: reading them again is a hit (nothing stored),
        # while the oldest was dropped and is stored anew.
        before = set(kept)
        for first in (4, 5, 6):
            await client(LIST, {"first": first}, token=token)
        assert set(await redis.keys("cache:resp:*")) == before
        await client(LIST, {"first": 1}, token=token)
        after = set(await redis.keys("cache:resp:*"))
        assert len(after) == 3
        assert after != before


async def test_cached_answers_can_live_in_a_redis_of_their_own(
    server: LiveServer, fake_provider: FakeProviderServer
) -> None:
    cache_url = "redis://127.0.0.1:6379/10"
    entries = Redis.from_url(cache_url, decode_responses=True)
    await entries.flushdb()
    app = create_app(make_settings(fake_provider, cache_redis_url=cache_url))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://t"
        ) as http:
            client = GraphQLClient("http://t")
            client.http = http
            token = (await client.register())["accessToken"]
            await create_conversation(client, token, title="Kept apart")
            assert not (await client(LIST, token=token)).errors
        assert len(await entries.keys("cache:resp:*")) == 1
        assert await server.state.redis.keys("cache:resp:*") == []
        # Generations stay with the sessions, in the Redis that never evicts.
        assert await server.state.redis.keys("cache:gen:*")
    finally:
        await entries.flushdb()
        await entries.aclose()
