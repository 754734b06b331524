"""Durable replies on one process: replay with `after`, client request ids, stop, expiry,
ownership, bounded followers and the reaper."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import text

from parley.chat.durable_replies import DurableReplies
from parley.chat.reply_jobs import lease_key
from parley.chat.reply_log import EventKind, LogEvent, stream_key
from parley.chat.reply_reader import MAX_PENDING, Follower
from parley.main import create_app
from tests.chat.documents import GENERATE_DURABLE, REPLY_EVENTS, STOP, create_conversation
from tests.chat.reply_streams import (
    delta_text,
    error_codes,
    events_until_final,
    next_event,
    seqs,
    signed_in,
)
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings


def _replies(server: LiveServer) -> DurableReplies:
    replies: DurableReplies = server.app.state.replies
    return replies


async def _row(server: LiveServer, message_id: str) -> dict[str, Any]:
    async with server.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT content, status, error, final_seq FROM messages WHERE id = :id"),
                {"id": uuid.UUID(message_id)},
            )
        ).one()
    return dict(row._mapping)


async def test_events_carry_seq_and_a_reconnect_with_after_gets_each_character_once(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, token, cid = await signed_in(server, client)
    words = " ".join(f"w{i}" for i in range(30))
    fake_provider.script(Reply(words, chunk_delay=0.01))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "count"})
    first = [await next_event(socket, op) for _ in range(6)]
    assert seqs(first) == [0, 1, 2, 3, 4, 5]
    reply_id = first[0]["assistantMessageId"]
    await socket.close()  # a dropped socket

    again = await Socket.open(server.ws_url, token=token)
    await again.ack()
    op = await again.subscribe(REPLY_EVENTS, {"id": reply_id, "after": 5})
    rest = await events_until_final(again, op)
    assert rest[0]["seq"] == 6
    assert all(b > a for a, b in zip(seqs(rest), seqs(rest)[1:], strict=False))
    assert delta_text(first) + delta_text(rest) == words
    final = rest[-1]
    assert final["__typename"] == "ReplyCompleted"
    assert final["seq"] == 31
    assert final["message"]["content"] == words
    assert (await _row(server, reply_id))["final_seq"] == 31
    await again.close()


async def test_a_client_request_id_used_twice_makes_one_provider_call(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, token, cid = await signed_in(server, client)
    retry = await Socket.open(server.ws_url, token=token)  # a second tab, or a retry
    await retry.ack()
    words = " ".join(f"w{i}" for i in range(20))
    fake_provider.script(Reply(words, chunk_delay=0.01))
    variables = {"id": cid, "content": "once", "requestId": "req-1"}
    one = await socket.subscribe(GENERATE_DURABLE, variables)
    two = await retry.subscribe(GENERATE_DURABLE, variables)
    first = await events_until_final(socket, one)
    second = await events_until_final(retry, two)
    await retry.close()

    assert len(fake_provider.requests) == 1
    assert first[0]["assistantMessageId"] == second[0]["assistantMessageId"]
    assert delta_text(first) == delta_text(second) == words
    assert second[-1]["message"]["content"] == words

    async with server.state.engine.connect() as conn:
        count = await conn.scalar(text("SELECT count(*) FROM messages"))
    assert count == 2  # one user message, one reply

    bad = await socket.subscribe(GENERATE_DURABLE, {**variables, "requestId": "x" * 65})
    assert await error_codes(socket, bad) == ["BAD_USER_INPUT"]
    assert len(fake_provider.requests) == 1
    await socket.close()


async def test_stop_reply_stores_the_text_so_far_and_ends_every_follower(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, token, cid = await signed_in(server, client)
    fake_provider.script(Reply(" ".join(f"w{i}" for i in range(300)), chunk_delay=0.02))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "long"})
    reply_id = (await next_event(socket, op))["assistantMessageId"]
    await next_event(socket, op)

    stopped = await client(STOP, {"id": reply_id}, token=token)
    assert not stopped.errors, stopped.errors
    message = stopped.data["stopReply"]
    assert message["status"] == "STOPPED"
    assert message["content"].startswith("w0")
    await fake_provider.wait_for_disconnect()
    assert fake_provider.requests[0].deltas_sent < 300

    rest = await events_until_final(socket, op)
    assert rest[-1]["__typename"] == "ReplyCompleted"
    assert rest[-1]["message"]["status"] == "STOPPED"
    assert rest[-1]["message"]["content"] == message["content"]
    # Stopping a finished reply returns it as stored.
    again = await client(STOP, {"id": reply_id}, token=token)
    assert again.data["stopReply"] == message
    await socket.close()


async def test_another_users_reply_is_not_found(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await signed_in(server, client)
    fake_provider.script(Reply("mine"))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "hi"})
    reply_id = (await events_until_final(socket, op))[0]["assistantMessageId"]
    await socket.close()

    stranger = (await client.register(email="eve@example.com"))["accessToken"]
    theirs = await Socket.open(server.ws_url, token=stranger)
    await theirs.ack()
    op = await theirs.subscribe(REPLY_EVENTS, {"id": reply_id})
    assert await error_codes(theirs, op) == ["NOT_FOUND"]
    stop = await client(STOP, {"id": reply_id}, token=stranger)
    assert stop.codes == ["NOT_FOUND"]
    await theirs.close()


async def test_an_expired_stream_is_answered_with_the_final_event_from_the_database(
    database: str, fake_provider: FakeProviderServer, redis: Redis, client: GraphQLClient
) -> None:
    short = LiveServer(create_app(make_settings(fake_provider, reply_events_ttl_seconds=1)))
    await short.start()
    try:
        token = (await client.register())["accessToken"]
        cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
        socket = await Socket.open(short.ws_url, token=token)
        await socket.ack()
        fake_provider.script(Reply("one two three", chunks=3))
        op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "hi"})
        events = await events_until_final(socket, op)
        reply_id = events[0]["assistantMessageId"]
        assert seqs(events) == [0, 1, 2, 3, 4]
        for _ in range(300):
            if not await redis.exists(stream_key(reply_id)):
                break
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the reply's stream never expired")

        op = await socket.subscribe(REPLY_EVENTS, {"id": reply_id, "after": 1})
        replayed = await events_until_final(socket, op)
        assert [(e["__typename"], e["seq"]) for e in replayed] == [("ReplyCompleted", 4)]
        assert replayed[0]["message"]["content"] == "one two three"
        await socket.close()
    finally:
        await short.stop()


async def test_a_slow_follower_gets_merged_deltas_in_a_bounded_mailbox(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    socket, _, cid = await signed_in(server, client)
    text_ = "".join(f"{i % 10}" for i in range(500))
    fake_provider.script(Reply(text_, chunks=500, chunk_delay=0.0))
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "fast"})
    reply_id = uuid.UUID((await next_event(socket, op))["assistantMessageId"])

    # A follower that reads nothing until the reply ended.
    follower = Follower(after=0)
    job = _replies(server).jobs.local(reply_id)
    assert job is not None
    job.attach(follower)
    await job.done.wait()
    received: list[LogEvent] = []
    while not received or received[-1].kind is not EventKind.ENDED:
        received.append(await follower.next())
    job.detach(follower)

    deltas = [e for e in received if e.kind is EventKind.DELTA]
    assert len(received) <= MAX_PENDING + 1
    assert follower.merged >= 500 - MAX_PENDING
    assert "".join(e.text for e in deltas) == text_
    assert deltas[-1].seq == 500
    assert received[-1].seq == 501
    await events_until_final(socket, op)
    await socket.close()


async def test_the_reaper_fails_a_reply_nobody_holds_with_the_text_its_stream_kept(
    server: LiveServer, client: GraphQLClient, redis: Redis
) -> None:
    token = (await client.register())["accessToken"]
    abandoned, held = uuid.uuid4(), uuid.uuid4()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    async with server.state.engine.begin() as conn:
        for message_id in (abandoned, held):
            # One conversation each: a conversation runs one reply at a time.
            cid = uuid.UUID((await create_conversation(client, token))["id"])
            await conn.execute(
                text(
                    "INSERT INTO messages (id, conversation_id, role, content, status, created_at)"
                    " VALUES (:id, :cid, 'ASSISTANT', '', 'STREAMING', :at)"
                ),
                {"id": message_id, "cid": cid, "at": long_ago},
            )
    for message_id in (abandoned, held):
        await redis.xadd(stream_key(message_id), {"k": "started", "u": str(uuid.uuid4())}, id="0-1")
        await redis.xadd(stream_key(message_id), {"k": "delta", "t": "half "}, id="1-1")
        await redis.xadd(stream_key(message_id), {"k": "delta", "t": "a reply"}, id="2-1")
    await redis.set(lease_key(held), "another-process", px=60_000)

    assert await _replies(server).reaper.reap() == 1
    row = await _row(server, str(abandoned))
    assert (row["status"], row["content"], row["final_seq"]) == ("FAILED", "half a reply", 3)
    assert row["error"]
    assert (await _row(server, str(held)))["status"] == "STREAMING"
    last = await server.state.redis.xrevrange(stream_key(abandoned), count=1)
    assert last is not None
    entry_id, fields = last[0]
    assert entry_id == "3-1"
    assert fields is not None
    assert fields["k"] == "ended"
    assert await redis.ttl(stream_key(abandoned)) > 0
    # Once finalized, nothing is left to reap.
    assert await _replies(server).reaper.reap() == 0


async def test_a_process_shutting_down_refuses_new_replies_with_a_code(
    database: str, fake_provider: FakeProviderServer, client: GraphQLClient
) -> None:
    live = LiveServer(create_app(make_settings(fake_provider)))
    await live.start()
    try:
        token = (await client.register())["accessToken"]
        cid = (await create_conversation(client, token))["id"]
        socket = await Socket.open(live.ws_url, token=token)
        await socket.ack()
        # What the lifespan runs on SIGTERM, while this socket is still open.
        await _replies(live).shutdown(0)
        op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "hi"})
        assert await error_codes(socket, op) == ["UNAVAILABLE"]
        async with live.state.engine.connect() as conn:
            assert await conn.scalar(text("SELECT count(*) FROM messages")) == 0
        await socket.close()
    finally:
        await live.stop()
