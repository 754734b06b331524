"""Fixtures for the AI layer: a fake provider server, and settings/registries aimed at it.

`fake_provider_server` (session) runs one server for the whole run; `fake_provider` is the
same server, reset before and after each test. Other suites can reuse the class directly:
`from tests.fakes.provider_server import FakeProviderServer`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from parley.ai import (
    AISettings,
    CallFacts,
    ChatMessage,
    ProviderClient,
    ProviderError,
    ProviderRegistry,
    ReplyStream,
    Usage,
)
from tests.fakes.provider_server import FakeProviderServer

OPENAI_KEY = "sk-test-openai-0123456789secret"
ANTHROPIC_KEY = "sk-ant-test-0123456789secret"
GEMINI_KEY = "gm-test-0123456789secret"
XAI_KEY = "xai-test-0123456789secret"
ALL_KEYS = (OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, XAI_KEY)

MakeSettings = Callable[..., AISettings]
MakeRegistry = Callable[..., ProviderRegistry]


@pytest.fixture(scope="session")
def fake_provider_server() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as server:
        yield server


@pytest.fixture
def fake_provider(fake_provider_server: FakeProviderServer) -> Iterator[FakeProviderServer]:
    fake_provider_server.reset()
    yield fake_provider_server
    fake_provider_server.reset()


@pytest.fixture(autouse=True)
def _no_ai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's real keys (and `.env`) out of the tests."""
    for name in AISettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def make_settings(fake_provider: FakeProviderServer) -> MakeSettings:
    """Settings with every provider configured against the fake server; override any field."""

    def make(**overrides: Any) -> AISettings:
        values: dict[str, Any] = {
            "openai_api_key": OPENAI_KEY,
            "openai_base_url": fake_provider.openai_base_url,
            "anthropic_api_key": ANTHROPIC_KEY,
            "anthropic_base_url": fake_provider.anthropic_base_url,
            "gemini_api_key": GEMINI_KEY,
            # A distinct path, so tests can tell the base URL was honoured.
            "gemini_base_url": f"{fake_provider.url}/v1beta/openai/",
            "xai_api_key": XAI_KEY,
            "xai_base_url": fake_provider.openai_base_url,
            # Like a real Ollama URL: no `/v1`, the layer adds it.
            "ollama_base_url": fake_provider.url,
            "ai_retry_base_delay_seconds": 0.01,
            "ai_retry_max_delay_seconds": 0.5,
            "ai_request_timeout_seconds": 5.0,
            "ai_connect_timeout_seconds": 2.0,
            "demo_stream_delay_ms": 0,
        }
        values.update(overrides)
        return AISettings(_env_file=None, **values)

    return make


@pytest.fixture
async def make_registry(make_settings: MakeSettings) -> AsyncIterator[MakeRegistry]:
    """Build registries from `make_settings(**overrides)`; all are closed after the test."""
    registries: list[ProviderRegistry] = []

    def make(**overrides: Any) -> ProviderRegistry:
        registry = ProviderRegistry(make_settings(**overrides))
        registries.append(registry)
        return registry

    yield make
    for registry in registries:
        await registry.aclose()


async def collect(stream: ReplyStream) -> tuple[list[str], CallFacts]:
    """The deltas' texts of a stream that must end well, and the facts it reports after."""
    texts = [delta.text async for delta in stream]
    return texts, stream.facts()


@dataclass(frozen=True)
class Answer:
    """A whole reply, read from a stream: what a non-streaming call would have returned."""

    text: str
    facts: CallFacts

    @property
    def usage(self) -> Usage | None:
        return self.facts.usage

    @property
    def finish_reason(self) -> str | None:
        return self.facts.finish_reason

    @property
    def model(self) -> str:
        return self.facts.model

    @property
    def attempts(self) -> int:
        return self.facts.attempts


async def complete(
    client: ProviderClient, *, model: str, system: str | None, messages: list[ChatMessage]
) -> Answer:
    texts, facts = await collect(client.stream(model=model, system=system, messages=messages))
    return Answer("".join(texts), facts)


async def deltas_then_error(stream: ReplyStream) -> tuple[list[str], ProviderError]:
    """The deltas a stream yielded before it failed, and its `ProviderError`."""
    texts: list[str] = []
    try:
        async for delta in stream:
            texts.append(delta.text)
    except ProviderError as error:
        return texts, error
    raise AssertionError("the stream did not fail")
