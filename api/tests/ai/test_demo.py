"""The offline demo provider."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from parley.ai import AIProvider, ChatMessage, Delta, ProviderRegistry
from parley.ai.demo import chunk_text, demo_reply
from parley.ai.token_estimates import estimate_tokens
from tests.ai.conftest import MakeSettings, collect, complete

QUESTION = [ChatMessage("user", "How do I   reverse a list\nin Python?")]


@pytest.fixture
async def demo(make_settings: MakeSettings) -> AsyncIterator[ProviderRegistry]:
    registry = ProviderRegistry(make_settings(demo_stream_delay_ms=0))
    yield registry
    await registry.aclose()


async def test_the_reply_is_helpful_markdown(demo: ProviderRegistry) -> None:
    completion = await complete(
        demo.client(AIProvider.DEMO), model="demo-1", system="Be nice.", messages=QUESTION
    )

    text = completion.text
    assert "demo provider" in text
    # It refers to what was asked (on one line, inside a blockquote).
    assert "> How do I reverse a list in Python?" in text
    for variable in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "XAI_API_KEY"):
        assert variable in text
    assert "OLLAMA_BASE_URL" in text
    # Markdown worth rendering: a heading, bold, a list and a fenced block.
    assert text.startswith("## ")
    assert "**" in text
    assert "\n- " in text
    assert "```dotenv\n" in text
    assert completion.finish_reason == "stop"
    assert completion.model == "demo-1"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens > 0
    assert completion.usage.completion_tokens > 50


async def test_the_stream_is_the_reply_in_few_word_pieces(demo: ProviderRegistry) -> None:
    model = demo.client(AIProvider.DEMO)

    deltas, facts = await collect(model.stream(model="demo-1", system=None, messages=QUESTION))

    assert "".join(deltas) == demo_reply(QUESTION)
    assert len(deltas) > 20
    assert all(1 <= len(d.split()) <= 3 for d in deltas)
    assert facts.usage is not None
    assert facts.usage.completion_tokens == estimate_tokens(demo_reply(QUESTION))
    assert facts.finish_reason == "stop"


async def test_the_reply_is_deterministic() -> None:
    assert demo_reply(QUESTION) == demo_reply(list(QUESTION))
    assert demo_reply(QUESTION) != demo_reply([ChatMessage("user", "Something else")])


def test_a_long_question_is_shortened_in_the_quote() -> None:
    reply = demo_reply([ChatMessage("user", "word " * 500)])
    quote = next(line for line in reply.splitlines() if line.startswith("> "))
    assert len(quote) < 300
    assert quote.endswith("…")


def test_no_question_yet() -> None:
    assert "You asked" not in demo_reply([])


@pytest.mark.parametrize("text", ["", "one", "  leading and trailing  ", "a\n\n```\ncode\n```\n"])
def test_chunks_join_back_to_the_text(text: str) -> None:
    assert "".join(chunk_text(text)) == text


async def test_stream_can_be_stopped(make_settings: MakeSettings) -> None:
    registry = ProviderRegistry(make_settings(demo_stream_delay_ms=20))
    model = registry.client(AIProvider.DEMO)
    seen = 0

    async def consume() -> None:
        nonlocal seen
        async for event in model.stream(model="demo-1", system=None, messages=QUESTION):
            if isinstance(event, Delta):
                seen += 1

    task = asyncio.create_task(consume())
    while seen < 2:
        await asyncio.sleep(0.005)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen < 10
    await registry.aclose()
