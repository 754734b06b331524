"""OpenAI, Gemini, Grok and Ollama: the real openai SDK against the fake server."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from parley.ai import AIProvider, ChatMessage, ProviderError
from tests.ai.conftest import (
    GEMINI_KEY,
    OPENAI_KEY,
    XAI_KEY,
    MakeRegistry,
    collect,
    complete,
    deltas_then_error,
)
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Hang, Reply

HELLO = [ChatMessage("user", "Hello there")]


@dataclass(frozen=True)
class Case:
    provider: AIProvider
    path: str
    authorization: str
    token_limit_param: str


CASES = [
    Case(
        AIProvider.OPENAI, "/v1/chat/completions", f"Bearer {OPENAI_KEY}", "max_completion_tokens"
    ),
    Case(
        AIProvider.GEMINI, "/v1beta/openai/chat/completions", f"Bearer {GEMINI_KEY}", "max_tokens"
    ),
    Case(AIProvider.GROK, "/v1/chat/completions", f"Bearer {XAI_KEY}", "max_tokens"),
    Case(AIProvider.OLLAMA, "/v1/chat/completions", "Bearer ollama", "max_tokens"),
]


@pytest.fixture(params=CASES, ids=[c.provider.value for c in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    result: Case = request.param
    return result


async def test_a_whole_reply(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(
        Reply("Hi! How can I help?", prompt_tokens=21, completion_tokens=7, model="served-model")
    )
    model = make_registry(ai_max_output_tokens=321).client(case.provider)

    completion = await complete(
        model,
        model="requested-model",
        system="You are terse.",
        messages=[ChatMessage("user", "Hello"), ChatMessage("assistant", "Hi"), *HELLO],
    )

    assert completion.text == "Hi! How can I help?"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (21, 7)
    assert completion.usage.total_tokens == 28
    assert completion.finish_reason == "stop"
    assert completion.model == "served-model"
    assert completion.attempts == 1
    [request] = fake_provider.requests
    assert request.path == case.path
    assert request.headers["authorization"] == case.authorization
    assert request.body["model"] == "requested-model"
    assert request.stream
    # The system prompt goes first, as a system message.
    assert request.messages == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi"},
        {"role": "user", "content": "Hello there"},
    ]
    assert request.body[case.token_limit_param] == 321
    other = {"max_tokens", "max_completion_tokens"} - {case.token_limit_param}
    assert other.isdisjoint(request.body)


async def test_stream(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    text = "Streaming works, one piece at a time."
    fake_provider.script(Reply(text, chunks=5, prompt_tokens=9, completion_tokens=8))
    model = make_registry().client(case.provider)

    deltas, finished = await collect(model.stream(model="m", system=None, messages=HELLO))

    assert len(deltas) == 5
    assert "".join(deltas) == text
    assert finished.usage is not None
    assert (finished.usage.prompt_tokens, finished.usage.completion_tokens) == (9, 8)
    assert finished.finish_reason == "stop"
    assert finished.model == "m"
    assert finished.attempts == 1
    assert finished.ttft_ms is not None
    assert finished.latency_ms >= finished.ttft_ms
    [request] = fake_provider.requests
    assert request.stream
    assert request.body["stream_options"] == {"include_usage": True}
    # No system prompt: no system message.
    assert request.messages == [{"role": "user", "content": "Hello there"}]


async def test_retries_a_rate_limit_then_succeeds(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(429, retry_after=0), Reply("ok"))
    model = make_registry().client(case.provider)

    completion = await complete(model, model="m", system=None, messages=HELLO)

    assert completion.text == "ok"
    assert completion.attempts == 2
    assert len(fake_provider.requests) == 2


async def test_gives_up_after_max_attempts(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(500), ErrorReply(500), ErrorReply(500), Reply("too late"))
    model = make_registry(ai_max_attempts=3).client(AIProvider.OPENAI)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert caught.value.status == 500
    assert caught.value.retryable
    assert caught.value.provider is AIProvider.OPENAI
    assert str(caught.value) == "OpenAI returned HTTP 500"
    requests = fake_provider.requests
    assert len(requests) == 3
    # The SDK's own retries are off: every attempt is one of ours.
    assert {r.headers["x-stainless-retry-count"] for r in requests} == {"0"}


async def test_stream_retries_5xx_before_the_first_delta(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(503), Reply("recovered", chunks=2))
    model = make_registry().client(AIProvider.GROK)

    deltas, finished = await collect(model.stream(model="m", system=None, messages=HELLO))

    assert "".join(deltas) == "recovered"
    assert finished.attempts == 2
    assert len(fake_provider.requests) == 2


async def test_client_errors_are_not_retried(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(400), Reply("never"))
    model = make_registry().client(AIProvider.OPENAI)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert caught.value.status == 400
    assert not caught.value.retryable
    assert len(fake_provider.requests) == 1


async def test_retry_after_longer_than_the_policy_allows_fails_fast(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(429, retry_after=30), Reply("never"))
    model = make_registry(ai_retry_max_delay_seconds=0.5).client(AIProvider.OPENAI)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert caught.value.status == 429
    assert caught.value.retry_after == 30
    assert len(fake_provider.requests) == 1


async def test_a_stream_that_fails_after_a_delta_is_not_retried(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("one two three four", fail_after=2), Reply("never"))
    model = make_registry().client(case.provider)
    deltas, error = await deltas_then_error(model.stream(model="m", system=None, messages=HELLO))

    assert deltas == ["one ", "two "]
    assert error.kind == "interrupted"
    assert len(fake_provider.requests) == 1


async def test_a_stream_that_fails_before_any_delta_is_retried(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("lost", fail_after=0), Reply("second time lucky"))
    model = make_registry().client(AIProvider.OPENAI)

    deltas, finished = await collect(model.stream(model="m", system=None, messages=HELLO))

    assert "".join(deltas) == "second time lucky"
    assert finished.attempts == 2
    assert len(fake_provider.requests) == 2


async def test_a_hung_request_times_out(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Hang(), Hang())
    model = make_registry(ai_request_timeout_seconds=0.2, ai_max_attempts=2).client(
        AIProvider.OPENAI
    )

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert caught.value.kind == "timeout"
    assert str(caught.value) == "OpenAI request timed out"
    assert caught.value.retryable
    # Both attempts timed out and their connections were closed.
    await fake_provider.wait_for(lambda rs: len(rs) == 2 and all(r.disconnected for r in rs))


async def test_a_stream_that_stalls_after_a_delta_times_out_without_retry(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("one two three", stall_after=1), Reply("never"))
    model = make_registry(ai_request_timeout_seconds=0.2).client(AIProvider.GEMINI)
    deltas, error = await deltas_then_error(model.stream(model="m", system=None, messages=HELLO))

    assert deltas == ["one "]
    assert error.kind == "timeout"
    assert len(fake_provider.requests) == 1


async def test_closing_a_stream_closes_the_connection(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("a b c d e f g h i j", chunk_delay=0.05))
    model = make_registry().client(case.provider)

    stream = model.stream(model="m", system=None, messages=HELLO)
    first = await anext(stream)
    await stream.aclose()

    assert getattr(first, "text", None) == "a "
    request = await fake_provider.wait_for_disconnect()
    assert request.deltas_sent < 10


async def test_cancelling_the_consumer_closes_the_connection(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("a b c d e f g h i j", chunk_delay=0.05))
    model = make_registry().client(AIProvider.OPENAI)
    got_a_delta = asyncio.Event()

    async def consume() -> None:
        async for _ in model.stream(model="m", system=None, messages=HELLO):
            got_a_delta.set()

    task = asyncio.create_task(consume())
    await got_a_delta.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    request = await fake_provider.wait_for_disconnect()
    assert request.deltas_sent < 10


async def test_cancelling_while_waiting_for_the_first_byte(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("slow", first_byte_delay=5))
    model = make_registry().client(AIProvider.OPENAI)

    task = asyncio.create_task(collect(model.stream(model="m", system=None, messages=HELLO)))
    await fake_provider.wait_for(lambda rs: len(rs) == 1)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    await fake_provider.wait_for_disconnect()
    assert len(fake_provider.requests) == 1


async def test_error_messages_never_contain_the_key(
    case: Case, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    key = case.authorization.removeprefix("Bearer ")
    fake_provider.script(ErrorReply(401, message=f"Incorrect API key provided: {key}"))
    model = make_registry().client(case.provider)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    error = caught.value
    assert str(error) == f"{case.provider.display_name} returned HTTP 401"
    assert key not in str(error)
    assert key not in repr(error)
    assert "Incorrect API key" not in str(error)
    assert not error.retryable


async def test_many_concurrent_streams_share_the_client(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.reset(default=Reply("one two three four five", chunk_delay=0.01))
    model = make_registry().client(AIProvider.OPENAI)

    results = await asyncio.gather(
        *(collect(model.stream(model="m", system=None, messages=HELLO)) for _ in range(100))
    )

    assert all("".join(deltas) == "one two three four five" for deltas, _ in results)
    assert len(fake_provider.requests) == 100
