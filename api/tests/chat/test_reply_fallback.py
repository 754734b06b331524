"""Provider fallback end to end: generateReply on an app with AI_FALLBACKS, the stored row,
the final event, a replay with replyEvents, and sendMessage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from parley.main import create_app
from tests.chat.documents import create_conversation
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings

GENERATION = "generation { provider model attempts fallbackFrom timeToFirstTokenMs }"
GENERATE = f"""
subscription Generate($id: ID!, $content: String!) {{
  generateReply(conversationId: $id, content: $content) {{
    __typename
    ... on ReplyStarted {{ assistantMessageId }}
    ... on ReplyDelta {{ text }}
    ... on ReplyCompleted {{ message {{ id content status {GENERATION} }} }}
    ... on ReplyFailed {{ code error message {{ id content status {GENERATION} }} }}
  }}
}}
"""
REPLAY = f"""
subscription Replay($id: ID!) {{
  replyEvents(messageId: $id) {{
    __typename
    ... on ReplyCompleted {{ message {{ id {GENERATION} }} }}
  }}
}}
"""
SEND = f"""
mutation Send($id: ID!, $content: String!) {{
  sendMessage(conversationId: $id, content: $content) {{
    assistantMessage {{ content status {GENERATION} }}
  }}
}}
"""


@pytest.fixture(scope="module")
async def server(database: str, fake_provider: FakeProviderServer) -> AsyncIterator[LiveServer]:
    """The app with OpenAI falling back to Anthropic's haiku, then the Demo provider."""
    settings = make_settings(
        fake_provider,
        ai_max_attempts=2,
        ai_fallbacks="OPENAI=ANTHROPIC:claude-haiku-5-5,DEMO",
    )
    live = LiveServer(create_app(settings))
    await live.start()
    yield live
    await live.stop()


async def _events(socket: Socket, op_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or events[-1]["__typename"] in ("ReplyStarted", "ReplyDelta"):
        message = await asyncio.wait_for(socket.receive(), timeout=15)
        if message["type"] == "complete":  # an earlier subscription's end
            continue
        assert (message["id"], message["type"]) == (op_id, "next"), message
        assert "errors" not in message["payload"], message
        events.append(message["payload"]["data"][next(iter(message["payload"]["data"]))])
    return events


async def _generate(
    server: LiveServer, client: GraphQLClient
) -> tuple[Socket, list[dict[str, Any]]]:
    token = (await client.register())["accessToken"]
    created = await create_conversation(client, token, aiProvider="OPENAI", aiModel="gpt-6-luna")
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    op = await socket.subscribe(GENERATE, {"id": created["id"], "content": "go"})
    return socket, await _events(socket, op)


async def _row(server: LiveServer, message_id: str) -> dict[str, Any]:
    async with server.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT provider::text, model, attempts, fallback_from::text, status::text"
                    " FROM messages WHERE id = CAST(:id AS uuid)"
                ),
                {"id": message_id},
            )
        ).one()
    return dict(row._mapping)


async def test_a_reply_the_fallback_answered_records_who_and_how(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(503), ErrorReply(503), Reply("answered by haiku"))
    socket, events = await _generate(server, client)
    completed = events[-1]
    assert completed["__typename"] == "ReplyCompleted"
    message = completed["message"]
    assert message["content"] == "answered by haiku"
    generation = message["generation"]
    assert generation["provider"] == "ANTHROPIC"
    assert generation["model"] == "claude-haiku-5-5"
    assert generation["attempts"] == 3
    assert generation["fallbackFrom"] == "OPENAI"
    assert [(r.api, r.model) for r in fake_provider.requests] == [
        ("openai", "gpt-6-luna"),
        ("openai", "gpt-6-luna"),
        ("anthropic", "claude-haiku-5-5"),
    ]
    assert await _row(server, message["id"]) == {
        "provider": "ANTHROPIC",
        "model": "claude-haiku-5-5",
        "attempts": 3,
        "fallback_from": "OPENAI",
        "status": "COMPLETE",
    }
    # A follower that comes later replays the same final generation.
    op = await socket.subscribe(REPLAY, {"id": message["id"]})
    replayed = await _events(socket, op)
    assert replayed[-1]["message"]["generation"] == generation
    await socket.close()


async def test_a_reply_that_failed_after_text_streamed_does_not_fall_back(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("alpha beta gamma delta", fail_after=2), Reply("not asked"))
    socket, events = await _generate(server, client)
    failed = events[-1]
    assert failed["__typename"] == "ReplyFailed"
    assert failed["code"] == "PROVIDER_ERROR"
    assert failed["message"]["content"] == "alpha beta "
    assert failed["message"]["generation"]["provider"] == "OPENAI"
    assert failed["message"]["generation"]["fallbackFrom"] is None
    assert failed["message"]["generation"]["attempts"] == 1
    assert len(fake_provider.requests) == 1
    await socket.close()


async def test_send_message_falls_back_through_two_routes(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    created = await create_conversation(client, token, aiProvider="OPENAI")
    fake_provider.script(*(ErrorReply(529 if i >= 2 else 500) for i in range(4)))
    result = await client(SEND, {"id": created["id"], "content": "hi"}, token=token)
    assert not result.errors, result.errors
    reply = result.data["sendMessage"]["assistantMessage"]
    assert reply["status"] == "COMPLETE"
    assert reply["generation"]["provider"] == "DEMO"
    assert reply["generation"]["attempts"] == 5
    assert reply["generation"]["fallbackFrom"] == "OPENAI"
    assert [r.api for r in fake_provider.requests] == ["openai"] * 2 + ["anthropic"] * 2
