"""One running reply per conversation: while a reply streams, a new message, an edit or a
regeneration in that conversation answers CONFLICT naming the running reply, from the same
process or another (the database settles races); other conversations are not held up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from tests.chat.branches import EDIT, REGENERATE, turn
from tests.chat.documents import GENERATE_DURABLE, STOP, create_conversation
from tests.chat.reply_streams import events_until_final, next_event
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.processes import ApiProcess
from tests.support.servers import LiveServer

SLOW = Reply(" ".join(f"w{i}" for i in range(300)), chunk_delay=0.02)


async def refusal(socket: Socket, op_id: str, timeout: float = 15) -> dict[str, Any]:
    """The one error that ends `op_id` (failing if an event comes instead)."""
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=timeout)
        if message.get("id") != op_id:
            continue
        assert message["type"] in ("error", "next"), message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert len(errors) == 1, errors
        error: dict[str, Any] = errors[0]
        return error


@pytest.fixture
async def signed_in(server: LiveServer, client: GraphQLClient) -> AsyncIterator[tuple[Socket, str]]:
    token = (await client.register())["accessToken"]
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    yield socket, token
    await socket.close()


async def test_while_a_reply_runs_every_way_of_starting_another_is_a_conflict(
    client: GraphQLClient, signed_in: tuple[Socket, str], fake_provider: FakeProviderServer
) -> None:
    socket, token = signed_in
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply("first answer"))
    _, first_reply = await turn(socket, cid, "first question")

    fake_provider.script(SLOW, Reply("after the conflict"))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "second"})
    running = (await next_event(socket, op))["assistantMessageId"]

    attempts = [
        (GENERATE_DURABLE, {"id": cid, "content": "from another tab"}),
        (EDIT, {"id": cid, "content": "an edit of the first", "parentId": cid}),
        (REGENERATE, {"id": first_reply}),
    ]
    for document, variables in attempts:
        refused = await refusal(socket, await socket.subscribe(document, variables))
        assert refused["extensions"]["code"] == "CONFLICT", refused
        assert refused["extensions"]["runningMessageId"] == running
        assert "already running" in refused["message"]
    # Nothing was stored for the refused attempts, and only one provider call was made.
    assert len(fake_provider.requests) == 2

    stopped = await client(STOP, {"id": running}, token=token)
    assert stopped.data["stopReply"]["status"] == "STOPPED"
    await events_until_final(socket, op)
    _, later = await turn(socket, cid, "once it ended")
    assert later


async def test_other_conversations_are_not_held_up(
    client: GraphQLClient, signed_in: tuple[Socket, str], fake_provider: FakeProviderServer
) -> None:
    socket, token = signed_in
    busy = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    idle = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(SLOW, Reply("meanwhile"))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": busy, "content": "long"})
    await next_event(socket, op)
    _, reply = await turn(socket, idle, "short")
    assert reply


async def test_the_database_holds_one_streaming_message_per_conversation(
    database: str, client: GraphQLClient, signed_in: tuple[Socket, str]
) -> None:
    _, token = signed_in
    cid = (await create_conversation(client, token))["id"]
    conn = await asyncpg.connect(database)
    try:
        insert = (
            "INSERT INTO messages (id, conversation_id, role, content, status, created_at)"
            " VALUES (gen_random_uuid(), $1::uuid, 'ASSISTANT', '', $2, now())"
        )
        await conn.execute(insert, cid, "STREAMING")
        await conn.execute(insert, cid, "COMPLETE")
        with pytest.raises(asyncpg.UniqueViolationError, match="ux_messages_one_running"):
            await conn.execute(insert, cid, "STREAMING")
    finally:
        await conn.close()


async def test_two_processes_starting_at_once_run_one_reply(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    """Both processes pass their own check before either has written: the unique index lets
    one insert through and the other answers CONFLICT with the winner's id."""
    async with ApiProcess(fake_provider) as one, ApiProcess(fake_provider) as two:
        token = (await client.register())["accessToken"]
        sockets = [await Socket.open(p.ws_url, token=token) for p in (one, two)]
        for socket in sockets:
            await socket.ack()
        for round_ in range(5):
            cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
            fake_provider.script(SLOW, SLOW)
            ops = await asyncio.gather(
                *(
                    s.subscribe(GENERATE_DURABLE, {"id": cid, "content": f"race {round_}"})
                    for s in sockets
                )
            )
            outcomes = await asyncio.gather(
                *(_first_outcome(s, op) for s, op in zip(sockets, ops, strict=True))
            )
            started = [o for o in outcomes if o.get("__typename") == "ReplyStarted"]
            refused = [o for o in outcomes if "extensions" in o]
            assert len(started) == 1, outcomes
            assert len(refused) == 1, outcomes
            assert refused[0]["extensions"]["code"] == "CONFLICT"
            assert (
                refused[0]["extensions"]["runningMessageId"] == (started[0]["assistantMessageId"])
            )
            await client(STOP, {"id": started[0]["assistantMessageId"]}, token=token)
        for socket in sockets:
            await socket.close()


async def _first_outcome(socket: Socket, op_id: str) -> dict[str, Any]:
    """The first event of `op_id`, or its error."""
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=30)
        if message.get("id") != op_id:
            continue
        if message["type"] == "error":
            error: dict[str, Any] = message["payload"][0]
            return error
        payload = message["payload"]
        if payload.get("errors"):
            first: dict[str, Any] = payload["errors"][0]
            return first
        event: dict[str, Any] = next(iter(payload["data"].values()))
        return event
