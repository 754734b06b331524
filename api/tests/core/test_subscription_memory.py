"""A subscription leaves nothing per event for the cycle collector: what graphql-core builds to
run one event is freed by reference counting when the event is sent (issue 17, item 7)."""

from __future__ import annotations

import asyncio
import collections
import gc
from collections.abc import Iterator

from tests.chat.documents import GENERATE, create_conversation
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer

DELTAS = 200


def _unreachable_graphql_objects() -> collections.Counter[str]:
    """What a full collection would free now, counted by graphql-core type."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = collections.Counter(
            type(obj).__qualname__
            for obj in gc.garbage
            if type(obj).__module__.startswith("graphql.")
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


class _CollectorOff:
    """No automatic collection while the stream runs: whatever it leaves in cycles stays
    countable, however busy the collector would have been."""

    def __enter__(self) -> None:
        gc.collect()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        gc.enable()


def _words(count: int) -> Iterator[str]:
    return (f"w{i}" for i in range(count))


async def test_a_long_reply_leaves_no_graphql_objects_per_delta_for_the_collector(
    server: LiveServer, client: GraphQLClient, fake_provider: FakeProviderServer
) -> None:
    token = (await client.register())["accessToken"]
    conversation = await create_conversation(client, token, aiProvider="OPENAI")
    socket = await Socket.open(server.ws_url, token=token)
    await socket.ack()
    # A pause per delta: each one is its own event, none coalesced with the next.
    fake_provider.script(Reply(" ".join(_words(DELTAS)), chunk_delay=0.002))

    with _CollectorOff():
        op = await socket.subscribe(GENERATE, {"id": conversation["id"], "content": "count"})
        kinds: collections.Counter[str] = collections.Counter()
        while True:
            message = await asyncio.wait_for(socket.receive(), timeout=30)
            assert message["id"] == op, message
            if message["type"] == "complete":
                break
            assert message["type"] == "next", message
            kinds[message["payload"]["data"]["generateReply"]["__typename"]] += 1
        await socket.close()
        # The socket's handler and the reply's closing writes finish after `complete`.
        await asyncio.sleep(0.5)
        leftovers = _unreachable_graphql_objects()

    assert kinds["ReplyDelta"] >= DELTAS // 2, kinds
    assert kinds["ReplyCompleted"] == 1, kinds
    # Before the fix: one memo entry per event, about 1 CollectedFields and 3 FieldDetails
    # each (over a thousand here); now none. The bound is what one executor could hold.
    per_event = leftovers["CollectedFields"] + leftovers["FieldDetails"]
    assert per_event <= 10, leftovers
