"""Bounded responses: an answer over `MAX_RESPONSE_BYTES` is refused with a code, and the
messages of a page of conversations are loaded in one statement."""

from __future__ import annotations

import pytest

from parley.main import create_app
from tests.chat.documents import create_conversation, send
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings
from tests.support.sql import StatementCounter

LONG = "x" * 30_000

MESSAGES = """
query Messages($id: ID!) {
  conversation(id: $id) { messages(last: 100) { edges { node { id content } } } }
}
"""

PAGE = """
{
  conversations(first: 20) {
    edges { node { id messages(last: 10) { edges { node { content siblingIds } } } } }
  }
}
"""


async def _app(fake_provider: FakeProviderServer, max_response_bytes: int) -> LiveServer:
    live = LiveServer(
        create_app(make_settings(fake_provider, max_response_bytes=max_response_bytes))
    )
    await live.start()
    return live


@pytest.fixture
async def long_conversation(client: GraphQLClient) -> tuple[str, str]:
    """A token and a conversation of two long turns (about 60 kB of text)."""
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    for i in range(2):
        assert not (await send(client, token, conversation["id"], f"{i} {LONG}")).errors
    return token, conversation["id"]


async def test_an_answer_one_byte_over_the_limit_is_refused_with_a_code(
    server: LiveServer, fake_provider: FakeProviderServer, long_conversation: tuple[str, str]
) -> None:
    token, conversation_id = long_conversation
    async with GraphQLClient(server.url) as client:
        response = await client.http.post(
            "/graphql",
            json={"query": MESSAGES, "variables": {"id": conversation_id}},
            headers={"authorization": f"Bearer {token}"},
        )
    answered = len(response.content)
    assert answered > 60_000
    assert not response.json().get("errors")

    for limit, refused in [(answered, False), (answered - 1, True)]:
        live = await _app(fake_provider, limit)
        try:
            async with GraphQLClient(live.url) as client:
                result = await client(MESSAGES, {"id": conversation_id}, token=token)
        finally:
            await live.stop()
        if refused:
            assert result.data is None
            assert [e["extensions"] for e in result.errors] == [
                {"code": "BAD_USER_INPUT", "limit": limit}
            ]
        else:
            assert result.errors == []


async def test_text_over_the_limit_fails_the_operation_while_it_loads(
    server: LiveServer, fake_provider: FakeProviderServer, long_conversation: tuple[str, str]
) -> None:
    token, conversation_id = long_conversation
    # Fifteen aliases of one page: loaded once, but each would be answered.
    aliased = (
        "query ($id: ID!) { "
        + " ".join(
            f"a{i}: conversation(id: $id) "
            "{ messages(last: 100) { edges { node { content } } } }"
            for i in range(15)
        )
        + " }"
    )
    live = await _app(fake_provider, 200_000)
    try:
        async with GraphQLClient(live.url) as client:
            result = await client(aliased, {"id": conversation_id}, token=token)
            # One coded error and no partial data, not one error per alias.
            assert result.data is None
            assert [e["extensions"] for e in result.errors] == [
                {"code": "BAD_USER_INPUT", "limit": 200_000}
            ]
            # The same operation's budget does not leak into the next one.
            assert (await client(MESSAGES, {"id": conversation_id}, token=token)).errors == []
    finally:
        await live.stop()


async def test_the_messages_of_a_page_of_conversations_take_one_statement(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    token = (await client.register())["accessToken"]

    async def statements_for(count: int) -> int:
        # Counted with another document: the measured one must miss the response cache.
        total = "{ conversations { totalCount } }"
        while (await client(total, token=token)).data["conversations"]["totalCount"] < count:
            conversation = await create_conversation(client, token)
            for turn in range(2):
                await send(client, token, conversation["id"], f"{conversation['id']} {turn}")
        before = sql_statements.count
        result = await client(PAGE, token=token)
        edges = result.data["conversations"]["edges"]
        assert len(edges) == count
        for edge in edges:
            node = edge["node"]
            contents = [m["node"]["content"] for m in node["messages"]["edges"]]
            # Each conversation its own branch, oldest first.
            assert len(contents) == 4
            assert contents[0] == f"{node['id']} 0"
            assert contents[2] == f"{node['id']} 1"
        window = [s for s in sql_statements.statements[before:] if "row_number()" in s]
        assert len(window) == 1
        return sql_statements.count - before

    assert await statements_for(2) == await statements_for(6)
