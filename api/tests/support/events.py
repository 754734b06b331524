"""conversationEvents as tests use it: a tab following it, and waiting until Redis says a
user's channel has its listeners."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis

from parley.changes import user_channel
from tests.support.graphql import Socket
from tests.support.servers import LiveServer

EVENTS = """
subscription {
  conversationEvents {
    __typename
    ... on ConversationChanged {
      conversation { id title messageCount lastMessage { id role status } }
    }
    ... on ConversationDeleted { id }
    ... on ReplyRunning { conversationId assistantMessageId }
  }
}
"""
STARTED = """
subscription Generate($id: ID!, $content: String!) {
  generateReply(conversationId: $id, content: $content) {
    __typename
    ... on ReplyStarted { assistantMessageId }
  }
}
"""

STOP = "mutation Stop($id: ID!) { stopReply(messageId: $id) { id status } }"


async def listeners_of(redis: Redis, user_id: str) -> int:
    """Subscribers of the user's channel, across every process (one per listening process)."""
    [(_, count)] = await redis.pubsub_numsub(user_channel(user_id))
    return int(count)


async def wait_for_listeners(redis: Redis, user_id: str, count: int, tries: int = 1000) -> None:
    # The subscription goes live inside the server after the socket's `subscribe`: wait for
    # Redis to say so, or a change made meanwhile would be missed by the test, not the app.
    for _ in range(tries):
        if await listeners_of(redis, user_id) == count:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"{user_id} never had {count} channel subscribers")


async def connections_named(redis: Redis, name: str) -> int:
    return sum(1 for c in await redis.client_list() if c.get("name") == name)


class Tab:
    """One browser tab: a socket following conversationEvents."""

    def __init__(self, socket: Socket, op: str) -> None:
        self.socket, self.op = socket, op

    @classmethod
    async def open(cls, live: LiveServer, token: str) -> Tab:
        return await cls.open_url(live.ws_url, token)

    @classmethod
    async def open_url(cls, ws_url: str, token: str) -> Tab:
        socket = await Socket.open(ws_url, token=token)
        await socket.ack()
        return cls(socket, await socket.subscribe(EVENTS))

    async def next(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.socket.receive(), timeout=10)
        assert message["id"] == self.op, message
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        event: dict[str, Any] = message["payload"]["data"]["conversationEvents"]
        return event

    async def next_message(self) -> dict[str, Any]:
        message: dict[str, Any] = await asyncio.wait_for(self.socket.receive(), timeout=10)
        return message

    async def close(self) -> None:
        await self.socket.close()
