"""Test fixtures: a fresh PostgreSQL database migrated by Alembic, a Redis db of its own, the
fake AI provider server, and the real app served by uvicorn on a free port. The helpers they
use live in `tests.support`."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from parley.local_setup import create_database, drop_database
from parley.main import create_app
from tests.fakes.provider_server import FakeProviderServer
from tests.support.graphql import GraphQLClient
from tests.support.servers import API_DIR, TEST_DATABASE_URL, LiveServer, make_settings
from tests.support.sql import StatementCounter


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
    # The previous test's background work (a title, its usage charge) may still be writing:
    # TRUNCATE can then lose a deadlock, and the victim is meant to try again.
    for attempt in range(5):
        try:
            async with live.state.engine.begin() as conn:
                await conn.execute(text("TRUNCATE users CASCADE"))
            break
        except DBAPIError as error:
            if "deadlock" not in str(error.orig) or attempt == 4:
                raise
            await asyncio.sleep(0.1)
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


@pytest.fixture
def sql_statements(server: LiveServer) -> Iterator[StatementCounter]:
    """Counts SQL statements the app sends while the test runs."""
    counter = StatementCounter()
    engine = server.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)
