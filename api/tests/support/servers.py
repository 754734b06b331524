"""The app under test as the tests run it: settings aimed at the test database, Redis db and
fake provider, and the real app behind uvicorn.

Override the servers with TEST_DATABASE_URL and TEST_REDIS_URL.
"""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from parley.settings import Settings
from parley.state import AppState
from tests.fakes.provider_server import FakeProviderServer

API_DIR = Path(__file__).resolve().parents[2]
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/parley_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TEST_ORIGIN = "http://localhost:3000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_values(fake_provider: FakeProviderServer, **overrides: object) -> dict[str, object]:
    """The tests' settings as field names and values (`make_settings`, `processes` use them)."""
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
        # Titles from the Demo provider: a title request never takes a reply scripted on the
        # fake provider (the title tests build apps that ask the fake provider instead).
        "title_provider": "DEMO",
        "demo_stream_delay_ms": 1,
        "ai_retry_base_delay_seconds": 0.01,
        "ai_request_timeout_seconds": 2,
        # Generous limits: the rate-limit tests build apps with tight ones.
        "rate_limit_messages": "10000/minute",
        "rate_limit_auth": "10000/minute",
        "rate_limit_search": "10000/minute",
        "rate_limit_forks": "10000/minute",
    }
    values.update(overrides)
    return values


def make_settings(fake_provider: FakeProviderServer, **overrides: object) -> Settings:
    values = settings_values(fake_provider, **overrides)
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
