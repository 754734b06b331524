"""Every reply holds a lease, whichever operation started it, and every follower ends: a
`sendMessage` reply outlives the lease time as COMPLETE, with no reaper failing it and no
second reply beside it; `replyEvents(after:)` at or past the final seq answers the final event."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from parley.chat.durable_replies import DurableReplies
from parley.main import create_app
from tests.chat.documents import GENERATE_DURABLE, REPLY_EVENTS, STOP, create_conversation, send
from tests.chat.reply_streams import (
    delta_text,
    error_codes,
    events_until_final,
    next_event,
    signed_in,
)
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings

LEASE_SECONDS = 2


@pytest.fixture
async def short_lease(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    """A process whose leases last two seconds (its reaper looks every second)."""
    live = LiveServer(create_app(make_settings(fake_provider, reply_lease_seconds=LEASE_SECONDS)))
    await live.start()
    yield live
    await live.stop()


async def _streaming_reply(live: LiveServer, conversation_id: str) -> str:
    """The id of the conversation's running reply, once it is stored."""
    for _ in range(400):
        async with live.state.engine.connect() as conn:
            found = await conn.scalar(
                text(
                    "SELECT id FROM messages WHERE conversation_id = :c"
                    " AND role = 'ASSISTANT' AND status = 'STREAMING'"
                ),
                {"c": uuid.UUID(conversation_id)},
            )
        if found is not None:
            return str(found)
        await asyncio.sleep(0.025)
    raise AssertionError("the reply never started")


async def test_a_send_message_reply_that_streams_past_the_lease_ends_complete_and_a_generate_reply_beside_it_is_a_conflict(  # noqa: E501
    short_lease: LiveServer, fake_provider: FakeProviderServer
) -> None:
    async with GraphQLClient(short_lease.url) as client:
        socket, token, cid = await signed_in(short_lease, client)
        # About three lease times long.
        words = " ".join(f"w{i}" for i in range(150))
        fake_provider.script(Reply(words, chunk_delay=0.04))
        sending = asyncio.create_task(send(client, token, cid, "a long one, please"))
        reply_id = await _streaming_reply(short_lease, cid)
        follower = await Socket.open(short_lease.ws_url, token=token)
        await follower.ack()
        follow = await follower.subscribe(REPLY_EVENTS, {"id": reply_id})

        # Past the lease time (and the reaper's rounds): the reply is still owned.
        await asyncio.sleep(LEASE_SECONDS * 1.5)
        replies: DurableReplies = short_lease.app.state.replies
        assert await replies.reaper.reap() == 0
        beside = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "me too"})
        assert await error_codes(socket, beside) == ["CONFLICT"]

        result = await sending
        followed = await events_until_final(follower, follow, timeout=30)
        await follower.close()
        await socket.close()
    assert not result.errors, result.errors
    reply = result.data["sendMessage"]["assistantMessage"]
    assert (reply["id"], reply["status"], reply["content"]) == (reply_id, "COMPLETE", words)
    assert followed[-1]["__typename"] == "ReplyCompleted"
    assert followed[-1]["message"]["content"] == words
    assert delta_text(followed) == words
    # One provider call: nothing ran beside the reply.
    assert len(fake_provider.requests) == 1


async def _final_after(socket: Socket, reply_id: str, after: int) -> list[dict[str, Any]]:
    """Every event `replyEvents(after:)` sends, up to its complete."""
    op = await socket.subscribe(REPLY_EVENTS, {"id": reply_id, "after": after})
    events: list[dict[str, Any]] = []
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=15)
        if message.get("id") != op:
            continue
        if message["type"] == "complete":
            return events
        assert message["type"] == "next", message
        events.append(message["payload"]["data"]["replyEvents"])


async def test_reply_events_after_the_final_seq_answers_the_final_event_and_completes(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await signed_in(server, client)
    fake_provider.script(Reply("one two three"))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "count"})
    events = await events_until_final(socket, op)
    reply_id, final = events[0]["assistantMessageId"], events[-1]
    assert final["seq"] == 4

    # The reply's events are still kept in Redis here; then, with them gone, from the row.
    for after in (4, 5, 1000):
        answered = await _final_after(socket, reply_id, after)
        assert [(e["__typename"], e["seq"]) for e in answered] == [("ReplyCompleted", 4)]
        assert answered[0]["message"]["content"] == "one two three"
    await server.state.redis.delete(f"reply:{reply_id}:events")
    answered = await _final_after(socket, reply_id, 1000)
    assert [(e["__typename"], e["seq"]) for e in answered] == [("ReplyCompleted", 4)]
    await socket.close()


async def test_reply_events_after_a_seq_past_a_running_reply_gets_only_its_final_event(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, token, cid = await signed_in(server, client)
    words = " ".join(f"w{i}" for i in range(20))
    fake_provider.script(Reply(words, chunk_delay=0.02))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "count"})
    reply_id = (await next_event(socket, op))["assistantMessageId"]
    other = await Socket.open(server.ws_url, token=token)
    await other.ack()
    answered = await _final_after(other, reply_id, 500)
    assert [(e["__typename"], e["seq"]) for e in answered] == [("ReplyCompleted", 21)]
    assert answered[0]["message"]["content"] == words
    await other.close()
    await events_until_final(socket, op)
    await socket.close()


async def test_a_send_message_reply_can_be_stopped_and_the_mutation_returns_it_stopped(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake_provider.script(Reply(" ".join(f"w{i}" for i in range(300)), chunk_delay=0.02))
    sending = asyncio.create_task(send(client, token, cid, "a long one"))
    reply_id = await _streaming_reply(server, cid)

    stopped = await client(STOP, {"id": reply_id}, token=token)

    assert not stopped.errors, stopped.errors
    assert stopped.data["stopReply"]["status"] == "STOPPED"
    result = await sending
    assert not result.errors, result.errors
    reply = result.data["sendMessage"]["assistantMessage"]
    assert (reply["id"], reply["status"]) == (reply_id, "STOPPED")
    assert reply["content"] == stopped.data["stopReply"]["content"]
