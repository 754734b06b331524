"""Reading reply events off a socket, for the durable-reply tests."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.chat.documents import create_conversation
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer

FINAL = ("ReplyCompleted", "ReplyFailed")


async def signed_in(live: LiveServer, client: GraphQLClient) -> tuple[Socket, str, str]:
    """A new user's acknowledged socket, token, and a conversation answered by the fake
    provider (as OpenAI)."""
    token = (await client.register())["accessToken"]
    cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
    socket = await Socket.open(live.ws_url, token=token)
    await socket.ack()
    return socket, token, cid


async def next_event(socket: Socket, op_id: str, timeout: float = 15) -> dict[str, Any]:
    """The next event of `op_id` (failing on errors or an early complete)."""
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=timeout)
        if message.get("id") != op_id:
            continue
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        event: dict[str, Any] = next(iter(data.values()))
        return event


async def events_until_final(
    socket: Socket, op_id: str, timeout: float = 15
) -> list[dict[str, Any]]:
    events = []
    while True:
        event = await next_event(socket, op_id, timeout)
        events.append(event)
        if event["__typename"] in FINAL:
            return events


async def error_codes(socket: Socket, op_id: str, timeout: float = 15) -> list[str]:
    """The codes of the error that ends `op_id`."""
    while True:
        message = await asyncio.wait_for(socket.receive(), timeout=timeout)
        if message.get("id") != op_id:
            continue
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        return [e["extensions"]["code"] for e in errors]


def delta_text(events: list[dict[str, Any]]) -> str:
    return "".join(e["text"] for e in events if e["__typename"] == "ReplyDelta")


def seqs(events: list[dict[str, Any]]) -> list[int]:
    return [e["seq"] for e in events]
