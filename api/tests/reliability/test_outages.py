"""Outages: Redis restarting under a running API, dropped database connections, hanging
providers, and abusive GraphQL, all without a restart or a 500."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from parley.main import create_app
from tests.chat.documents import GENERATE, GENERATE_DURABLE, LIST, create_conversation, send
from tests.chat.reply_streams import delta_text, events_until_final, seqs
from tests.fakes.provider_server import FakeProviderServer, Hang, Reply
from tests.support.graphql import GraphQLClient, Socket
from tests.support.servers import LiveServer, free_port, make_settings

LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }"
CREDENTIALS = {"i": {"email": "ada@example.com", "password": "correct horse"}}


class RedisProcess:
    """A Redis server of our own, so the test can stop and restart it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed for this test"
        self._process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )

    async def wait_ready(self) -> None:
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.02)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    redis = RedisProcess()
    redis.start()
    yield redis
    redis.stop()


async def test_redis_restart_is_survived_without_restarting_the_api(
    server: LiveServer, fake_provider: FakeProviderServer, own_redis: RedisProcess
) -> None:
    await own_redis.wait_ready()
    live = LiveServer(create_app(make_settings(fake_provider, redis_url=own_redis.url)))
    await live.start()
    try:
        async with GraphQLClient(live.url) as client:
            token = (await client.register(email="ada@example.com", password="correct horse"))[
                "accessToken"
            ]
            await create_conversation(client, token, title="Kept")

            own_redis.stop()
            # Signed-in reads keep working from the database (the cache is simply skipped).
            during = await client(LIST, token=token)
            assert during.data["conversations"]["totalCount"] == 1
            health = await client.http.get("/health_check")
            assert health.status_code == 503
            assert health.json()["redis"] == "down"
            # Signing in needs Redis: retry later, not a masked internal error.
            refused = await client(LOGIN, CREDENTIALS)
            assert [e["extensions"]["code"] for e in refused.errors] == ["UNAVAILABLE"]

            own_redis.start()
            await own_redis.wait_ready()
            # Sessions lived in the old Redis (it keeps nothing on disk here): sign in again.
            assert (await client.http.get("/health_check")).status_code == 200
            relogin = await client(LOGIN, CREDENTIALS)
            assert not relogin.errors, relogin.errors
            fresh = relogin.data["login"]["accessToken"]
            assert (await client(LIST, token=fresh)).data["conversations"]["totalCount"] == 1
    finally:
        await live.stop()


async def test_with_redis_down_a_reply_still_streams_to_its_socket_and_is_stored(
    server: LiveServer, fake_provider: FakeProviderServer, own_redis: RedisProcess
) -> None:
    await own_redis.wait_ready()
    live = LiveServer(create_app(make_settings(fake_provider, redis_url=own_redis.url)))
    await live.start()
    try:
        async with GraphQLClient(live.url) as client:
            token = (await client.register())["accessToken"]
            cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
            socket = await Socket.open(live.ws_url, token=token)
            await socket.ack()

            own_redis.stop()
            words = " ".join(f"w{i}" for i in range(20))
            fake_provider.script(Reply(words, chunk_delay=0.01))
            op = await socket.subscribe(
                GENERATE_DURABLE, {"id": cid, "content": "still there?", "requestId": "r1"}
            )
            events = await events_until_final(socket, op)
            assert seqs(events) == list(range(22))
            assert delta_text(events) == words
            assert events[-1]["message"]["status"] == "COMPLETE"
            assert events[-1]["message"]["content"] == words
            async with live.state.engine.connect() as conn:
                stored = await conn.scalar(
                    text(
                        "SELECT content FROM messages"
                        " WHERE status = 'COMPLETE' AND role = 'ASSISTANT'"
                    )
                )
            assert stored == words
            assert len(fake_provider.requests) == 1
            await socket.close()
    finally:
        await live.stop()


async def test_dropped_database_connections_are_replaced(
    server: LiveServer, client: GraphQLClient
) -> None:
    token = (await client.register())["accessToken"]
    await create_conversation(client, token)
    await server.state.redis.flushdb()  # no cached answer to hide behind
    token = (await client(LOGIN, CREDENTIALS)).data["login"]["accessToken"]
    async with server.state.engine.connect() as conn:
        pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    # Kill every other connection of the test database, the app's pooled ones included.
    killer = create_async_engine(server.state.settings.async_database_url)
    async with killer.connect() as conn:
        killed = (
            await conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        ).scalar_one()
    await killer.dispose()
    assert killed >= 1
    assert pid
    result = await client(LIST, token=token)
    assert not result.errors, result.errors
    assert result.data["conversations"]["totalCount"] == 1


@pytest.fixture
async def impatient(
    server: LiveServer, fake_provider: FakeProviderServer
) -> AsyncIterator[LiveServer]:
    settings = make_settings(fake_provider, ai_request_timeout_seconds=0.3, ai_max_attempts=2)
    live = LiveServer(create_app(settings))
    await live.start()
    yield live
    await live.stop()


async def test_a_hanging_provider_times_out_and_the_socket_stays_usable(
    impatient: LiveServer, fake_provider: FakeProviderServer
) -> None:
    async with GraphQLClient(impatient.url) as client:
        token = (await client.register())["accessToken"]
        cid = (await create_conversation(client, token, aiProvider="OPENAI"))["id"]
        fake_provider.script(Hang(), Hang(), Reply("back again"))
        socket = await Socket.open(impatient.ws_url, token=token)
        await socket.ack()
        op = await socket.subscribe(GENERATE, {"id": cid, "content": "anyone?"})
        events = []
        while (message := await asyncio.wait_for(socket.receive(), 10))["type"] == "next":
            events.append(message["payload"]["data"]["generateReply"])
        assert message == {"id": op, "type": "complete"}
        assert [e["__typename"] for e in events] == ["ReplyStarted", "ReplyFailed"]
        assert events[1]["code"] == "PROVIDER_ERROR"
        assert "timed out" in events[1]["error"]
        assert len(fake_provider.requests) == 2

        op2 = await socket.subscribe(GENERATE, {"id": cid, "content": "now?"})
        events = []
        while (message := await asyncio.wait_for(socket.receive(), 10))["type"] == "next":
            events.append(message["payload"]["data"]["generateReply"])
        assert message == {"id": op2, "type": "complete"}
        assert events[-1]["__typename"] == "ReplyCompleted"
        assert events[-1]["message"]["content"] == "back again"
        await socket.close()
        # And over HTTP.
        fake_provider.script(Hang(), Hang())
        assert (await send(client, token, cid, "http?")).codes == ["PROVIDER_ERROR"]


@pytest.mark.parametrize(
    "body",
    [
        [{"query": "{ __typename }"}] * 500,  # batching is off
        {"query": "{ " + "a: __typename " * 50_000 + "}"},
        {"query": "query { " * 10_000},
        {"query": 42},
        {"variables": {}},
        "not json at all",
    ],
    ids=["batch", "huge", "unbalanced", "query-not-string", "no-query", "not-json"],
)
async def test_abusive_requests_are_refused_without_a_server_error(
    client: GraphQLClient, body: object
) -> None:
    if isinstance(body, str):
        response = await client.http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    else:
        response = await client.http.post("/graphql", json=body)
    # A clear refusal: a 4xx, or (GraphQL over HTTP with application/json) a 200 whose errors
    # carry BAD_USER_INPUT. Never a 500, never a stack.
    assert response.status_code < 500, response.text[:200]
    assert "Traceback" not in response.text
    if response.status_code == 200:
        codes = {e["extensions"]["code"] for e in response.json()["errors"]}
        assert codes == {"BAD_USER_INPUT"}
