"""Durable replies across two real API processes sharing PostgreSQL and Redis: follow on the
other process (with reconnects), stop from the other process, the owner killed (the other's
reaper finalizes), and the owner terminated (its reply completes within the grace period)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.chat.documents import GENERATE_DURABLE, REPLY_EVENTS, STOP, create_conversation
from tests.chat.reply_streams import delta_text, events_until_final, next_event, seqs
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.processes import ApiProcess
from tests.support.servers import LiveServer

LEASE_SECONDS = 2


@pytest.fixture
async def pair(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[tuple[ApiProcess, ApiProcess]]:
    # `server` empties the tables and the Redis db first; the processes share both.
    settings = {"reply_lease_seconds": LEASE_SECONDS, "shutdown_grace_seconds": 20}
    async with (
        ApiProcess(fake_provider, **settings) as one,
        ApiProcess(fake_provider, **settings) as two,
    ):
        yield one, two


async def _socket(process: ApiProcess, token: str) -> Socket:
    socket = await Socket.open(process.ws_url, token=token)
    await socket.ack()
    return socket


async def _start(
    client: GraphQLClient, process: ApiProcess, fake: FakeProviderServer, reply: Reply
) -> tuple[str, Socket, str, str]:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    fake.script(reply)
    socket = await _socket(process, token)
    op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "go"})
    reply_id = (await next_event(socket, op))["assistantMessageId"]
    return token, socket, op, reply_id


async def test_a_reply_started_on_one_process_is_followed_on_the_other_exactly_once(
    pair: tuple[ApiProcess, ApiProcess], client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    one, two = pair
    words = " ".join(f"w{i}" for i in range(120))
    token, owner, op, reply_id = await _start(
        client, one, fake_provider, Reply(words, chunk_delay=0.01)
    )

    seen: list[dict[str, object]] = []
    after: int | None = None
    # Follow on the other process, dropping the socket twice and coming back with `after`.
    for _ in range(2):
        follower = await _socket(two, token)
        follow = await follower.subscribe(REPLY_EVENTS, {"id": reply_id, "after": after})
        for _ in range(10):
            seen.append(await next_event(follower, follow))
        await follower.close()
        after = int(str(seen[-1]["seq"]))
    follower = await _socket(two, token)
    follow = await follower.subscribe(REPLY_EVENTS, {"id": reply_id, "after": after})
    seen += await events_until_final(follower, follow)
    await follower.close()

    numbers = seqs(seen)
    assert numbers[0] == 0
    assert numbers == sorted(set(numbers))  # in order, none twice
    assert delta_text(seen) == words  # every character exactly once
    assert seen[-1]["__typename"] == "ReplyCompleted"
    assert numbers[-1] == 121
    owner_events = await events_until_final(owner, op)
    assert delta_text(owner_events) == words
    await owner.close()


async def test_stop_on_the_other_process_reaches_the_owner(
    pair: tuple[ApiProcess, ApiProcess], client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    one, two = pair
    token, owner, op, reply_id = await _start(
        client,
        one,
        fake_provider,
        Reply(" ".join(f"w{i}" for i in range(400)), chunk_delay=0.02),
    )
    await next_event(owner, op)

    async with GraphQLClient(two.url) as other:
        stopped = await other(STOP, {"id": reply_id}, token=token)
    assert not stopped.errors, stopped.errors
    message = stopped.data["stopReply"]
    assert message["status"] == "STOPPED"
    assert message["content"].startswith("w0")
    await fake_provider.wait_for_disconnect()
    assert fake_provider.requests[0].deltas_sent < 400

    rest = await events_until_final(owner, op)
    assert rest[-1]["__typename"] == "ReplyCompleted"
    assert rest[-1]["message"] == {
        "id": reply_id,
        "content": message["content"],
        "status": "STOPPED",
    }
    await owner.close()


async def test_a_killed_owners_reply_is_failed_by_the_other_process_with_its_text(
    pair: tuple[ApiProcess, ApiProcess], client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    one, two = pair
    token, _, _, reply_id = await _start(
        client,
        one,
        fake_provider,
        Reply(" ".join(f"w{i}" for i in range(400)), chunk_delay=0.05),
    )
    follower = await _socket(two, token)
    follow = await follower.subscribe(REPLY_EVENTS, {"id": reply_id})
    seen = [await next_event(follower, follow) for _ in range(4)]

    one.kill()
    # Bounded by the lease (2 s) plus the reaper's interval, with room for a slow machine.
    seen += await events_until_final(follower, follow, timeout=LEASE_SECONDS * 10)
    final = seen[-1]
    assert final["__typename"] == "ReplyFailed"
    assert final["message"]["status"] == "FAILED"
    assert final["message"]["content"] == delta_text(seen)
    assert final["message"]["content"].startswith("w0 w1")
    assert final["seq"] == seqs(seen)[-2] + 1
    await follower.close()


async def test_a_terminated_owner_finishes_its_reply_and_takes_no_new_one(
    pair: tuple[ApiProcess, ApiProcess], client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    one, two = pair
    words = " ".join(f"w{i}" for i in range(40))
    token, _, _, reply_id = await _start(client, one, fake_provider, Reply(words, chunk_delay=0.05))
    follower = await _socket(two, token)
    follow = await follower.subscribe(REPLY_EVENTS, {"id": reply_id})
    await next_event(follower, follow)

    stopping = asyncio.create_task(one.terminate())
    seen = await events_until_final(follower, follow, timeout=30)
    assert seen[-1]["__typename"] == "ReplyCompleted"
    assert seen[-1]["message"]["status"] == "COMPLETE"
    assert seen[-1]["message"]["content"] == words
    assert fake_provider.requests[0].deltas_sent == 40

    # The terminating process takes no new replies (its socket is closed).
    with pytest.raises(ConnectionRefusedError):
        await Socket.open(one.ws_url, token=token)
    await stopping
    await follower.close()


async def test_following_past_the_end_on_the_other_process_gets_only_the_final_event(
    pair: tuple[ApiProcess, ApiProcess], client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    one, two = pair
    words = " ".join(f"w{i}" for i in range(60))
    token, owner, op, reply_id = await _start(
        client, one, fake_provider, Reply(words, chunk_delay=0.02)
    )
    # Through the other process's reader, while the reply still runs on the first.
    follower = await _socket(two, token)
    far = await follower.subscribe(REPLY_EVENTS, {"id": reply_id, "after": 500})
    ended = await events_until_final(follower, far)
    assert [(e["__typename"], e["seq"]) for e in ended] == [("ReplyCompleted", 61)]
    assert ended[0]["message"]["content"] == words
    assert (await asyncio.wait_for(follower.receive(), 15)) == {"id": far, "type": "complete"}
    await follower.close()
    await events_until_final(owner, op)
    await owner.close()
