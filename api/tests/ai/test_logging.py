"""One structured `ai.call` line per call, with counts and timings but no content or keys."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from parley.ai import AIProvider, ChatMessage, ProviderError, resilient, retry
from tests.ai.conftest import ALL_KEYS, MakeRegistry, collect, complete
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply

Logs = list[MutableMapping[str, Any]]
SECRET_QUESTION = "my secret question about pancakes"
MESSAGES = [ChatMessage("user", SECRET_QUESTION)]


@pytest.fixture
def logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Logs]:
    # A fresh logger, in case the app configured structlog to cache loggers on first use.
    for module in (resilient, retry):
        monkeypatch.setattr(module, "log", structlog.get_logger(module.__name__))
    with capture_logs() as captured:
        yield captured


def calls(logs: Logs) -> Logs:
    return [entry for entry in logs if entry["event"] == "ai.call"]


def assert_no_secrets(logs: Logs) -> None:
    text = repr(logs)
    assert SECRET_QUESTION not in text
    for key in ALL_KEYS:
        assert key not in text


async def test_a_reply_logs_one_line(
    logs: Logs, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("answer", prompt_tokens=5, completion_tokens=2))

    await complete(
        make_registry().client(AIProvider.OPENAI), model="m", system="sys", messages=MESSAGES
    )

    [entry] = calls(logs)
    assert entry["log_level"] == "info"
    assert entry["provider"] == "OPENAI"
    assert entry["model"] == "m"
    assert entry["outcome"] == "ok"
    assert entry["attempts"] == 1
    assert (entry["prompt_tokens"], entry["completion_tokens"]) == (5, 2)
    assert entry["finish_reason"] == "stop"
    assert isinstance(entry["latency_ms"], int)
    assert_no_secrets(logs)


async def test_a_stream_logs_one_line_with_time_to_first_token(
    logs: Logs, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(429, retry_after=0), Reply("a b c", completion_tokens=3))

    await collect(
        make_registry()
        .client(AIProvider.ANTHROPIC)
        .stream(model="m", system=None, messages=MESSAGES)
    )

    [entry] = calls(logs)
    assert entry["outcome"] == "ok"
    assert entry["attempts"] == 2
    assert entry["completion_tokens"] == 3
    assert isinstance(entry["ttft_ms"], int)
    assert [e["event"] for e in logs].count("ai.retry") == 1
    assert_no_secrets(logs)


async def test_a_failure_logs_a_warning(
    logs: Logs, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(*[ErrorReply(503, message=f"upstream says {ALL_KEYS[0]}")] * 2)

    with pytest.raises(ProviderError):
        await complete(
            make_registry(ai_max_attempts=2).client(AIProvider.GROK),
            model="m",
            system=None,
            messages=MESSAGES,
        )

    [entry] = calls(logs)
    assert entry["log_level"] == "warning"
    assert entry["outcome"] == "error"
    assert entry["attempts"] == 2
    assert entry["status"] == 503
    assert entry["error"] == "xAI Grok returned HTTP 503"
    assert_no_secrets(logs)


async def test_a_cancelled_stream_logs_cancelled(
    logs: Logs, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("a b c d e f", chunk_delay=0.05))
    stream = (
        make_registry().client(AIProvider.OPENAI).stream(model="m", system=None, messages=MESSAGES)
    )

    await anext(stream)
    await stream.aclose()

    [entry] = calls(logs)
    assert entry["outcome"] == "cancelled"
    assert entry["log_level"] == "info"


async def test_the_demo_provider_logs_too(logs: Logs, make_registry: MakeRegistry) -> None:
    model = make_registry().client(AIProvider.DEMO)

    await asyncio.gather(
        complete(model, model="demo-1", system=None, messages=MESSAGES),
        collect(model.stream(model="demo-1", system=None, messages=MESSAGES)),
    )

    assert [e["outcome"] for e in calls(logs)] == ["ok", "ok"]
    assert_no_secrets(logs)
