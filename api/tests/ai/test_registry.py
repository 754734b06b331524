"""Which providers are configured, their models and the default, from settings and env."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from parley.ai import (
    AIProvider,
    AISettings,
    ProviderRegistry,
)
from parley.ai.config import ollama_openai_url


@pytest.fixture
async def registries() -> AsyncIterator[list[ProviderRegistry]]:
    made: list[ProviderRegistry] = []
    yield made
    for registry in made:
        await registry.aclose()


def build(registries: list[ProviderRegistry], **values: object) -> ProviderRegistry:
    registry = ProviderRegistry(AISettings(_env_file=None, **values))  # type: ignore[arg-type]
    registries.append(registry)
    return registry


def configured(registry: ProviderRegistry) -> set[AIProvider]:
    return {info.provider for info in registry.infos() if info.configured}


async def test_nothing_configured_means_demo(registries: list[ProviderRegistry]) -> None:
    registry = build(registries)

    assert configured(registry) == {AIProvider.DEMO}
    assert registry.default_provider() is AIProvider.DEMO
    assert [info.provider for info in registry.infos()] == list(AIProvider)
    demo = registry.info(AIProvider.DEMO)
    assert (demo.display_name, demo.default_model, demo.models) == ("Demo", "demo-1", ("demo-1",))


async def test_unconfigured_providers_are_refused(registries: list[ProviderRegistry]) -> None:
    registry = build(registries)

    assert not registry.is_configured(AIProvider.OPENAI)
    with pytest.raises(LookupError, match="OPENAI"):
        registry.client(AIProvider.OPENAI)


async def test_a_key_configures_its_provider(registries: list[ProviderRegistry]) -> None:
    registry = build(registries, gemini_api_key="g", xai_api_key="x")

    assert configured(registry) == {AIProvider.GEMINI, AIProvider.GROK, AIProvider.DEMO}
    # The first configured in the order OPENAI, ANTHROPIC, GEMINI, GROK, OLLAMA.
    assert registry.default_provider() is AIProvider.GEMINI


async def test_ollama_is_configured_by_its_base_url(registries: list[ProviderRegistry]) -> None:
    registry = build(registries, ollama_base_url="http://localhost:11434")

    assert configured(registry) == {AIProvider.OLLAMA, AIProvider.DEMO}
    assert registry.default_provider() is AIProvider.OLLAMA
    assert registry.info(AIProvider.OLLAMA).default_model == "llama3.2"


async def test_preference_order(registries: list[ProviderRegistry]) -> None:
    registry = build(
        registries, anthropic_api_key="a", openai_api_key="o", ollama_base_url="http://o"
    )

    assert registry.default_provider() is AIProvider.OPENAI


async def test_default_provider_setting_wins_when_configured(
    registries: list[ProviderRegistry],
) -> None:
    registry = build(
        registries, openai_api_key="o", anthropic_api_key="a", default_ai_provider="anthropic"
    )

    assert registry.default_provider() is AIProvider.ANTHROPIC


async def test_default_provider_setting_is_ignored_when_unconfigured(
    registries: list[ProviderRegistry],
) -> None:
    registry = build(registries, xai_api_key="x", default_ai_provider="OPENAI")

    assert registry.default_provider() is AIProvider.GROK


async def test_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, registries: list[ProviderRegistry]
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_MODELS", "gpt-a, gpt-b,,gpt-c ")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "")
    monkeypatch.setenv("GROK_MODELS", "grok-x,grok-y")
    monkeypatch.setenv("GROK_DEFAULT_MODEL", "grok-z")
    monkeypatch.setenv("DEFAULT_AI_PROVIDER", "")
    monkeypatch.setenv("AI_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("DEMO_STREAM_DELAY_MS", "0")

    settings = AISettings(_env_file=None)
    registry = ProviderRegistry(settings)
    registries.append(registry)

    assert settings.openai_models == ("gpt-a", "gpt-b", "gpt-c")
    assert settings.ai_max_attempts == 5
    assert settings.default_ai_provider is None
    # A custom list without a custom default: its first model is the default.
    openai = registry.info(AIProvider.OPENAI)
    assert (openai.default_model, openai.models) == ("gpt-a", ("gpt-a", "gpt-b", "gpt-c"))
    # A custom default is always offered, first.
    grok = registry.info(AIProvider.GROK)
    assert (grok.default_model, grok.models) == ("grok-z", ("grok-z", "grok-x", "grok-y"))
    # An empty key is no key.
    assert configured(registry) == {AIProvider.OPENAI, AIProvider.DEMO}


async def test_settings_from_a_dotenv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registries: list[ProviderRegistry]
) -> None:
    (tmp_path / ".env").write_text(
        "OPENAI_API_KEY=\nANTHROPIC_API_KEY=sk-ant-file\nGEMINI_MODELS=g1,g2\n"
        "DEFAULT_AI_PROVIDER=gemini\nUNRELATED_SETTING=1\n"
    )
    monkeypatch.chdir(tmp_path)

    registry = ProviderRegistry(AISettings())
    registries.append(registry)

    assert configured(registry) == {AIProvider.ANTHROPIC, AIProvider.DEMO}
    assert registry.info(AIProvider.GEMINI).models == ("g1", "g2")
    # GEMINI is wanted but has no key.
    assert registry.default_provider() is AIProvider.ANTHROPIC


def test_secrets_stay_out_of_repr() -> None:
    settings = AISettings(_env_file=None, openai_api_key="sk-very-secret")

    assert "sk-very-secret" not in repr(settings)
    assert "sk-very-secret" not in str(settings.model_dump())


def test_defaults_are_current_models() -> None:
    settings = AISettings(_env_file=None)

    assert settings.openai_default_model in settings.openai_models
    assert settings.anthropic_default_model in settings.anthropic_models
    assert settings.gemini_base_url == "https://generativelanguage.googleapis.com/v1beta/openai/"
    assert settings.xai_base_url == "https://api.x.ai/v1"
    assert settings.ai_max_attempts == 3


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://localhost:11434", "http://localhost:11434/v1"),
        ("http://localhost:11434/", "http://localhost:11434/v1"),
        ("http://ollama:11434/v1", "http://ollama:11434/v1"),
        ("http://ollama:11434/v1/", "http://ollama:11434/v1"),
    ],
)
def test_ollama_uses_its_openai_compatible_path(given: str, expected: str) -> None:
    assert ollama_openai_url(given) == expected
