"""Anthropic: the real anthropic SDK against the fake server."""

from __future__ import annotations

import asyncio

import pytest

from parley.ai import AIProvider, ChatMessage, ProviderError
from parley.ai.anthropic_messages import anthropic_messages
from tests.ai.conftest import (
    ANTHROPIC_KEY,
    MakeRegistry,
    collect,
    complete,
    deltas_then_error,
)
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Hang, Reply

HELLO = [ChatMessage("user", "Hello there")]


async def test_the_system_prompt_is_a_parameter(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("Bonjour !", prompt_tokens=30, completion_tokens=4))
    model = make_registry(ai_max_output_tokens=500).client(AIProvider.ANTHROPIC)

    completion = await complete(
        model,
        model="claude-test",
        system="Answer in French.",
        messages=[ChatMessage("user", "Hello"), ChatMessage("assistant", "Salut"), *HELLO],
    )

    assert completion.text == "Bonjour !"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (30, 4)
    assert completion.finish_reason == "end_turn"
    assert completion.model == "claude-test"
    [request] = fake_provider.requests
    assert request.path == "/v1/messages"
    # anthropic 2.x sends the key as a bearer token (1.x used `x-api-key`).
    auth = (request.headers.get("authorization"), request.headers.get("x-api-key"))
    assert auth in ((f"Bearer {ANTHROPIC_KEY}", None), (None, ANTHROPIC_KEY))
    assert "anthropic-version" in request.headers
    assert request.body["system"] == "Answer in French."
    assert request.body["max_tokens"] == 500
    assert request.messages == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Salut"},
        {"role": "user", "content": "Hello there"},
    ]


async def test_no_system_prompt_no_system_parameter(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    model = make_registry().client(AIProvider.ANTHROPIC)

    await complete(model, model="m", system=None, messages=HELLO)

    [request] = fake_provider.requests
    assert "system" not in request.body


async def test_stream(make_registry: MakeRegistry, fake_provider: FakeProviderServer) -> None:
    text = "Claude streams text deltas."
    fake_provider.script(Reply(text, chunks=4, prompt_tokens=17, completion_tokens=6))
    model = make_registry().client(AIProvider.ANTHROPIC)

    deltas, finished = await collect(model.stream(model="m", system="Be brief.", messages=HELLO))

    assert len(deltas) == 4
    assert "".join(deltas) == text
    assert finished.usage is not None
    # Input tokens come from message_start, output tokens from message_delta.
    assert (finished.usage.prompt_tokens, finished.usage.completion_tokens) == (17, 6)
    assert finished.finish_reason == "end_turn"
    [request] = fake_provider.requests
    assert request.stream
    assert request.body["system"] == "Be brief."


async def test_messages_are_normalised_for_anthropic(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    model = make_registry().client(AIProvider.ANTHROPIC)
    messages = [
        ChatMessage("assistant", "Welcome! (a greeting stored before the user spoke)"),
        ChatMessage("system", "Extra instructions."),
        ChatMessage("user", "First"),
        ChatMessage("user", "Second"),
        ChatMessage("assistant", "   "),
        ChatMessage("assistant", "Answer"),
        ChatMessage("user", "Third"),
    ]

    await complete(model, model="m", system="Base prompt.", messages=messages)

    [request] = fake_provider.requests
    assert request.body["system"] == "Base prompt.\n\nExtra instructions."
    assert request.messages == [
        {"role": "user", "content": "First\n\nSecond"},
        {"role": "assistant", "content": "Answer"},
        {"role": "user", "content": "Third"},
    ]


def test_a_conversation_without_a_user_message_is_refused() -> None:
    with pytest.raises(ValueError, match="user message"):
        anthropic_messages("system", [ChatMessage("assistant", "Hi")])


@pytest.mark.parametrize("status", [429, 500, 529])
async def test_retries_transient_statuses(
    status: int, make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(status, retry_after=0), Reply("ok"))
    model = make_registry().client(AIProvider.ANTHROPIC)

    completion = await complete(model, model="m", system=None, messages=HELLO)

    assert completion.text == "ok"
    assert completion.attempts == 2
    assert len(fake_provider.requests) == 2


async def test_gives_up_after_max_attempts(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(*[ErrorReply(500)] * 3, Reply("too late"))
    model = make_registry(ai_max_attempts=3).client(AIProvider.ANTHROPIC)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert str(caught.value) == "Anthropic returned HTTP 500"
    assert len(fake_provider.requests) == 3
    assert {r.headers["x-stainless-retry-count"] for r in fake_provider.requests} == {"0"}


async def test_client_errors_are_not_retried(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(400), Reply("never"))
    model = make_registry().client(AIProvider.ANTHROPIC)

    with pytest.raises(ProviderError) as caught:
        await collect(model.stream(model="m", system=None, messages=HELLO))

    assert caught.value.status == 400
    assert len(fake_provider.requests) == 1


async def test_an_overloaded_event_before_any_delta_is_retried(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("lost", error_event_after=0), Reply("fine"))
    model = make_registry().client(AIProvider.ANTHROPIC)

    deltas, finished = await collect(model.stream(model="m", system=None, messages=HELLO))

    assert "".join(deltas) == "fine"
    assert finished.attempts == 2


async def test_an_error_event_after_a_delta_is_final(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("one two three", error_event_after=1), Reply("never"))
    model = make_registry().client(AIProvider.ANTHROPIC)
    deltas, error = await deltas_then_error(model.stream(model="m", system=None, messages=HELLO))

    assert deltas == ["one "]
    assert str(error) == "Anthropic reported an error"
    assert len(fake_provider.requests) == 1


async def test_a_dropped_stream_after_a_delta_is_not_retried(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("one two three", fail_after=1), Reply("never"))
    model = make_registry().client(AIProvider.ANTHROPIC)

    with pytest.raises(ProviderError) as caught:
        await collect(model.stream(model="m", system=None, messages=HELLO))

    assert caught.value.kind == "interrupted"
    assert len(fake_provider.requests) == 1


async def test_a_hung_stream_times_out(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Hang())
    model = make_registry(ai_request_timeout_seconds=0.2, ai_max_attempts=1).client(
        AIProvider.ANTHROPIC
    )

    with pytest.raises(ProviderError) as caught:
        await collect(model.stream(model="m", system=None, messages=HELLO))

    assert str(caught.value) == "Anthropic request timed out"
    await fake_provider.wait_for_disconnect()
    assert len(fake_provider.requests) == 1


async def test_cancelling_the_consumer_closes_the_connection(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(Reply("a b c d e f g h i j", chunk_delay=0.05))
    model = make_registry().client(AIProvider.ANTHROPIC)
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


async def test_error_messages_never_contain_the_key(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    fake_provider.script(ErrorReply(401, message=f"invalid x-api-key: {ANTHROPIC_KEY}"))
    model = make_registry().client(AIProvider.ANTHROPIC)

    with pytest.raises(ProviderError) as caught:
        await complete(model, model="m", system=None, messages=HELLO)

    assert str(caught.value) == "Anthropic returned HTTP 401"
    assert ANTHROPIC_KEY not in repr(caught.value)
