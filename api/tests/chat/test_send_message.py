"""sendMessage through every provider's real SDK, against the fake provider server."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.chat.documents import CONVERSATION, create_conversation, send
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient
from tests.support.servers import LiveServer

OPENAI_COMPATIBLE = ["OPENAI", "GEMINI", "GROK", "OLLAMA"]


@pytest.mark.parametrize("provider", [*OPENAI_COMPATIBLE, "ANTHROPIC"])
async def test_each_provider_answers_and_usage_is_stored(
    client: GraphQLClient, fake_provider: FakeProviderServer, provider: str
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(
        client, token, aiProvider=provider, systemPrompt="Answer like a pirate."
    )
    fake_provider.script(Reply("Arr, hello there!", prompt_tokens=21, completion_tokens=5))

    result = await send(client, token, conversation["id"], "Say hello")
    assert not result.errors, result.errors
    payload = result.data["sendMessage"]
    assert payload["userMessage"]["content"] == "Say hello"
    assert payload["userMessage"]["role"] == "USER"
    reply = payload["assistantMessage"]
    assert reply["content"] == "Arr, hello there!"
    assert reply["status"] == "COMPLETE"
    assert reply["tokensUsed"] == 26
    meta = reply["metadata"]
    assert meta["provider"] == provider
    assert meta["model"] == conversation["aiModel"]
    assert (meta["promptTokens"], meta["completionTokens"]) == (21, 5)
    assert meta["finishReason"]
    assert meta["latencyMs"] >= 0

    (request,) = fake_provider.requests
    assert request.model == conversation["aiModel"]
    if provider == "ANTHROPIC":
        assert request.api == "anthropic"
        assert request.body["system"] == "Answer like a pirate."
        assert request.messages == [{"role": "user", "content": "Say hello"}]
    else:
        assert request.api == "openai"
        assert request.messages == [
            {"role": "system", "content": "Answer like a pirate."},
            {"role": "user", "content": "Say hello"},
        ]


async def test_history_and_default_system_prompt_are_sent(
    client: GraphQLClient, fake_provider: FakeProviderServer, server: LiveServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="OPENAI")
    fake_provider.script(Reply("First answer"), Reply("Second answer"))
    await send(client, token, conversation["id"], "First question")
    await send(client, token, conversation["id"], "Second question")
    second = fake_provider.requests[1]
    assert second.messages == [
        {"role": "system", "content": server.state.settings.default_system_prompt},
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "First answer"},
        {"role": "user", "content": "Second question"},
    ]


async def test_history_is_bounded(
    client: GraphQLClient, fake_provider: FakeProviderServer, server: LiveServer
) -> None:
    limit = server.state.settings.history_max_messages
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="OPENAI")
    rounds = limit // 2 + 2
    for i in range(rounds):
        assert not (await send(client, token, conversation["id"], f"q{i}")).errors
    last = fake_provider.requests[-1]
    assert len(last.messages) == limit + 1  # the system prompt, then `limit` messages
    assert last.messages[-1] == {"role": "user", "content": f"q{rounds - 1}"}


async def test_retries_then_succeeds(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="ANTHROPIC")
    fake_provider.script(ErrorReply(429, retry_after=0), ErrorReply(503), Reply("Third time lucky"))
    result = await send(client, token, conversation["id"], "hi")
    assert result.data["sendMessage"]["assistantMessage"]["content"] == "Third time lucky"
    assert len(fake_provider.requests) == 3


async def test_provider_outage_keeps_the_user_message_and_stores_a_failed_reply(
    client: GraphQLClient, fake_provider: FakeProviderServer, server: LiveServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="OPENAI")
    fake_provider.script(*[ErrorReply(500, message="sk-test-openai-secret leaked?")] * 3)

    result = await send(client, token, conversation["id"], "Are you there?")
    assert result.codes == ["PROVIDER_ERROR"]
    assert len(fake_provider.requests) == 3  # the default 3 attempts, no SDK retries on top
    body = json.dumps(result.body)
    assert "sk-test" not in body
    assert "500" in result.errors[0]["message"]

    stored = await client(CONVERSATION, {"id": conversation["id"]}, token=token)
    messages = [e["node"] for e in stored.data["conversation"]["messages"]["edges"]]
    assert [(m["role"], m["status"]) for m in messages] == [
        ("USER", "COMPLETE"),
        ("ASSISTANT", "FAILED"),
    ]
    assert messages[0]["content"] == "Are you there?"
    assert "500" in messages[1]["metadata"]["error"]
    assert "sk-test" not in json.dumps(messages[1]["metadata"])
    async with server.state.engine.connect() as conn:
        status = (
            await conn.execute(text("SELECT count(*) FROM messages WHERE status = 'STREAMING'"))
        ).scalar_one()
    assert status == 0


async def test_client_errors_are_not_retried(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="GROK")
    fake_provider.script(ErrorReply(400))
    result = await send(client, token, conversation["id"], "hi")
    assert result.codes == ["PROVIDER_ERROR"]
    assert len(fake_provider.requests) == 1


async def test_demo_provider_answers_offline(
    client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    result = await send(client, token, conversation["id"], "What can you do?")
    reply = result.data["sendMessage"]["assistantMessage"]
    assert "demo" in reply["content"].lower()
    assert "OPENAI_API_KEY" in reply["content"]
    assert reply["tokensUsed"] > 0
    assert fake_provider.requests == []


@pytest.mark.parametrize("content", ["", "   \n ", "x" * 32_001])
async def test_message_content_is_validated_before_anything_is_stored(
    client: GraphQLClient, server: LiveServer, content: str
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token)
    assert (await send(client, token, conversation["id"], content)).codes == ["BAD_USER_INPUT"]
    async with server.state.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM messages"))).scalar_one() == 0
