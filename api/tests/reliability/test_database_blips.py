"""PostgreSQL cut off from the app for a moment (through a TCP proxy in the test) and back: a
reply that ends meanwhile is stored as it streamed, its follower gets the real final event,
and requests that need the database answer UNAVAILABLE rather than a masked internal error."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import text

from parley.main import create_app
from tests.chat.documents import CREATE, GENERATE_DURABLE, create_conversation
from tests.chat.reply_streams import delta_text, events_until_final, next_event, seqs
from tests.fakes.provider_server import FakeProviderServer, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, make_settings
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
async def proxy(database: str) -> AsyncIterator[TcpProxy]:
    target = urlsplit(database)
    tcp = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await tcp.start()
    yield tcp
    await tcp.stop()


@pytest.fixture
async def proxied(
    server: LiveServer, database: str, fake_provider: FakeProviderServer, proxy: TcpProxy
) -> AsyncIterator[LiveServer]:
    """An API process whose every database connection goes through `proxy`."""
    parts = urlsplit(database)
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}" if parts.username else None
    url = urlunsplit(parts._replace(netloc=netloc or f"127.0.0.1:{proxy.port}"))
    live = LiveServer(create_app(make_settings(fake_provider, database_url=url)))
    await live.start()
    yield live
    await live.stop()


async def _wait_for(condition: Callable[[], bool], what: str, tries: int = 400) -> None:
    for _ in range(tries):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never happened: {what}")


async def test_a_reply_that_ends_while_the_database_is_cut_is_stored_complete_once_it_heals(
    server: LiveServer, proxied: LiveServer, proxy: TcpProxy, fake_provider: FakeProviderServer
) -> None:
    async with GraphQLClient(proxied.url) as client:
        token = (await client.register())["accessToken"]
        cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
        socket = await Socket.open(proxied.ws_url, token=token)
        await socket.ack()
        words = " ".join(f"w{i}" for i in range(40))
        fake_provider.script(Reply(words, chunk_delay=0.02))
        op = await socket.subscribe(GENERATE_DURABLE, {"id": cid, "content": "through a blip"})
        head = [await next_event(socket, op) for _ in range(3)]
        reply_id = head[0]["assistantMessageId"]

        await proxy.cut()
        # Every chunk streams meanwhile; the closing write then meets the cut, more than once.
        await _wait_for(lambda: proxy.refused >= 3, "the closing write retried during the cut")
        # A request that needs the database is told to retry later, naming nothing inside.
        during = await client(CREATE, {"input": {}}, token=token)
        assert [e["extensions"]["code"] for e in during.errors] == ["UNAVAILABLE"], during.errors
        assert "127.0.0.1" not in str(during.errors)
        await proxy.heal()

        events = head + await events_until_final(socket, op, timeout=30)
        await socket.close()
    assert seqs(events) == list(range(42))
    final = events[-1]
    assert final["__typename"] == "ReplyCompleted", final
    assert final["message"]["content"] == words
    assert delta_text(events) == words
    async with server.state.engine.connect() as conn:
        stored = (
            await conn.execute(
                text("SELECT status, content, final_seq FROM messages WHERE id = :id"),
                {"id": uuid.UUID(reply_id)},
            )
        ).one()
    assert tuple(stored) == ("COMPLETE", words, 41)


async def test_with_the_database_cut_a_query_answers_unavailable_and_works_once_healed(
    proxied: LiveServer, proxy: TcpProxy
) -> None:
    async with GraphQLClient(proxied.url) as client:
        token = (await client.register())["accessToken"]
        await proxy.cut()
        query = "{ conversations { totalCount } }"
        during = await client(query, token=token)
        assert [e["extensions"]["code"] for e in during.errors] == ["UNAVAILABLE"], during.errors
        assert during.errors[0]["message"].startswith("A service this server needs")
        await proxy.heal()
        after = await client(query, token=token)
        assert not after.errors, after.errors
        assert after.data["conversations"]["totalCount"] == 0
