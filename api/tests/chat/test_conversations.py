"""Conversations: defaults, validation, ownership, keyset pagination and statement counts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from parley.main import create_app
from tests.chat.documents import (
    CONVERSATION,
    CREATE,
    DELETE,
    LIST,
    UPDATE,
    create_conversation,
    send,
    title_after,
)
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer, make_settings
from tests.support.sql import StatementCounter

PROVIDERS = "{ providers { provider displayName configured defaultModel models isDefault } }"


async def test_providers_lists_every_provider_with_configuration(client: GraphQLClient) -> None:
    result = await client(PROVIDERS)
    providers = {p["provider"]: p for p in result.data["providers"]}
    assert list(providers) == ["OPENAI", "ANTHROPIC", "GEMINI", "GROK", "OLLAMA", "DEMO"]
    assert all(p["configured"] for p in providers.values())  # the test server has every key
    assert providers["DEMO"]["defaultModel"] in providers["DEMO"]["models"]
    # DEFAULT_AI_PROVIDER=DEMO in the test settings, although every provider is configured.
    assert [p for p, info in providers.items() if info["isDefault"]] == ["DEMO"]


async def test_without_keys_only_demo_is_configured_and_default(
    fake_provider: FakeProviderServer, client: GraphQLClient
) -> None:
    bare = create_app(
        make_settings(
            fake_provider,
            openai_api_key=None,
            anthropic_api_key=None,
            gemini_api_key=None,
            xai_api_key=None,
            ollama_base_url=None,
            default_ai_provider=None,
        )
    )
    token = (await client.register())["accessToken"]
    transport = httpx.ASGITransport(bare)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        headers = {"authorization": f"Bearer {token}"}
        providers = (await http.post("/graphql", json={"query": PROVIDERS})).json()
        created = (
            await http.post(
                "/graphql", json={"query": CREATE, "variables": {"input": {}}}, headers=headers
            )
        ).json()
        refused = (
            await http.post(
                "/graphql",
                json={"query": CREATE, "variables": {"input": {"aiProvider": "OPENAI"}}},
                headers=headers,
            )
        ).json()
    configured = [p["provider"] for p in providers["data"]["providers"] if p["configured"]]
    assert configured == ["DEMO"]
    assert created["data"]["createConversation"]["aiProvider"] == "DEMO"
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_create_with_defaults_then_title_comes_from_first_message(
    client: GraphQLClient,
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    assert conversation["title"] == "New chat"
    assert conversation["aiProvider"] == "DEMO"
    assert conversation["aiModel"] == "demo-1"
    assert conversation["systemPrompt"] is None

    await send(client, token, conversation["id"], "  How do   I add a provider to Parley?\nThanks")
    # The first message names it at once; the model's title (the Demo provider's: the
    # question's first words) follows in the background.
    assert await title_after(client, token, conversation["id"], "How do I add a provider")
    await send(client, token, conversation["id"], "Second question")
    result = await client(CONVERSATION, {"id": conversation["id"]}, token=token)
    assert result.data["conversation"]["title"] == "How do I add a provider"


async def test_create_and_update_validate_input(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    bad_inputs = [
        {"title": "x" * 201},
        {"systemPrompt": "x" * 8001},
        {"aiModel": ""},
        {"aiModel": "m" * 101},
    ]
    for fields in bad_inputs:
        result = await client(CREATE, {"input": fields}, token=token)
        assert result.codes == ["BAD_USER_INPUT"], fields
    result = await client(CREATE, {"input": {"aiProvider": "NOPE"}}, token=token)
    assert result.codes == ["BAD_USER_INPUT"]
    # A blank title on create means "name it from the first message"; on update it is refused.
    untitled = await create_conversation(client, token, title="   ")
    assert untitled["title"] == "New chat"
    blank = await client(UPDATE, {"id": untitled["id"], "input": {"title": "  "}}, token=token)
    assert blank.codes == ["BAD_USER_INPUT"]


async def test_update_renames_and_switches_provider(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, title="First", systemPrompt="Be brief.")
    result = await client(
        UPDATE,
        {"id": conversation["id"], "input": {"title": "Renamed", "aiProvider": "ANTHROPIC"}},
        token=token,
    )
    updated = result.data["updateConversation"]
    assert updated["title"] == "Renamed"
    assert updated["aiProvider"] == "ANTHROPIC"
    assert updated["aiModel"] != "demo-1"  # the new provider's default model
    assert updated["systemPrompt"] == "Be brief."
    cleared = await client(
        UPDATE, {"id": conversation["id"], "input": {"systemPrompt": ""}}, token=token
    )
    assert cleared.data["updateConversation"]["systemPrompt"] is None


async def test_delete_returns_the_id_and_cascades(
    client: GraphQLClient, server: LiveServer
) -> None:
    from sqlalchemy import text

    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    await send(client, token, conversation["id"], "hello")
    result = await client(DELETE, {"id": conversation["id"]}, token=token)
    assert result.data == {"deleteConversation": conversation["id"]}
    again = await client(CONVERSATION, {"id": conversation["id"]}, token=token)
    assert again.codes == ["NOT_FOUND"]
    async with server.state.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM messages"))).scalar_one() == 0


async def test_other_users_conversation_is_forbidden_everywhere(client: GraphQLClient) -> None:
    owner = (await client.register(email="owner@example.com"))["accessToken"]
    intruder = (await client.register(email="intruder@example.com"))["accessToken"]
    conversation = await create_conversation(client, owner, title="Private")
    cid = conversation["id"]
    attempts = [
        (CONVERSATION, {"id": cid}),
        (UPDATE, {"id": cid, "input": {"title": "Mine now"}}),
        (DELETE, {"id": cid}),
    ]
    for query, variables in attempts:
        assert (await client(query, variables, token=intruder)).codes == ["FORBIDDEN"]
    assert (await send(client, intruder, cid, "hi")).codes == ["FORBIDDEN"]
    listed = await client(LIST, token=intruder)
    assert listed.data["conversations"]["totalCount"] == 0
    still = await client(CONVERSATION, {"id": cid}, token=owner)
    assert still.data["conversation"]["title"] == "Private"
    assert still.data["conversation"]["messageCount"] == 0


@pytest.mark.parametrize(
    ("conversation_id", "code"),
    [("00000000-0000-4000-8000-000000000000", "NOT_FOUND"), ("not-a-uuid", "BAD_USER_INPUT")],
)
async def test_missing_and_malformed_ids(
    client: GraphQLClient, conversation_id: str, code: str
) -> None:
    token = (await client.register())["accessToken"]
    attempts: list[tuple[str, dict[str, Any]]] = [
        (CONVERSATION, {"id": conversation_id}),
        (UPDATE, {"id": conversation_id, "input": {"title": "x"}}),
        (DELETE, {"id": conversation_id}),
    ]
    for query, variables in attempts:
        assert (await client(query, variables, token=token)).codes == [code]
    assert (await send(client, token, conversation_id, "hi")).codes == [code]


async def test_everything_needs_a_signed_in_user(client: GraphQLClient) -> None:
    attempts: list[tuple[str, dict[str, Any]]] = [
        (LIST, {}),
        (CREATE, {"input": {}}),
        (CONVERSATION, {"id": "00000000-0000-4000-8000-000000000000"}),
    ]
    for query, variables in attempts:
        assert (await client(query, variables)).codes == ["UNAUTHENTICATED"]


async def test_conversations_page_newest_first_with_keyset_cursors(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    created = [await create_conversation(client, token, title=f"c{i}") for i in range(25)]
    # Sending bumps updated_at: c3 becomes the newest.
    await send(client, token, created[3]["id"], "bump")

    seen: list[str] = []
    after = None
    pages = 0
    while True:
        result = await client(LIST, {"first": 10, "after": after}, token=token)
        page = result.data["conversations"]
        assert page["totalCount"] == 25
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [edge["node"]["title"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen[0] == "c3"
    assert seen[1:] == [f"c{i}" for i in reversed(range(25)) if i != 3]


@pytest.mark.parametrize("first", [0, 101, -1])
async def test_page_size_is_bounded(client: GraphQLClient, first: int) -> None:
    token = (await client.register())["accessToken"]
    assert (await client(LIST, {"first": first}, token=token)).codes == ["BAD_USER_INPUT"]


async def test_malformed_cursor_is_bad_user_input(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    for cursor in ["garbage", "bm90IGEgY3Vyc29y", ""]:
        result = await client(LIST, {"after": cursor}, token=token)
        if cursor:
            assert result.codes == ["BAD_USER_INPUT"], cursor


async def test_messages_page_backwards_oldest_first_within_a_page(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    for i in range(4):
        assert not (await send(client, token, conversation["id"], f"question {i}")).errors

    contents: list[str] = []
    before = None
    while True:
        result = await client(
            CONVERSATION, {"id": conversation["id"], "last": 3, "before": before}, token=token
        )
        messages = result.data["conversation"]["messages"]
        page = [edge["node"] for edge in messages["edges"]]
        contents = [m["content"] for m in page] + contents
        assert messages["pageInfo"]["hasNextPage"] is (before is not None)
        if not messages["pageInfo"]["hasPreviousPage"]:
            break
        before = messages["pageInfo"]["startCursor"]
    user_contents = contents[0::2]
    roles_ok = all(c.startswith("question") for c in user_contents)
    assert len(contents) == 8
    assert roles_ok
    assert user_contents == [f"question {i}" for i in range(4)]


async def test_a_page_of_conversations_costs_the_same_statements_for_2_or_40(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    token = (await client.register())["accessToken"]

    async def statements_for_page(count: int) -> int:
        existing = (await client(LIST, {"first": 100}, token=token)).data["conversations"]
        for i in range(count - existing["totalCount"]):
            conversation = await create_conversation(client, token, title=f"t{i}")
            await send(client, token, conversation["id"], "hello")
        before = sql_statements.count
        result = await client(LIST, {"first": 100}, token=token)
        assert len(result.data["conversations"]["edges"]) == count
        assert all(e["node"]["messageCount"] == 2 for e in result.data["conversations"]["edges"])
        assert all(
            e["node"]["lastMessage"]["role"] == "ASSISTANT"
            for e in result.data["conversations"]["edges"]
        )
        return sql_statements.count - before

    small = await statements_for_page(2)
    large = await statements_for_page(40)
    # One statement: the page with counts, last messages and the total joined in.
    assert small == large == 1, sql_statements.statements[-large:]


async def test_fields_of_several_conversations_are_batched(
    client: GraphQLClient, sql_statements: StatementCounter
) -> None:
    token = (await client.register())["accessToken"]
    ids = []
    for i in range(4):
        conversation = await create_conversation(client, token, title=f"b{i}")
        await send(client, token, conversation["id"], "hello")
        ids.append(conversation["id"])
    fields = "messageCount lastMessage { id }"
    query = (
        "query Batch { "
        + " ".join(f'c{i}: conversation(id: "{cid}") {{ {fields} }}' for i, cid in enumerate(ids))
        + " }"
    )
    before = sql_statements.count
    result = await client(query, token=token)
    assert not result.errors
    assert all(result.data[f"c{i}"]["messageCount"] == 2 for i in range(4))
    statements = sql_statements.statements[before:]
    # One batch for the four conversations, then one for each field across all four (both
    # read the current message: the count is its depth).
    current = "JOIN messages ON messages.id = conversations.current_message_id"
    assert sum(current in s for s in statements) == 2, statements
    assert len(statements) == 3


async def test_total_count_on_empty_pages(client: GraphQLClient) -> None:
    token = (await client.register())["accessToken"]
    empty = await client(LIST, token=token)
    assert empty.data["conversations"]["totalCount"] == 0
    assert empty.data["conversations"]["edges"] == []
    for i in range(2):
        await create_conversation(client, token, title=f"e{i}")
    full = (await client(LIST, {"first": 2}, token=token)).data["conversations"]
    past_the_end = await client(
        LIST, {"first": 2, "after": full["pageInfo"]["endCursor"]}, token=token
    )
    page = past_the_end.data["conversations"]
    assert page["edges"] == []
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is False
