"""Sockets of one account: capped across processes (counted in Redis), their operations capped
with a coded error, and their running streams ended once their session is revoked."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from parley.graphql.socket_limits import operations_key, sockets_key
from tests.chat.documents import GENERATE_DURABLE, REPLY_EVENTS, STOP, create_conversation
from tests.chat.reply_streams import next_event
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.events import EVENTS
from tests.support.graphql import GraphQLClient, Socket
from tests.support.processes import ApiProcess
from tests.support.servers import LiveServer

LOGOUT = "mutation { logout }"
LOGIN = "mutation L($input: LoginInput!) { login(input: $input) { accessToken } }"
# Generous: the watcher checks every WS_CHECK_SECONDS (3 s here); a busy machine is slower.
ENDED_WITHIN = 30.0


async def _acked(ws_url: str, token: str) -> Socket:
    socket = await Socket.open(ws_url, token=token)
    await socket.ack()
    return socket


async def _refusal(ws_url: str, token: str) -> ConnectionClosed:
    socket = await Socket.open(ws_url, token=token)
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(socket.receive(), timeout=15)
    return closed.value


async def _acked_eventually(ws_url: str, token: str, tries: int = 200) -> Socket:
    """A socket, once the server has freed a slot (it learns of a close a moment later)."""
    for _ in range(tries):
        socket = await Socket.open(ws_url, token=token)
        try:
            await socket.ack()
            return socket
        except ConnectionClosed:
            await asyncio.sleep(0.1)
    raise AssertionError("no slot was freed")


async def _frames_until_pong(socket: Socket) -> list[dict[str, Any]]:
    """What the server sends until it answers a ping: it has then handled every frame sent
    before the ping."""
    await socket.send({"type": "ping"})
    frames = []
    while (message := await asyncio.wait_for(socket.receive(), timeout=15))["type"] != "pong":
        frames.append(message)
    return frames


async def _settled(socket: Socket) -> None:
    await _frames_until_pong(socket)


async def _ending(socket: Socket, op_id: str, timeout: float = ENDED_WITHIN) -> dict[str, Any]:
    """The message that ends `op_id` (an error, or the complete after a final event)."""
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=timeout)
        if message.get("id") == op_id and message["type"] in ("error", "complete"):
            return message


def _codes(message: dict[str, Any]) -> list[str]:
    assert message["type"] == "error", message
    return [e["extensions"]["code"] for e in message["payload"]]


async def test_the_twenty_first_socket_of_a_user_is_refused_across_two_processes_and_a_closed_one_frees_its_slot(  # noqa: E501
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    async with ApiProcess(fake_provider) as other:
        sockets = [await _acked(server.ws_url, token) for _ in range(10)]
        sockets += [await _acked(other.ws_url, token) for _ in range(10)]

        for ws_url in (server.ws_url, other.ws_url):
            closed = await _refusal(ws_url, token)
            assert closed.rcvd is not None
            assert (closed.rcvd.code, closed.rcvd.reason) == (
                4429,
                "Too many open sockets for this account (at most 20).",
            )
        # Another account is not affected.
        someone = (await client.register(email="grace@example.com"))["accessToken"]
        await (await _acked(other.ws_url, someone)).close()

        # A socket closed on one process frees a slot the other process can give out.
        await sockets.pop().close()
        sockets.append(await _acked_eventually(server.ws_url, token))
        for socket in sockets:
            await socket.close()


async def test_the_slots_of_a_process_that_died_free_by_themselves(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    # Its slots last 4 x 0.5 s unrenewed.
    async with ApiProcess(fake_provider, ws_check_seconds=0.5) as doomed:
        held = [await _acked(doomed.ws_url, token) for _ in range(20)]
        closed = await _refusal(server.ws_url, token)
        assert closed.rcvd is not None
        assert closed.rcvd.code == 4429
        doomed.kill()
        await doomed.wait()
        # Their process is gone: nobody told the server they closed.
        await asyncio.gather(*(socket.close() for socket in held))
    socket = await _acked_eventually(server.ws_url, token)
    await socket.close()


async def test_the_hundred_and_first_operation_of_a_user_gets_a_coded_error(
    server: LiveServer, client: GraphQLClient
) -> None:
    token = (await client.register())["accessToken"]
    sockets = [await _acked(server.ws_url, token) for _ in range(3)]
    for socket in sockets[:2]:
        for _ in range(50):
            await socket.subscribe(EVENTS)
        await _settled(socket)

    op = await sockets[2].subscribe(EVENTS)
    message = await _ending(sockets[2], op, timeout=15)
    assert message["payload"] == [
        {
            "message": "Subscription limit reached: at most 100 running operations per "
            "account; complete one first.",
            "extensions": {"code": "RATE_LIMITED", "limit": 100},
        }
    ]

    # Completing one frees its slot for the next (the server frees it a moment later).
    await sockets[0].complete("1")
    for _ in range(200):
        if await _admitted(sockets[2], await sockets[2].subscribe(EVENTS)):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the completed operation's slot was never freed")
    for socket in sockets:
        await socket.close()


async def _admitted(socket: Socket, op_id: str) -> bool:
    """Whether `op_id` runs: a refused one has had its error before the next pong."""
    return all(m.get("id") != op_id for m in await _frames_until_pong(socket))


async def test_the_fifty_first_operation_on_one_socket_gets_a_coded_error(
    server: LiveServer, client: GraphQLClient
) -> None:
    token = (await client.register())["accessToken"]
    socket = await _acked(server.ws_url, token)
    for _ in range(50):
        await socket.subscribe(EVENTS)
    op = await socket.subscribe(EVENTS)
    message = await _ending(socket, op, timeout=15)
    assert _codes(message) == ["RATE_LIMITED"]
    assert message["payload"][0]["extensions"]["limit"] == 50
    await socket.close()


async def test_a_closed_socket_leaves_nothing_counted(
    server: LiveServer, client: GraphQLClient
) -> None:
    payload = await client.register()
    socket = await _acked(server.ws_url, payload["accessToken"])
    for _ in range(3):
        await socket.subscribe(EVENTS)
    await _settled(socket)
    redis = server.state.redis
    user = uuid.UUID(payload["user"]["id"])
    assert await redis.zcard(sockets_key(user)) == 1
    assert await redis.zcard(operations_key(user)) == 3
    await socket.close()
    for _ in range(200):
        if not await redis.exists(sockets_key(user), operations_key(user)):
            break
        await asyncio.sleep(0.05)
    assert await redis.zcard(sockets_key(user)) == 0
    assert await redis.zcard(operations_key(user)) == 0


async def test_logging_out_on_http_ends_a_quiet_conversation_events_subscription(
    server: LiveServer, client: GraphQLClient
) -> None:
    token = (await client.register())["accessToken"]
    socket = await _acked(server.ws_url, token)
    op = await socket.subscribe(EVENTS)
    await _settled(socket)
    assert (await client(LOGOUT, token=token)).data == {"logout": True}
    # No event arrives on the channel: the socket's watcher ends it.
    assert _codes(await _ending(socket, op)) == ["UNAUTHENTICATED"]
    await socket.close()


async def test_logging_out_on_http_ends_a_running_reply_and_its_follower(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    # Long enough to be running still when the watcher looks (it is stopped below).
    fake_provider.script(Reply(" ".join(f"w{i}" for i in range(600)), chunk_delay=0.1))
    author = await _acked(server.ws_url, token)
    generating = await author.subscribe(GENERATE_DURABLE, {"id": cid, "content": "count"})
    started = await next_event(author, generating)
    reply_id = started["assistantMessageId"]
    follower = await _acked(server.ws_url, token)
    following = await follower.subscribe(REPLY_EVENTS, {"id": reply_id})
    assert (await next_event(follower, following))["__typename"] == "ReplyStarted"

    assert (await client(LOGOUT, token=token)).data == {"logout": True}

    assert _codes(await _ending(author, generating)) == ["UNAUTHENTICATED"]
    assert _codes(await _ending(follower, following)) == ["UNAUTHENTICATED"]
    # Nothing more is delivered for either operation.
    assert all(m.get("id") != generating for m in await _frames_until_pong(author))
    assert all(m.get("id") != following for m in await _frames_until_pong(follower))

    # Another session of the same account may still stop the reply (it outlives the sockets).
    credentials = {"email": "ada@example.com", "password": "correct horse"}
    again = await client(LOGIN, {"input": credentials})
    stopped = await client(STOP, {"id": reply_id}, token=again.data["login"]["accessToken"])
    assert not stopped.errors, stopped.errors
    await author.close()
    await follower.close()
