"""Maps each `AIProvider` to a ready `ProviderClient`, built once at start-up from settings.

The registry owns the SDK clients (and so their connection pools): build one per process,
share it, and `await registry.aclose()` on shutdown.
"""

from __future__ import annotations

import functools
import ssl

import httpx2
import structlog

from parley.ai.anthropic_messages import AnthropicBackend, anthropic_client
from parley.ai.config import AISettings, ProviderSettings, provider_settings
from parley.ai.demo import DemoBackend
from parley.ai.fallbacks import FallbackClient, parse_fallbacks
from parley.ai.openai_compatible import OpenAICompatibleBackend, openai_client
from parley.ai.providers import PREFERENCE_ORDER, AIProvider
from parley.ai.resilient import ResilientClient
from parley.ai.retry import RetryPolicy
from parley.ai.types import ProviderBackend, ProviderClient, ProviderInfo

log = structlog.get_logger(__name__)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # One CA store for every SDK client: each costs ~20 ms and a few MB to build.
    return httpx2.create_ssl_context()


def _backend(
    settings: AISettings, config: ProviderSettings, timeout: httpx2.Timeout
) -> ProviderBackend:
    provider = config.provider
    if provider is AIProvider.DEMO:
        return DemoBackend(chunk_delay_seconds=settings.demo_stream_delay_ms / 1000)
    assert config.api_key is not None
    assert config.base_url is not None
    if provider is AIProvider.ANTHROPIC:
        client = anthropic_client(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=timeout,
            ssl_context=_ssl_context(),
        )
        return AnthropicBackend(client, max_output_tokens=settings.ai_max_output_tokens)
    return OpenAICompatibleBackend(
        provider,
        openai_client(
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=timeout,
            ssl_context=_ssl_context(),
        ),
        max_output_tokens=settings.ai_max_output_tokens,
        token_limit_param="max_completion_tokens"
        if provider is AIProvider.OPENAI
        else "max_tokens",
    )


class ProviderRegistry:
    def __init__(self, settings: AISettings) -> None:
        self._settings = {p: provider_settings(settings, p) for p in AIProvider}
        # A stream's read timeout bounds the wait for each chunk, not the whole reply.
        timeout = httpx2.Timeout(
            settings.ai_request_timeout_seconds, connect=settings.ai_connect_timeout_seconds
        )
        policy = RetryPolicy.from_settings(settings)
        self._clients: dict[AIProvider, ResilientClient] = {
            provider: ResilientClient(_backend(settings, config, timeout), policy)
            for provider, config in self._settings.items()
            if config.configured
        }
        self._default = self._pick_default(settings.default_ai_provider)
        self._fallbacks = self._fallback_clients(settings)

    def _pick_default(self, wanted: AIProvider | None) -> AIProvider:
        if wanted is not None:
            if wanted in self._clients:
                return wanted
            log.warning("ai.default_provider_not_configured", provider=wanted.value)
        return next(p for p in PREFERENCE_ORDER if p in self._clients)

    def _fallback_clients(self, settings: AISettings) -> dict[AIProvider, FallbackClient]:
        # Settings validation already refused routes to unconfigured providers.
        return {
            provider: FallbackClient(
                self._clients[provider],
                [
                    (self._clients[r.provider], r.model or self.default_model(r.provider))
                    for r in routes
                ],
            )
            for provider, routes in parse_fallbacks(settings.ai_fallbacks).items()
            if provider in self._clients and routes
        }

    def client(self, provider: AIProvider) -> ProviderClient:
        """The provider's client, with its fallbacks (AI_FALLBACKS) when it has some;
        `LookupError` when it has no key (or base URL) here: check `is_configured` first."""
        try:
            return self._fallbacks.get(provider) or self._clients[provider]
        except KeyError:
            raise LookupError(f"{provider.value} is not configured") from None

    def is_configured(self, provider: AIProvider) -> bool:
        return provider in self._clients

    def info(self, provider: AIProvider) -> ProviderInfo:
        config = self._settings[provider]
        return ProviderInfo(
            provider=provider,
            display_name=provider.display_name,
            configured=config.configured,
            default_model=config.default_model,
            models=config.models,
            accepts_any_model=config.accepts_any_model,
        )

    def infos(self) -> list[ProviderInfo]:
        """Every provider, configured or not, in enum order."""
        return [self.info(p) for p in AIProvider]

    def default_provider(self) -> AIProvider:
        """`DEFAULT_AI_PROVIDER` if configured, else the first configured, else DEMO."""
        return self._default

    def default_model(self, provider: AIProvider) -> str:
        return self._settings[provider].default_model

    def offers(self, provider: AIProvider, model: str) -> bool:
        """Whether the operator lets conversations use `model` with `provider`."""
        config = self._settings[provider]
        return config.accepts_any_model or model in config.models

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
