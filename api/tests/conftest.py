"""Test bootstrap: a fresh PostgreSQL database migrated by Alembic, a Redis db of its own,
the fake AI provider server, and the real app served by uvicorn on a free port.

Override the servers with TEST_DATABASE_URL and TEST_REDIS_URL.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn
from redis.asyncio import Redis
from sqlalchemy import event, text
from starlette.applications import Starlette

from parley.local_setup import create_database, drop_database
from parley.main import create_app
from parley.settings import Settings
from parley.state import AppState
from tests.client import GraphQLClient
from tests.fakes.provider_server import FakeProviderServer

API_DIR = Path(__file__).resolve().parents[1]
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/parley_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TEST_ORIGIN = "http://localhost:3000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
async def database() -> str:
    await drop_database(TEST_DATABASE_URL)
    await create_database(TEST_DATABASE_URL)
    # The real migration path, as `make migrate` runs it.
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=API_DIR,
        env={**os.environ, "DATABASE_URL": TEST_DATABASE_URL},
        check=True,
        capture_output=True,
    )
    return TEST_DATABASE_URL


@pytest.fixture(scope="session")
async def fake_provider() -> AsyncIterator[FakeProviderServer]:
    server = FakeProviderServer()
    await server.start()
    yield server
    await server.stop()


def make_settings(fake_provider: FakeProviderServer, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": TEST_DATABASE_URL,
        "redis_url": TEST_REDIS_URL,
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "bcrypt_rounds": 4,
        "cors_origins": TEST_ORIGIN,
        "log_format": "json",
        "log_level": "DEBUG",
        "openai_api_key": "sk-test-openai-secret",
        "openai_base_url": fake_provider.base_url,
        "anthropic_api_key": "sk-ant-test-secret",
        "anthropic_base_url": fake_provider.anthropic_base_url,
        "gemini_api_key": "gemini-test-secret",
        "gemini_base_url": fake_provider.base_url,
        "xai_api_key": "xai-test-secret",
        "xai_base_url": fake_provider.base_url,
        "ollama_base_url": fake_provider.url,
        "default_ai_provider": "DEMO",
        "demo_stream_delay_ms": 1,
        "ai_retry_base_delay_seconds": 0.01,
        "ai_request_timeout_seconds": 2,
        # Generous limits: the rate-limit tests build apps with tight ones.
        "rate_limit_messages": "10000/minute",
        "rate_limit_auth": "10000/minute",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


class LiveServer:
    """The real app behind uvicorn, in this event loop, on a free port."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        # As `make dev-api` runs it: X-Forwarded-For is ours to judge (TRUSTED_PROXIES).
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            ws="websockets-sansio",
            proxy_headers=False,
            ws_per_message_deflate=False,
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> AppState:
        state: AppState = self.app.state.parley
        return state

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


@pytest.fixture(scope="session")
async def server(database: str, fake_provider: FakeProviderServer) -> AsyncIterator[LiveServer]:
    live = LiveServer(create_app(make_settings(fake_provider)))
    await live.start()
    yield live
    await live.stop()


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> None:
    """Each test that uses the server starts with empty tables and an empty Redis db."""
    if "server" not in request.fixturenames:
        return
    live: LiveServer = request.getfixturevalue("server")
    async with live.state.engine.begin() as conn:
        await conn.execute(text("TRUNCATE users CASCADE"))
    await live.state.redis.flushdb()
    fake: FakeProviderServer = request.getfixturevalue("fake_provider")
    fake.reset()


@pytest.fixture
async def client(server: LiveServer) -> AsyncIterator[GraphQLClient]:
    async with GraphQLClient(server.url) as gql:
        yield gql


@pytest.fixture
def redis(server: LiveServer) -> Redis:
    return server.state.redis


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, *args: object) -> None:
        self.statements.append(str(args[2]))

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def sql_statements(server: LiveServer) -> Iterator[StatementCounter]:
    """Counts SQL statements the app sends while the test runs."""
    counter = StatementCounter()
    engine = server.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)
