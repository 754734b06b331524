"""generateReply over a real graphql-transport-ws socket: order, detaching, failures."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import text

from tests.chat.documents import GENERATE, create_conversation
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer


async def _next_payload(socket: Socket, op_id: str) -> dict[str, Any]:
    message = await asyncio.wait_for(socket.receive(), timeout=10)
    assert message["id"] == op_id, message
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    event: dict[str, Any] = message["payload"]["data"]["generateReply"]
    return event


async def _message_row(server: LiveServer, message_id: str) -> dict[str, Any]:
    async with server.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT content, status, prompt_tokens + completion_tokens AS tokens_used,"
                    " attempts, ttft_ms, error FROM messages WHERE id = :id"
                ),
                {"id": uuid.UUID(message_id)},
            )
        ).one()
    return dict(row._mapping)


async def _wait_for_status(server: LiveServer, message_id: str, status: str) -> dict[str, Any]:
    for _ in range(500):
        row = await _message_row(server, message_id)
        if row["status"] == status:
            return row
        await asyncio.sleep(0.01)
    raise AssertionError(f"message {message_id} never became {status}: {row}")


async def _open(
    server: LiveServer, client: GraphQLClient, **conversation: Any
) -> tuple[Socket, str, str]:
    token = (await client.register())["accessToken"]
    created = await create_conversation(client, token, **conversation)
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    return socket, token, created["id"]


async def test_streams_started_deltas_completed_in_order(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="OPENAI")
    fake_provider.script(Reply("one two three four five", prompt_tokens=7, completion_tokens=5))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "Count to five"})

    started = await _next_payload(socket, op)
    assert started["__typename"] == "ReplyStarted"
    assert started["userMessage"]["content"] == "Count to five"
    # The first message names the conversation, and the event says so at once.
    assert started["conversation"] == {
        "id": cid,
        "title": "Count to five",
        "updatedAt": started["conversation"]["updatedAt"],
    }
    reply_id = started["assistantMessageId"]
    assert (await _message_row(server, reply_id))["status"] == "STREAMING"

    texts: list[str] = []
    while True:
        event = await _next_payload(socket, op)
        if event["__typename"] != "ReplyDelta":
            break
        assert event["assistantMessageId"] == reply_id
        texts.append(event["text"])
    assert len(texts) == 5
    assert "".join(texts) == "one two three four five"
    assert event["__typename"] == "ReplyCompleted"
    assert event["message"]["id"] == reply_id
    assert event["message"]["content"] == "one two three four five"
    assert event["message"]["status"] == "COMPLETE"
    assert event["message"]["tokensUsed"] == 12
    assert event["message"]["metadata"]["ttftMs"] is not None
    assert (await socket.receive())["type"] == "complete"

    row = await _message_row(server, reply_id)
    assert (row["content"], row["status"], row["tokens_used"], row["attempts"]) == (
        "one two three four five",
        "COMPLETE",
        12,
        1,
    )
    assert row["ttft_ms"] is not None
    assert fake_provider.requests[0].body["stream_options"] == {"include_usage": True}
    await socket.close()


async def test_deltas_are_relayed_as_they_arrive(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="ANTHROPIC")
    fake_provider.script(Reply("a b c d e f g h", chunk_delay=0.05))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "slowly"})
    await _next_payload(socket, op)  # started
    first = await _next_payload(socket, op)
    assert first["__typename"] == "ReplyDelta"
    # The provider is still sending: nothing was buffered until the end.
    request = fake_provider.requests[0]
    assert not request.completed
    assert request.deltas_sent < 8
    await socket.close()


async def test_completing_the_subscription_only_detaches_and_the_reply_runs_on(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="OPENAI")
    words = " ".join(f"w{i}" for i in range(40))
    fake_provider.script(Reply(words, chunk_delay=0.01))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "long answer please"})
    reply_id = (await _next_payload(socket, op))["assistantMessageId"]
    for _ in range(3):
        await _next_payload(socket, op)

    await socket.complete(op)
    # The provider request was not cancelled: the whole reply is stored.
    row = await _wait_for_status(server, reply_id, "COMPLETE")
    assert row["content"] == words
    assert fake_provider.requests[0].completed
    assert fake_provider.requests[0].deltas_sent == 40

    # The socket stays usable.
    fake_provider.script(Reply("still here"))
    op2 = await socket.subscribe(GENERATE, {"id": cid, "content": "again"})
    assert (await _next_payload(socket, op2))["__typename"] == "ReplyStarted"
    await socket.close()


async def test_disconnecting_mid_stream_leaves_the_reply_running(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="GEMINI")
    words = " ".join(f"w{i}" for i in range(30))
    fake_provider.script(Reply(words, chunk_delay=0.01))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "long answer please"})
    reply_id = (await _next_payload(socket, op))["assistantMessageId"]
    await _next_payload(socket, op)
    await socket.close()

    row = await _wait_for_status(server, reply_id, "COMPLETE")
    assert row["content"] == words


async def test_demo_provider_streams_over_the_socket(
    server: LiveServer, client: GraphQLClient
) -> None:
    socket, _, cid = await _open(server, client)
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "Hello demo"})
    assert (await _next_payload(socket, op))["__typename"] == "ReplyStarted"
    deltas = 0
    while (event := await _next_payload(socket, op))["__typename"] == "ReplyDelta":
        deltas += 1
    assert deltas > 5
    assert event["__typename"] == "ReplyCompleted"
    assert "demo" in event["message"]["content"].lower()
    await socket.close()


async def test_failure_mid_stream_is_reported_and_the_partial_text_kept(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="OPENAI")
    fake_provider.script(Reply("alpha beta gamma delta", fail_after=2))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "go"})
    await _next_payload(socket, op)
    events = [await _next_payload(socket, op)]
    while events[-1]["__typename"] == "ReplyDelta":
        events.append(await _next_payload(socket, op))
    failed = events[-1]
    assert failed["__typename"] == "ReplyFailed"
    assert failed["code"] == "PROVIDER_ERROR"
    assert failed["message"]["status"] == "FAILED"
    assert failed["message"]["content"] == "alpha beta "
    assert failed["error"] == failed["message"]["metadata"]["error"]
    # Once a delta went out, a retry would repeat text: exactly one attempt.
    assert len(fake_provider.requests) == 1
    await socket.close()


async def test_failure_before_the_first_delta_is_retried(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await _open(server, client, aiProvider="ANTHROPIC")
    fake_provider.script(ErrorReply(529), Reply("recovered"))
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "go"})
    events = [await _next_payload(socket, op) for _ in range(3)]
    assert [e["__typename"] for e in events] == ["ReplyStarted", "ReplyDelta", "ReplyCompleted"]
    assert events[2]["message"]["content"] == "recovered"
    assert len(fake_provider.requests) == 2
    await socket.close()


async def test_another_users_conversation_is_forbidden_and_nothing_is_stored(
    server: LiveServer, client: GraphQLClient
) -> None:
    owner = (await client.register(email="owner@example.com"))["accessToken"]
    cid = (await create_conversation(client, owner))["id"]
    intruder = (await client.register(email="intruder@example.com"))["accessToken"]
    socket = await Socket.open(server.ws_url, token=intruder)
    await socket.ack()
    op = await socket.subscribe(GENERATE, {"id": cid, "content": "let me in"})
    message = await socket.receive()
    assert message["id"] == op
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
    async with server.state.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM messages"))).scalar_one() == 0
    await socket.close()


async def test_anonymous_subscription_is_unauthenticated(server: LiveServer) -> None:
    socket = await Socket.open(server.ws_url)
    await socket.ack()
    await socket.subscribe(GENERATE, {"id": str(uuid.uuid4()), "content": "hi"})
    message = await socket.receive()
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    await socket.close()
