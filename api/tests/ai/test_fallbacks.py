"""Provider fallback (AI_FALLBACKS) through the real openai and anthropic SDKs against the fake
provider: who answers, how many calls were made, and when no fallback may happen."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from parley.ai import AIProvider, ChatMessage
from parley.ai.fallbacks import FallbackRoute, parse_fallbacks
from tests.ai.conftest import MakeRegistry, MakeSettings, collect, deltas_then_error
from tests.fakes.provider_server import ErrorReply, FakeProviderServer, Reply

MESSAGES = [ChatMessage("user", "hello")]
OPENAI_TO_ANTHROPIC = "OPENAI=ANTHROPIC:claude-haiku-5-5"


def _apis(fake: FakeProviderServer) -> list[tuple[str, str | None]]:
    return [(r.api, r.model) for r in fake.requests]


async def test_primary_failing_before_its_first_delta_falls_back_after_its_retries(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    registry = make_registry(ai_max_attempts=2, ai_fallbacks=OPENAI_TO_ANTHROPIC)
    fake_provider.script(ErrorReply(503), ErrorReply(503), Reply("from the fallback"))
    stream = registry.client(AIProvider.OPENAI).stream(
        model="gpt-6-luna", system=None, messages=MESSAGES
    )
    texts, facts = await collect(stream)
    assert "".join(texts) == "from the fallback"
    # Both OpenAI attempts (the retry policy's), then one Anthropic call.
    assert _apis(fake_provider) == [
        ("openai", "gpt-6-luna"),
        ("openai", "gpt-6-luna"),
        ("anthropic", "claude-haiku-5-5"),
    ]
    assert facts.provider is AIProvider.ANTHROPIC
    assert facts.model == "claude-haiku-5-5"
    assert facts.attempts == 3
    assert facts.fallback_from is AIProvider.OPENAI
    assert facts.ttft_ms is not None
    assert facts.latency_ms >= facts.ttft_ms
    assert facts.usage is not None


async def test_no_fallback_once_text_has_streamed(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    registry = make_registry(ai_max_attempts=2, ai_fallbacks=OPENAI_TO_ANTHROPIC)
    fake_provider.script(Reply("alpha beta gamma delta", fail_after=2), Reply("must not be asked"))
    stream = registry.client(AIProvider.OPENAI).stream(
        model="gpt-6.1-sol", system=None, messages=MESSAGES
    )
    texts, error = await deltas_then_error(stream)
    assert texts == ["alpha ", "beta "]
    assert error.provider is AIProvider.OPENAI
    assert _apis(fake_provider) == [("openai", "gpt-6.1-sol")]
    facts = stream.facts()
    assert facts.provider is AIProvider.OPENAI
    assert facts.attempts == 1
    assert facts.fallback_from is None


async def test_a_chain_of_two_fallbacks(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    registry = make_registry(
        ai_max_attempts=2, ai_fallbacks="OPENAI=ANTHROPIC:claude-haiku-5-5,DEMO; DEMO=OPENAI"
    )
    fake_provider.script(ErrorReply(429), ErrorReply(500), ErrorReply(529), ErrorReply(529))
    stream = registry.client(AIProvider.OPENAI).stream(
        model="gpt-6.1-sol", system=None, messages=MESSAGES
    )
    texts, facts = await collect(stream)
    assert texts  # the Demo provider answered
    assert [api for api, _ in _apis(fake_provider)] == [
        "openai",
        "openai",
        "anthropic",
        "anthropic",
    ]
    assert facts.provider is AIProvider.DEMO
    assert facts.model == "demo-1"  # no model given: the provider's default
    assert facts.attempts == 5
    assert facts.fallback_from is AIProvider.OPENAI


async def test_when_every_route_fails_the_last_error_is_raised_with_every_attempt_counted(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    registry = make_registry(ai_max_attempts=1, ai_fallbacks=OPENAI_TO_ANTHROPIC)
    fake_provider.script(ErrorReply(503), ErrorReply(503))
    stream = registry.client(AIProvider.OPENAI).stream(
        model="gpt-6.1-sol", system=None, messages=MESSAGES
    )
    texts, error = await deltas_then_error(stream)
    assert texts == []
    assert error.provider is AIProvider.ANTHROPIC
    assert error.status == 503
    facts = stream.facts()
    assert (facts.provider, facts.attempts, facts.fallback_from) == (
        AIProvider.ANTHROPIC,
        2,
        AIProvider.OPENAI,
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_a_non_transient_error_does_not_fall_back(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer, status: int
) -> None:
    registry = make_registry(ai_max_attempts=3, ai_fallbacks=OPENAI_TO_ANTHROPIC)
    fake_provider.script(ErrorReply(status), Reply("must not be asked"))
    stream = registry.client(AIProvider.OPENAI).stream(
        model="gpt-6.1-sol", system=None, messages=MESSAGES
    )
    _, error = await deltas_then_error(stream)
    assert error.status == status
    assert error.provider is AIProvider.OPENAI
    assert _apis(fake_provider) == [("openai", "gpt-6.1-sol")]
    assert stream.facts().fallback_from is None


async def test_a_provider_without_fallbacks_is_unchanged(
    make_registry: MakeRegistry, fake_provider: FakeProviderServer
) -> None:
    registry = make_registry(ai_max_attempts=1, ai_fallbacks=OPENAI_TO_ANTHROPIC)
    fake_provider.script(ErrorReply(503), Reply("must not be asked"))
    stream = registry.client(AIProvider.ANTHROPIC).stream(
        model="claude-sonnet-5-5", system=None, messages=MESSAGES
    )
    _, error = await deltas_then_error(stream)
    assert error.provider is AIProvider.ANTHROPIC
    assert len(fake_provider.requests) == 1


def test_the_format() -> None:
    assert parse_fallbacks(" openai = anthropic:claude-x , demo ; GROK=OPENAI:gpt-y ") == {
        AIProvider.OPENAI: (
            FallbackRoute(AIProvider.ANTHROPIC, "claude-x"),
            FallbackRoute(AIProvider.DEMO, None),
        ),
        AIProvider.GROK: (FallbackRoute(AIProvider.OPENAI, "gpt-y"),),
    }
    assert parse_fallbacks("") == {}


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("OPENAI", "is not like"),
        ("OPENAI=", "is not like"),
        ("OPENAI=CLAUDE:x", "unknown provider 'CLAUDE'"),
        ("OPENAI=OPENAI:gpt-6-luna", "cannot fall back to itself"),
        ("OPENAI=DEMO;OPENAI=ANTHROPIC", "listed twice"),
        ("OPENAI=DEMO,DEMO", "lists DEMO twice"),
        ("OPENAI=ANTHROPIC:claude-unknown", "does not offer the model 'claude-unknown'"),
    ],
)
def test_bad_values_are_refused(make_settings: MakeSettings, value: str, complaint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_settings(ai_fallbacks=value)
    assert complaint in str(caught.value)
    assert caught.value.errors()[0]["loc"] == ("ai_fallbacks",)


def test_a_route_to_an_unconfigured_provider_is_refused(make_settings: MakeSettings) -> None:
    with pytest.raises(ValidationError, match=r"GROK is not configured \(set XAI_API_KEY\)"):
        make_settings(ai_fallbacks="OPENAI=GROK", xai_api_key="")
    # Any model goes where the operator allowed `*`.
    assert make_settings(ai_fallbacks="OPENAI=OLLAMA:qwen9").ai_fallbacks == "OPENAI=OLLAMA:qwen9"
