"""AI settings, read from the environment or `.env`: each variable is its field's name in
upper case, with no prefix (`openai_api_key` is `OPENAI_API_KEY`).

The main `Settings` inherits from `AISettings`, so every field name here is unique and
prefixed by what it configures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from parley.ai.fallbacks import parse_fallbacks
from parley.ai.providers import AIProvider

GEMINI_OPENAI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
XAI_BASE_URL = "https://api.x.ai/v1"
OPENAI_BASE_URL = "https://api.openai.com/v1"
ANTHROPIC_BASE_URL = "https://api.anthropic.com"


def _split_commas(value: Any) -> Any:
    # pydantic-settings would try JSON for a sequence field; NoDecode hands us the raw string.
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


ModelList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_commas)]


class AISettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    default_ai_provider: AIProvider | None = None

    # Model defaults are current models as of 2026-11; `<PROVIDER>_MODELS` (comma-separated)
    # and `<PROVIDER>_DEFAULT_MODEL` override them. Validators are `_ai_` prefixed so that
    # the inheriting `Settings` cannot shadow them by accident.

    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_default_model: str = "gpt-6.1-sol"
    openai_models: ModelList = ("gpt-6.1-sol", "gpt-6-luna", "gpt-6-astra")

    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    anthropic_default_model: str = "claude-sonnet-5-5"
    anthropic_models: ModelList = ("claude-sonnet-5-5", "claude-haiku-5-5", "claude-opus-5-5")

    gemini_api_key: SecretStr | None = None
    gemini_base_url: str = GEMINI_OPENAI_BASE_URL
    gemini_default_model: str = "gemini-3.6-flash"
    gemini_models: ModelList = (
        "gemini-3.6-flash",
        "gemini-3.5-flash-lite",
        "gemini-3.1-pro-preview",
    )

    xai_api_key: SecretStr | None = None
    xai_base_url: str = XAI_BASE_URL
    grok_default_model: str = "grok-4.5"
    grok_models: ModelList = ("grok-4.5", "grok-4.3")

    ollama_base_url: str | None = None
    ollama_default_model: str = "llama3.2"
    # `*` in a list: any model name is accepted too (Ollama serves whatever was pulled).
    ollama_models: ModelList = ("llama3.2", "*")

    demo_default_model: str = "demo-1"
    demo_models: ModelList = ("demo-1",)
    demo_stream_delay_ms: int = Field(default=30, ge=0)

    ai_request_timeout_seconds: float = Field(default=60.0, gt=0)
    ai_connect_timeout_seconds: float = Field(default=10.0, gt=0)
    ai_max_attempts: int = Field(default=3, ge=1)
    ai_retry_base_delay_seconds: float = Field(default=0.5, ge=0)
    ai_retry_max_delay_seconds: float = Field(default=8.0, ge=0)
    # Reasoning models spend part of this budget thinking, so it is not tiny.
    ai_max_output_tokens: int = Field(default=4096, ge=1)
    # Who answers when a provider fails before its first delta (`parley.ai.fallbacks`).
    # Defined after every provider field: its validator reads them to check the routes.
    ai_fallbacks: str = ""

    @field_validator(
        "default_ai_provider",
        "openai_api_key",
        "openai_base_url",
        "anthropic_api_key",
        "anthropic_base_url",
        "gemini_api_key",
        "xai_api_key",
        "ollama_base_url",
        mode="before",
    )
    @classmethod
    def _ai_blank_is_unset(cls, value: Any) -> Any:
        # `.env` templates ship `OPENAI_API_KEY=`: an empty value means "not configured".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("default_ai_provider", mode="before")
    @classmethod
    def _ai_provider_name(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("gemini_base_url", "xai_base_url", mode="before")
    @classmethod
    def _ai_blank_is_default(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name or ""].default
        return value

    @field_validator("ai_fallbacks")
    @classmethod
    def _ai_fallback_routes(cls, value: str, info: ValidationInfo) -> str:
        # Only syntax and names here would let a typo wait for the first outage: check that
        # each route is configured and offers its model, from the fields validated so far.
        for routes in parse_fallbacks(value).values():
            for route in routes:
                _check_route(info.data, route.provider, route.model)
        return value


# The settings fields each provider is configured by: (its key or URL, models, default model).
_PROVIDER_FIELDS: dict[AIProvider, tuple[str | None, str, str]] = {
    AIProvider.OPENAI: ("openai_api_key", "openai_models", "openai_default_model"),
    AIProvider.ANTHROPIC: ("anthropic_api_key", "anthropic_models", "anthropic_default_model"),
    AIProvider.GEMINI: ("gemini_api_key", "gemini_models", "gemini_default_model"),
    AIProvider.GROK: ("xai_api_key", "grok_models", "grok_default_model"),
    AIProvider.OLLAMA: ("ollama_base_url", "ollama_models", "ollama_default_model"),
    AIProvider.DEMO: (None, "demo_models", "demo_default_model"),
}


def _check_route(data: dict[str, Any], provider: AIProvider, model: str | None) -> None:
    needs, models_field, default_field = _PROVIDER_FIELDS[provider]
    if needs is not None and data.get(needs) is None:
        raise ValueError(f"{provider.value} is not configured (set {needs.upper()})")
    listed: tuple[str, ...] = data.get(models_field) or ()
    offered = {*listed, data.get(default_field)}
    if model is not None and ANY_MODEL not in listed and model not in offered:
        raise ValueError(f"{provider.value} does not offer the model {model!r}")


@dataclass(frozen=True)
class ProviderSettings:
    """What one provider needs, gathered from the flat settings."""

    provider: AIProvider
    configured: bool
    api_key: str | None
    base_url: str | None
    default_model: str
    models: tuple[str, ...]
    accepts_any_model: bool


ANY_MODEL = "*"


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _offered(
    settings: AISettings, default_field: str, models_field: str
) -> tuple[str, tuple[str, ...], bool]:
    """The default model, the models offered (default first) and whether any name goes."""
    default: str = getattr(settings, default_field)
    listed: tuple[str, ...] = getattr(settings, models_field)
    models = tuple(m for m in listed if m != ANY_MODEL)
    # A custom list without a custom default: the list's first model is the default.
    custom = settings.model_fields_set
    if models and models_field in custom and default_field not in custom:
        default = models[0]
    # The default is always offered, first.
    return default, (default, *(m for m in models if m != default)), ANY_MODEL in listed


def ollama_openai_url(base_url: str) -> str:
    """Ollama's OpenAI-compatible API lives under `/v1` of its base URL."""
    trimmed = base_url.rstrip("/")
    return trimmed if trimmed.endswith("/v1") else f"{trimmed}/v1"


def provider_settings(settings: AISettings, provider: AIProvider) -> ProviderSettings:
    key: str | None
    base_url: str | None
    match provider:
        case AIProvider.OPENAI:
            key = _secret(settings.openai_api_key)
            base_url = settings.openai_base_url or OPENAI_BASE_URL
            configured = key is not None
            default, models, any_model = _offered(settings, "openai_default_model", "openai_models")
        case AIProvider.ANTHROPIC:
            key = _secret(settings.anthropic_api_key)
            base_url = settings.anthropic_base_url or ANTHROPIC_BASE_URL
            configured = key is not None
            default, models, any_model = _offered(
                settings, "anthropic_default_model", "anthropic_models"
            )
        case AIProvider.GEMINI:
            key = _secret(settings.gemini_api_key)
            base_url = settings.gemini_base_url
            configured = key is not None
            default, models, any_model = _offered(settings, "gemini_default_model", "gemini_models")
        case AIProvider.GROK:
            key = _secret(settings.xai_api_key)
            base_url = settings.xai_base_url
            configured = key is not None
            default, models, any_model = _offered(settings, "grok_default_model", "grok_models")
        case AIProvider.OLLAMA:
            # Ollama ignores the key, but the OpenAI SDK insists on one.
            key = "ollama"
            raw = settings.ollama_base_url
            base_url = ollama_openai_url(raw) if raw else None
            configured = raw is not None
            default, models, any_model = _offered(settings, "ollama_default_model", "ollama_models")
        case AIProvider.DEMO:
            key, base_url, configured = None, None, True
            default, models, any_model = _offered(settings, "demo_default_model", "demo_models")
    return ProviderSettings(
        provider=provider,
        configured=configured,
        api_key=key,
        base_url=base_url,
        default_model=default,
        models=models,
        accepts_any_model=any_model,
    )
