"""The response cache: repeated reads cost no SQL, writes are seen at once, users never mix."""

from __future__ import annotations

from tests.chat.documents import CONVERSATION, LIST, UPDATE, create_conversation, send
from tests.client import GraphQLClient
from tests.conftest import LiveServer, StatementCounter


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
